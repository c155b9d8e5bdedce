package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// writeConfig writes a config file and returns its path.
func writeConfig(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// loadFor loads file (and env) as the command at path would, with args
// given as flags.
func loadFor(t *testing.T, file string, env map[string]string, path []string, args ...string) (*App, *cobra.Command, error) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // no default file of the machine's
	a, _, _ := testApp(env)
	c, _, err := NewRootCmd(a).Find(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ParseFlags(args); err != nil {
		t.Fatal(err)
	}
	return a, c, a.loadConfig(c, file)
}

// TestConfigSettings sets every key of the config file once with a good
// value (and checks what it sets), once with a bad value and once
// misspelt; the last two are usage errors naming the file, line and key.
func TestConfigSettings(t *testing.T) {
	flag := func(name string) func(*App, *cobra.Command) any {
		return func(_ *App, c *cobra.Command) any { return c.Flags().Lookup(name).Value.String() }
	}
	env := func(name string, get func(*Environment) any) func(*App, *cobra.Command) any {
		return func(a *App, _ *cobra.Command) any {
			envs, err := a.environments()
			if err != nil {
				return err
			}
			return get(envs[name])
		}
	}
	ping := []string{"ping"}
	tests := []struct {
		key       string
		cmd       []string
		good      string // YAML setting it
		get       func(*App, *cobra.Command) any
		want      string
		bad       string // YAML with a wrong type or value
		wantBad   string // in the message (after "config file F line N: ")
		misspelt  string // YAML with the key misspelt
		wantGuess string // the "did you mean" key
	}{
		{"output", ping, "output: json", func(a *App, _ *cobra.Command) any { return a.Output }, "json",
			"output: yaml", `output "yaml" is not accepted`, "ouptut: json", "output"},
		{"no-input", ping, "no-input: true", func(a *App, _ *cobra.Command) any { return a.NoInput }, "true",
			"no-input: yes", `no-input "yes" is not true or false`, "no_input: true", "no-input"},
		{"quiet", ping, "quiet: true", func(a *App, _ *cobra.Command) any { return a.Quiet }, "true",
			"quiet: [true]", "quiet is a list, not true or false", "queit: true", "quiet"},
		{"profile", []string{"csr"}, "profile: freja", flag("profile"), "freja",
			"profile: frej", `profile "frej" is not accepted`, "profiel: car", "profile"},
		{"bits", []string{"key"}, "bits: 3072", flag("bits"), "3072",
			"bits: 5000", `bits "5000" is not accepted`, "bitz: 4096", "bits"},
		{"org", []string{"csr"}, "org: ACME AB", flag("org"), "ACME AB",
			"org: {name: ACME}", "org is a mapping, not a text value", "ogr: ACME", "org"},
		{"org-id", []string{"csr"}, "org-id: 5566778881", flag("org-id"), "5566778881",
			"org-id:", "org-id has no value", "orgid: 556677-8881", "org-id"},
		{"country", []string{"csr"}, "country: NO", flag("country"), "NO",
			"country: [SE]", "country is a list", "contry: SE", "country"},
		{"unit", []string{"csr"}, "unit: Production", flag("unit"), "Production",
			"unit: ~", "unit has no value", "units: x", "unit"},
		{"common-name", []string{"csr"}, "common-name: Signing", flag("common-name"), "Signing",
			"common-name: {}", "common-name is a mapping", "common_name: x", "common-name"},
		{"org-code", []string{"csr"}, "org-code: BANK01", flag("org-code"), "BANK01",
			"org-code: []", "org-code is a list", "orgcode: BANK01", "org-code"},
		{"role", []string{"csr"}, "role: ctd", flag("role"), "ctd",
			"role: bnak", `role "bnak" is not accepted`, "rol: bank", "role"},
		{"timeout", ping, "timeout: 1m30s", flag("timeout"), "1m30s",
			"timeout: fast", `timeout "fast" is not a duration`, "timout: 10s", "timeout"},
		{"proxy", ping, "proxy: http://proxy.example:3128", func(a *App, _ *cobra.Command) any { v, _ := a.configProxy(nil); return v }, "http://proxy.example:3128",
			"proxy: [http://a]", "proxy is a list, not a text value", "prxy: none", "proxy"},
		{"jws-env", ping, "jws-env: freja-test", func(a *App, _ *cobra.Command) any { return a.jwsDefaultEnv() }, "freja-test",
			"jws-env: production", `jws-env "production" is not accepted`, "jws_env: any", "jws-env"},
		{"environments.NAME.proxy", ping, "environments:\n  stage:\n    proxy: none", env("stage", func(e *Environment) any { return e.Proxy }), "none",
			"environments:\n  stage:\n    proxy: {url: x}", "environments.stage.proxy is a mapping", "environments:\n  stage:\n    proxi: none", "proxy"},
		{"environments.NAME.description", ping, "environments:\n  stage:\n    description: mine", env("stage", func(e *Environment) any { return e.Description }), "mine",
			"environments:\n  stage:\n    description: [a]", "environments.stage.description is a list", "environments:\n  stage:\n    descripton: x", "description"},
		{"environments.NAME.profile", ping, "environments:\n  stage:\n    profile: freja", env("stage", func(e *Environment) any { return e.Profile }), "freja",
			"environments:\n  stage:\n    profile: CAR", `environments.stage.profile "CAR" is not accepted`, "environments:\n  stage:\n    profil: car", "profile"},
		{"environments.NAME.host", ping, "environments:\n  stage:\n    host: example.com", env("stage", func(e *Environment) any { return e.Host }), "example.com",
			"environments:\n  stage:\n    host: {a: b}", "environments.stage.host is a mapping", "environments:\n  stage:\n    hots: x", "host"},
		{"environments.NAME.port", ping, "environments:\n  stage:\n    port: 8443", env("stage", func(e *Environment) any { return e.Port }), "8443",
			"environments:\n  stage:\n    port: https", `environments.stage.port "https" is not a whole number`, "environments:\n  stage:\n    prot: 1", "port"},
		{"environments.NAME.server_name", ping, "environments:\n  stage:\n    server_name: localhost", env("stage", func(e *Environment) any { return e.ServerName }), "localhost",
			"environments:\n  stage:\n    server_name: [a]", "environments.stage.server_name is a list", "environments:\n  stage:\n    server-name: x", "server_name"},
		{"environments.NAME.ca", ping, "environments:\n  stage:\n    ca: ~/car/ca.cer", env("stage", func(e *Environment) any { return e.CA }), "~/car/ca.cer",
			"environments:\n  stage:\n    ca: [a.cer, b.cer]", "environments.stage.ca is a list", "environments:\n  stage:\n    cA: x", "ca"},
		{"environments.NAME.p12", ping, "environments:\n  stage:\n    p12: client.p12", env("stage", func(e *Environment) any { return e.P12 }), "client.p12",
			"environments:\n  stage:\n    p12:", "environments.stage.p12 has no value", "environments:\n  stage:\n    p21: x", "p12"},
		{"environments.NAME.cert", ping, "environments:\n  stage:\n    cert: c.cer", env("stage", func(e *Environment) any { return e.Cert }), "c.cer",
			"environments:\n  stage:\n    cert: {}", "environments.stage.cert is a mapping", "environments:\n  stage:\n    crt: x", "cert"},
		{"environments.NAME.key", ping, "environments:\n  stage:\n    key: c.key", env("stage", func(e *Environment) any { return e.Key }), "c.key",
			"environments:\n  stage:\n    key: []", "environments.stage.key is a list", "environments:\n  stage:\n    kye: x", "key"},
		{"environments.NAME.request.method", ping, "environments:\n  stage:\n    request: {method: POST}", env("stage", func(e *Environment) any { return e.Request.Method }), "POST",
			"environments:\n  stage:\n    request: {method: get}", `environments.stage.request.method "get" is not accepted`, "environments:\n  stage:\n    reqest: {method: GET}", "request"},
		{"environments.NAME.request.path", ping, "environments:\n  stage:\n    request: {path: /x}", env("stage", func(e *Environment) any { return e.Request.Path }), "/x",
			"environments:\n  stage:\n    request: {path: x}", `environments.stage.request.path "x" is not accepted`, "environments:\n  stage:\n    request: {pth: /}", "path"},
		{"environments.NAME.request.content_type", ping, "environments:\n  stage:\n    request: {content_type: text/plain}", env("stage", func(e *Environment) any { return e.Request.ContentType }), "text/plain",
			"environments:\n  stage:\n    request: {content_type: [a]}", "environments.stage.request.content_type is a list", "environments:\n  stage:\n    request: {content-type: x}", "content_type"},
		{"environments.NAME.request.body", ping, "environments:\n  stage:\n    request: {body: 'a=b'}", env("stage", func(e *Environment) any { return e.Request.Body }), "a=b",
			"environments:\n  stage:\n    request: {body: {a: b}}", "environments.stage.request.body is a mapping", "environments:\n  stage:\n    request: {bdy: x}", "body"},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.key] = true
		t.Run(tt.key, func(t *testing.T) {
			a, c, err := loadFor(t, writeConfig(t, tt.good+"\n"), nil, tt.cmd)
			if err != nil {
				t.Fatalf("%q refused: %v", tt.good, err)
			}
			if got := fmt.Sprint(tt.get(a, c)); got != tt.want {
				t.Errorf("%q: got %q, want %q", tt.good, got, tt.want)
			}
			for _, bad := range []struct{ yaml, want string }{
				{tt.bad, tt.wantBad},
				{tt.misspelt, "is not a setting (did you mean \"" + tt.wantGuess + "\"?)"},
			} {
				file := writeConfig(t, "# a comment\n"+bad.yaml+"\n")
				_, _, err := loadFor(t, file, nil, tt.cmd)
				e := classify(err)
				if err == nil || e.Code != codeConfigInvalid || e.Exit() != exitUsage {
					t.Fatalf("%q: got %v (%+v), want a config_invalid usage error", bad.yaml, err, e)
				}
				line := strings.Count(bad.yaml, "\n") + 2
				lead := regexp.QuoteMeta("config file "+file+" line ") + `\d+: `
				if !regexp.MustCompile("^"+lead).MatchString(e.Message) || !strings.Contains(e.Message, bad.want) {
					t.Errorf("%q: message %q, want %q after %q", bad.yaml, e.Message, bad.want, "config file "+file+" line N: ")
				}
				if !strings.Contains(e.Message, " line ") || line < 2 {
					t.Errorf("%q: message %q names no line", bad.yaml, e.Message)
				}
				if e.Hint == "" || !strings.Contains(e.Hint, " takes ") && !strings.Contains(e.Hint, " are ") {
					t.Errorf("%q: hint %q does not say what is accepted", bad.yaml, e.Hint)
				}
			}
		})
	}
	for _, k := range configKeys() {
		if !covered[k] {
			t.Errorf("config key %s has no row in TestConfigSettings", k)
		}
	}
}

