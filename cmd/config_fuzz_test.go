package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// configSeeds are config files a user may write, right and wrong.
var configSeeds = []string{
	"",
	"bits: 4096\nprofile: freja\norg: ACME AB\norg-id: 556677-8881\noutput: json\nquiet: true\ntimeout: 5s\n",
	"environments:\n  stage:\n    ca: ~/car/ca.cer\n    p12: ~/car/client.p12\n",
	"environments:\n  mine:\n    host: example.com\n    port: 8443\n    profile: car\n    request: {method: POST, path: /x, content_type: application/json, body: '{}'}\n",
	"environments:\n  api:\n    port: not-a-number\n",
	"environments: [1, 2]\n",
	"environments:\n  x: 5\n",
	"environments:\n  'a.b':\n    host: h\n",
	"bits: [1, 2]\noutput: {a: b}\n",
	"timeout: -1s\nno-input: maybe\n",
	"a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c]\n",
	"org: \"ACME\\u202eAB\\u0000\"\n",
	"\xef\xbb\xbfprofile: car\r\nrole: bank\r\n",
	"{{{{",
	"environments:\n  sandbox: null\n",
	"environments:\n  api:\n    request:\n      method: [GET]\n",
	"bitz: 4096\ntimeout: fast\nrole: bnak\nenvironments:\n  stage:\n    reqest: {path: /}\n",
	"environments:\n  MyProxy: {host: proxy.example, port: 443, ca: sandbox}\n  myproxy: {host: h, port: 1}\n",
	"environments:\n  API: {port: 444}\n  new: {profile: car}\n",
	"environments: &e {}\nbits: *e\n<<: {quiet: true}\n",
	"---\nquiet: true\n---\nquiet: false\n",
	"environments:\n  stage:\n  ci: {port: 70000, request: {path: x}}\n",
	"quiet: yes\nno-input: TRUE\nbits: 0x1000\ntimeout: 0s\n",
}

// FuzzConfig feeds arbitrary bytes as the config file to the loader that
// every command runs (flag defaults from the file, then the environments
// merged over the embedded ones) for commands with string, int, bool and
// duration settings. It must never panic; a file it refuses is a usage
// error (exit 2) with a code, a plain-words message and a hint.
func FuzzConfig(f *testing.F) {
	for _, s := range configSeeds {
		f.Add([]byte(s))
	}
	file := filepath.Join(f.TempDir(), "config.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, path := range [][]string{{"csr"}, {"ping"}, {"key"}, {"jws", "verify"}} {
			a, _, _ := testApp(nil)
			c, _, err := NewRootCmd(a).Find(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.loadConfig(c, file); err != nil {
				checkConfigError(t, err)
				continue
			}
			envs, err := a.environments()
			if err != nil {
				checkConfigError(t, err)
				continue
			}
			for name, e := range envs {
				if e == nil {
					t.Fatalf("environment %q is nil", name)
				}
				_ = e.Addr()
			}
			if a.Output != "text" && a.Output != "json" {
				t.Fatalf("output %q accepted", a.Output)
			}
		}
	})
}

// checkConfigError checks a refused config file.
func checkConfigError(t *testing.T, err error) {
	t.Helper()
	e := classify(err)
	if e.Exit() != exitUsage || (e.Code != "bad_config" && e.Code != "usage" && e.Code != codeConfigInvalid) || e.Hint == "" || e.Message == "" {
		t.Fatalf("config error: exit %d code %q hint %q message %q", e.Exit(), e.Code, e.Hint, e.Message)
	}
	if e.Code == codeConfigInvalid && !strings.HasPrefix(e.Message, "config file ") {
		t.Fatalf("config error does not name the file first: %q", e.Message)
	}
	if jargon.MatchString(e.Message) {
		t.Fatalf("config error leads with parser jargon: %q", e.Message)
	}
}