// TestConfigKeysMatchFlags: each top-level key of the config file is the
// default of a configurable flag of the same name, and each configurable
// flag has its key, so neither can be added without the other.
func TestConfigKeysMatchFlags(t *testing.T) {
	a, _, _ := testApp(nil)
	flags := map[string]bool{}
	var visit func(c *cobra.Command)
	visit = func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.LocalFlags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if f.Annotations[configurable] != nil {
					flags[f.Name] = true
				}
			})
		}
		for _, sub := range c.Commands() {
			visit(sub)
		}
	}
	visit(NewRootCmd(a))
	var keys []string
	for _, k := range configKeys() {
		if f, ok := fieldByKey(reflect.TypeFor[fileConfig](), k); ok && f.Tag.Get("flag") != "-" {
			keys = append(keys, k)
			if !flags[k] {
				t.Errorf("config key %s is no configurable flag", k)
			}
		}
	}
	for f := range flags {
		if _, ok := fieldByKey(reflect.TypeFor[fileConfig](), f); !ok {
			t.Errorf("configurable flag --%s has no config key", f)
		}
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		t.Fatal("no top-level config keys")
	}
}

// TestConfigPrecedence: flag > CARONBOARD_* > config file > default.
func TestConfigPrecedence(t *testing.T) {
	file := writeConfig(t, "bits: 3072\ntimeout: 20s\noutput: json\nquiet: true\n")
	tests := []struct {
		name string
		file string
		env  map[string]string
		cmd  []string
		args []string
		flag string
		want string
		from string // the recorded source; "" when typed or the default
	}{
		{"default", "", nil, []string{"key"}, nil, "bits", "4096", ""},
		{"file", file, nil, []string{"key"}, nil, "bits", "3072", "config file " + file + " line 1"},
		{"env over file", file, map[string]string{"CARONBOARD_BITS": "2048"}, []string{"key"}, nil, "bits", "2048", "CARONBOARD_BITS"},
		{"flag over env", file, map[string]string{"CARONBOARD_BITS": "2048"}, []string{"key"}, []string{"--bits", "4096"}, "bits", "4096", ""},
		{"duration default", "", nil, []string{"ping"}, nil, "timeout", "10s", ""},
		{"duration file", file, nil, []string{"ping"}, nil, "timeout", "20s", "config file " + file + " line 2"},
		{"duration env", file, map[string]string{"CARONBOARD_TIMEOUT": "5s"}, []string{"ping"}, nil, "timeout", "5s", "CARONBOARD_TIMEOUT"},
		{"duration flag", file, map[string]string{"CARONBOARD_TIMEOUT": "5s"}, []string{"ping"}, []string{"--timeout", "1s"}, "timeout", "1s", ""},
		{"global file", file, nil, []string{"ping"}, nil, "output", "json", "config file " + file + " line 3"},
		{"global env", file, map[string]string{"CARONBOARD_OUTPUT": "text"}, []string{"ping"}, nil, "output", "text", "CARONBOARD_OUTPUT"},
		{"global flag", file, map[string]string{"CARONBOARD_OUTPUT": "json"}, []string{"ping"}, []string{"-o", "text"}, "output", "text", ""},
		{"bool env", file, map[string]string{"CARONBOARD_QUIET": "false"}, []string{"ping"}, nil, "quiet", "false", "CARONBOARD_QUIET"},
		{"bool flag", "", nil, []string{"ping"}, []string{"--quiet"}, "quiet", "true", ""},
		{"CARONBOARD_CONFIG", "", map[string]string{"CARONBOARD_CONFIG": file}, []string{"key"}, nil, "bits", "3072", "config file " + file + " line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, c, err := loadFor(t, tt.file, tt.env, tt.cmd, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Flags().Lookup(tt.flag).Value.String(); got != tt.want {
				t.Errorf("--%s = %q, want %q", tt.flag, got, tt.want)
			}
			if got := a.sources[tt.flag]; got != tt.from {
				t.Errorf("source of --%s = %q, want %q", tt.flag, got, tt.from)
			}
		})
	}
	// A bad environment value is refused like a bad file value.
	for env, val := range map[string]string{"CARONBOARD_ROLE": "bnak", "CARONBOARD_BITS": "lots", "CARONBOARD_TIMEOUT": "0s", "CARONBOARD_OUTPUT": "yaml"} {
		cmd := []string{"csr"}
		if env == "CARONBOARD_TIMEOUT" || env == "CARONBOARD_OUTPUT" {
			cmd = []string{"ping"}
		}
		_, _, err := loadFor(t, "", map[string]string{env: val}, cmd)
		e := classify(err)
		if err == nil || e.Exit() != exitUsage || !strings.Contains(e.Message, env) || !strings.Contains(e.Hint, "takes") {
			t.Errorf("%s=%s: got %v (hint %q), want a usage error naming it", env, val, err, e.Hint)
		}
	}
}

// TestEnvironmentNamesCaseSensitive: names are kept as written; an --env
// that differs only in case is refused naming the right spelling.
func TestEnvironmentNamesCaseSensitive(t *testing.T) {
	file := writeConfig(t, "environments:\n  MyProxy:\n    host: proxy.example\n    port: 8443\n    ca: sandbox\n")
	a, _, err := loadFor(t, file, nil, []string{"ping"})
	if err != nil {
		t.Fatal(err)
	}
	e, err := a.environment("MyProxy")
	if err != nil || e.Name != "MyProxy" || e.Addr() != "proxy.example:8443" || e.ServerName != "proxy.example" || e.Request.Method != "GET" {
		t.Fatalf("MyProxy: %+v, %v", e, err)
	}
	for _, name := range []string{"myproxy", "MYPROXY"} {
		_, err = a.environment(name)
		ce := classify(err)
		if err == nil || ce.Exit() != exitUsage || !strings.Contains(ce.Message, `"MyProxy"`) || !strings.Contains(ce.Hint, "--env MyProxy") {
			t.Errorf("--env %s: got %v (hint %q), want a usage error naming MyProxy", name, err, ce.Hint)
		}
	}
	if _, err := a.environment("Stage"); err == nil || !strings.Contains(classify(err).Hint, "--env stage") {
		t.Errorf("--env Stage: got %v, want a usage error naming stage", err)
	}
	for yaml, want := range map[string]string{
		"environments:\n  Stage:\n    port: 444\n":                          `environments.Stage differs from the built-in environment "stage" only in case`,
		"environments:\n  a: {host: h, port: 1}\n  A: {host: h, port: 2}\n": `environments.A differs from environment "a" only in case`,
		"environments:\n  new:\n    profile: car\n":                         "environments.new is a new environment without host and port",
		"environments:\n  ../x: {host: h, port: 1}\n":                       `environments."../x" is not a usable environment name`,
		"environments:\n  stage: {port: 1}\n  stage: {port: 2}\n":           "environments.stage is written twice (first on line 2)",
	} {
		_, _, err := loadFor(t, writeConfig(t, yaml), nil, []string{"ping"})
		if e := classify(err); err == nil || e.Code != codeConfigInvalid || !strings.Contains(e.Message, want) {
			t.Errorf("%q: got %v, want %q", yaml, err, want)
		}
	}
}

// TestConfigFileStrict covers what is not a single setting.
func TestConfigFileStrict(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"- bits\n", "line 1: the top level is not a mapping"},
		{"bits: 2048\n---\nbits: 4096\n", "line 2 holds more than one YAML document"},
		{"bits: 2048\nbits: 4096\n", "line 2: bits is written twice (first on line 1)"},
		{"base: &b {port: 1}\n", "line 1: base is not a setting"},
		{"environments: &e {}\n", "line 1: environments uses a YAML anchor or alias"},
		{"environments:\n  stage: &s {port: 1}\n  ci: *s\n", "has 2 problems (environments.stage, environments.ci)"},
		{"environments:\n  stage:\n    <<: {port: 1}\n", `environments.stage."<<" is not a setting`},
		{"environments: [stage]\n", "line 1: environments is not a mapping"},
		{"environments:\n  stage: 5\n", "line 2: environments.stage is not a mapping"},
		{"environments:\n  stage:\n    request: [GET, /]\n", "line 3: environments.stage.request is not a mapping"},
		{"environments:\n  stage:\n    port: 0\n", `environments.stage.port "0" is not accepted`},
		{"timeout: 0s\n", `timeout "0s" is not accepted`},
		{"timeout: 10\n", `timeout "10" is not a duration`},
		{"bits: 4096.0\n", `bits "4096.0" is not a whole number`},
		{"Bits: 4096\n", `Bits is not a setting (did you mean "bits"?)`},
		{"\tbits: 4096\n", "is not valid YAML"},
		{"bitz: 1\nrole: bnak\n", "has 2 problems (bitz, role)"},
		{"environments:\n  stage:\n    description: \"stage\\e[2J\"\n", `line 3: environments.stage.description "stage\x1b[2J" is not accepted`},
		{"environments:\n  stage:\n    host: \"evil\\u202ecom\"\n", `line 3: environments.stage.host "evil\u202ecom" is not accepted`},
		{"\"bits\\e[31m\\u202e\": 1\n", `line 1: "bits\x1b[31m\u202e" is not a setting`},
		{"environments:\n  \"st\\nage\": {}\n", `line 2: environments."st\nage" is not a usable environment name`},
		{strings.Repeat("x: 1\n", 30), "has 30 problems (x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, and 10 more)"},
		{"environments:\n" + strings.Repeat("  e: {}\n", 300), "line 2: environments has 300 entries"},
	}
	for _, tt := range tests {
		file := writeConfig(t, tt.yaml)
		_, _, err := loadFor(t, file, nil, []string{"csr"})
		if err == nil {
			t.Errorf("%q accepted, want %q", tt.yaml, tt.want)
			continue
		}
		e := classify(err)
		if err == nil || e.Code != codeConfigInvalid || e.Exit() != exitUsage || !strings.HasPrefix(e.Message, "config file "+file) || !strings.Contains(e.Message, tt.want) || e.Hint == "" {
			t.Errorf("%q: got %v (code %q, hint %q), want %q", tt.yaml, err, e.Code, e.Hint, tt.want)
		}
	}
	for _, ok := range []string{"", "# nothing\n", "---\n", "environments:\n", "environments:\n  stage:\n", "\xef\xbb\xbfprofile: car\r\nrole: bank\r\n", "quiet: True\ncountry: NO\n"} {
		if _, _, err := loadFor(t, writeConfig(t, ok), nil, []string{"csr"}); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
}

// TestConfigSourceNamed: a value from the config file or the environment
// that a command refuses later names where it came from.
func TestConfigSourceNamed(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Chdir(dir)
	org := writeConfig(t, "profile: freja\norg: ACME & Co\norg-id: 556677-8881\n")
	bits := writeConfig(t, "bits: 2048\n")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"org from file", nil, []string{"--config", org, "csr", "--new-key", "k", "--no-passphrase", "--out", "x.csr"}, "(org comes from config file " + org + " line 2)"},
		{"org from env", map[string]string{"CARONBOARD_ORG": "ACME & Co"}, []string{"csr", "--profile", "freja", "--org-id", "556677-8881", "--new-key", "k", "--no-passphrase", "--out", "x.csr"}, "(org comes from CARONBOARD_ORG)"},
		{"org-code from env", map[string]string{"CARONBOARD_ORG_CODE": strings.Repeat("B", 65)}, []string{"csr", "--profile", "car", "--role", "bank", "--new-key", "k", "--no-passphrase", "--out", "x.csr"}, "(org-code comes from CARONBOARD_ORG_CODE)"},
		{"bits from file", nil, []string{"--config", bits, "csr", "--profile", "car", "--role", "bank", "--org-code", "BANK01", "--new-key", "k", "--no-passphrase", "--out", "x.csr"}, "(bits comes from config file " + bits + " line 1)"},
		{"p12 from file", nil, []string{"--config", writeConfig(t, "environments:\n  freja-test:\n    p12: missing.p12\n"), "ping", "--env", "freja-test"}, "environments.freja-test.p12 from config file "},
		{"ca from file", nil, []string{"--config", writeConfig(t, "environments:\n  stage:\n    ca: missing.cer\n"), "ping", "--env", "stage"}, "environments.stage.ca from config file "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(tt.env, nil, tt.args...)
			if r.exit == 0 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("want %q in the error\n%s", tt.want, r)
			}
			if _, err := os.Stat(filepath.Join(dir, "x.csr")); err == nil {
				t.Error("x.csr written")
			}
		})
	}
	// Typed as a flag, the value is the user's own: no source named.
	r := runCLI(nil, nil, "csr", "--profile", "freja", "--org", "ACME & Co", "--org-id", "556677-8881", "--new-key", "k", "--no-passphrase", "--out", "x.csr")
	if r.exit == 0 || strings.Contains(r.stderr, "comes from") {
		t.Errorf("flag value blamed on a source\n%s", r)
	}
}

// TestConfigReadme: the README's config section documents every key.
func TestConfigReadme(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Config file\n")
	if !ok {
		t.Fatal("README has no '## Config file' section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	for _, k := range configKeys() {
		short := "`." + strings.TrimPrefix(k, "environments.NAME.") + "`"
		leaf := "`." + k[strings.LastIndex(k, ".")+1:] + "`"
		if !strings.Contains(section, "`"+k+"`") && !strings.Contains(section, short) && !strings.Contains(section, leaf) {
			t.Errorf("README's config section does not name %s (as `%s` or %s)", k, k, short)
		}
	}
}
