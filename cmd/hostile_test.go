//go:build unix

package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileCmd is one command line of the hostile-input table. Its arguments
// name inputs as {slot}; a slot is filled with its good fixture (fill, or
// the slot's own name) except for the one under test.
type hostileCmd struct {
	name  string
	args  []string
	slots map[string]string // slot → slot type (which hostile kinds apply)
	fill  map[string]string // slot → good fixture, when not the slot's name
	// outputs are the files (relative to the working folder) an accepted
	// run writes; they are removed after it.
	outputs []string
	// acceptCode is the error code an accepted input reaches when the
	// command cannot succeed here (ping: nothing listens); "" = exit 0.
	acceptCode string
}

// hostileCommands covers every command that reads a file a user, a CA
// delivery or an attacker hands it. Not here: checklist, which reports on a
// folder and exits 0 whatever it finds there (its readers are those of
// pkg/keystore and pkg/csr, tested here, and pkg/frejarp's logo sniffer is
// fuzzed), and init, which drives these same commands.
func hostileCommands(closed string) []hostileCmd {
	subject := []string{"--org", "ACME AB", "--org-id", "556677-8881"}
	ping := []string{"ping", "--env", "sandbox", "--sandbox-dir", "{sbdir}", "--addr", closed, "--timeout", "2s"}
	return []hostileCmd{
		{name: "key", args: []string{"key", "--out", "new.key", "--bits", "2048", "--passphrase-file", "{newpass}"},
			slots: map[string]string{"newpass": "newpass"}, outputs: []string{"new.key"}},
		{name: "csr", args: append([]string{"csr", "--profile", "freja", "--key", "{key}", "--out", "out.csr"}, subject...),
			slots: map[string]string{"key": "key"}, outputs: []string{"out.csr"}},
		{name: "csr-encrypted-key", args: append([]string{"csr", "--profile", "freja", "--key", "{key}", "--passphrase-file", "{pass}", "--out", "out.csr"}, subject...),
			slots: map[string]string{"pass": "pass"}, fill: map[string]string{"key": "enckey"}, outputs: []string{"out.csr"}},
		{name: "csr-inspect", args: []string{"csr", "inspect", "{csr}", "--profile", "freja"},
			slots: map[string]string{"csr": "csr"}},
		{name: "cert-verify", args: []string{"cert", "verify", "--cert", "{cert}", "--key", "{key}", "--ca", "{ca}", "--csr", "{csr}", "--profile", "freja"},
			slots: map[string]string{"cert": "cert", "key": "key", "ca": "ca", "csr": "csr"}},
		{name: "cert-verify-encrypted-key", args: []string{"cert", "verify", "--cert", "{cert}", "--key", "{key}", "--passphrase-file", "{pass}", "--ca", "{ca}"},
			slots: map[string]string{"pass": "pass"}, fill: map[string]string{"key": "enckey"}},
		{name: "pkcs12", args: []string{"pkcs12", "--out", "out.p12", "--cert", "{cert}", "--key", "{key}", "--ca", "{ca}", "--passphrase-file", "{newpass}"},
			slots: map[string]string{"cert": "cert", "key": "key", "ca": "ca", "newpass": "newpass"}, outputs: []string{"out.p12"}},
		{name: "pkcs12-encrypted-key", args: []string{"pkcs12", "--out", "out.p12", "--cert", "{cert}", "--key", "{key}", "--key-passphrase-file", "{pass}", "--ca", "{ca}", "--passphrase-file", "{newpass}"},
			slots: map[string]string{"pass": "pass"}, fill: map[string]string{"key": "enckey"}, outputs: []string{"out.p12"}},
		{name: "pkcs12-bundle", args: []string{"pkcs12", "--out", "out.p12", "--bundle", "{zip}", "--key", "{key}", "--passphrase-file", "{newpass}"},
			slots: map[string]string{"zip": "zip"}, outputs: []string{"out.p12"}},
		{name: "pkcs12-inspect", args: []string{"pkcs12", "inspect", "{p12}", "--passphrase-file", "{pass}"},
			slots: map[string]string{"p12": "p12", "pass": "pass"}},
		{name: "ping-cert", args: append(ping, "--ca", "{ca}", "--cert", "{cert}", "--key", "{key}"),
			slots: map[string]string{"ca": "ca", "cert": "cert", "key": "key"}, acceptCode: "tcp_refused"},
		{name: "ping-p12", args: append(ping, "--p12", "{p12}", "--passphrase-file", "{pass}"),
			slots: map[string]string{"p12": "p12", "pass": "pass"}, acceptCode: "tcp_refused"},
		{name: "jws-verify", args: []string{"jws", "verify", "{token}", "--cert", "{jwscert}"},
			slots: map[string]string{"jwscert": "jwscert"}},
		{name: "jws-trust-add", args: []string{"jws", "trust", "add", "--env", "freja-test", "{jwscert}"},
			slots: map[string]string{"jwscert": "jwscert"}},
		{name: "truststore", args: []string{"truststore", "--env", "stage", "--ca", "{ca}", "--out", "out.pem"},
			slots: map[string]string{"ca": "ca"}, outputs: []string{"out.pem"}},
		{name: "truststore-pkcs12", args: []string{"truststore", "--env", "stage", "--ca", "{ca}", "--format", "pkcs12", "--passphrase-file", "{newpass}", "--out", "out.p12"},
			slots: map[string]string{"ca": "ca", "newpass": "newpass"}, outputs: []string{"out.p12"}},
		{name: "renew", args: []string{"renew", "--cert", "{cert}", "--new-key", "new.key", "--out", "new.csr", "--passphrase-file", "{newpass}", "--bits", "2048", "--zip"},
			slots: map[string]string{"cert": "cert", "newpass": "newpass"}, outputs: []string{"new.key", "new.csr", "new.csr.zip"}},
		{name: "renew-p12", args: []string{"renew", "--p12", "{p12}", "--p12-passphrase-file", "{pass}", "--new-key", "new.key", "--out", "new.csr", "--no-passphrase", "--bits", "2048"},
			slots: map[string]string{"p12": "p12", "pass": "pass"}, outputs: []string{"new.key", "new.csr"}},
		{name: "sandbox-sign", args: []string{"sandbox", "sign", "--csr", "{csr}", "--profile", "freja", "--out", "out.cer", "--dir", "{sbdir}"},
			slots: map[string]string{"csr": "csr"}, outputs: []string{"out.cer"}},
	}
}

// wantCodes pins the error code of the kinds whose meaning does not depend on
// the command; the rest must have some stable, specific code.
var wantCodes = map[string]string{
	"directory":           "not_a_file",
	"fifo":                "not_a_file",
	"symlink-to-dev-zero": "not_a_file",
	"symlink-loop":        "bad_path",
	"path-through-file":   "bad_path",
	"missing":             "file_not_found",
	"unreadable":          "permission_denied",
	"50MB":                "file_too_large",
	"ec":                  "unsupported_key",
	"ed25519":             "unsupported_key",
	"rsa1024":             "key_size",
	"wrong":               "wrong_passphrase",
	"two-pem-blocks/key":  "multiple_keys",
	"corrupted-mac":       "file_altered",
	"no-key":              "no_private_key",
	"several-keys":        "multiple_keys",
	"traversal":           "unsafe_bundle",
	"absolute-path":       "unsafe_bundle",
	"backslash":           "unsafe_bundle",
	"zip-bomb":            "unsafe_bundle",
	"symlink-entry":       "unsafe_bundle",
	"duplicate-names":     "unsafe_bundle",
}

// wantCode is the pinned code for a kind in a slot, or "".
func wantCode(slotType, kind string) string {
	if c, ok := wantCodes[kind+"/"+slotType]; ok {
		return c
	}
	if slotType == "pass" || slotType == "newpass" {
		switch kind {
		case "empty":
			return "empty_passphrase"
		case "directory", "fifo", "missing", "unreadable", "symlink-to-dev-zero", "symlink-loop", "path-through-file", "50MB":
			return "passphrase_file" // the file's own problem is in the message
		}
	}
	return wantCodes[kind]
}

// TestHostileInputFiles feeds every command every kind of broken or hostile
// input file in each of its input slots, in text and JSON mode, and checks
// that each is refused in plain words with a hint and a stable code, that
// nothing panics, and that no file is created or changed (or, for CRLF and
// byte order marks, that the input is accepted).
func TestHostileInputFiles(t *testing.T) {
	root := os.Geteuid() == 0
	if root {
		// Root reads a mode-000 file anyway: the unreadable cases run in a
		// subprocess as nobody instead (see runAsNobody), from the package
		// folder, before this test changes into its own.
		t.Run("unreadable-as-nobody", func(t *testing.T) { runAsNobody(t, "^TestHostileInputFiles$/.*/.*/^unreadable$") })
	}
	f := newHostileFixtures(t)
	work, conf := t.TempDir(), t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", conf)
	t.Setenv("HOME", work)
	t.Chdir(work)
	store := filepath.Join(conf, "caronboard", "jws-trust")
	env := map[string]string{}
	for _, c := range hostileCommands(closedPort(t)) {
		t.Run(c.name+"/good", func(t *testing.T) { runHostile(t, f, c, env, "", hostileInput{accepted: true}, "", work, store) })
		for slot, slotType := range c.slots {
			for _, kind := range kindsFor(slotType) {
				if kind == "key-not-matching" && (c.name == "ping-p12" || c.name == "csr" || strings.HasPrefix(c.name, "renew")) {
					continue // ping sends what the keystore holds (the server judges it); csr has no certificate; renew renews any certificate
				}
				if c.name == "pkcs12-inspect" && (kind == "no-key" || kind == "several-keys") {
					continue // inspect describes a trust store and every entry of a store with several
				}
				if kind == "unreadable" && root {
					continue // run as nobody by unreadable-as-nobody: root reads every file
				}
				t.Run(c.name+"/"+slot+"/"+kind, func(t *testing.T) {
					good := slot
					if g, ok := c.fill[slot]; ok {
						good = g
					}
					in := f.hostile(t, slotType, good, kind)
					runHostile(t, f, c, env, slot, in, wantCode(slotType, kind), work, store)
				})
			}
		}
	}
}

// runHostile runs c with slot filled by in (slot "" = all good inputs), in
// text and JSON mode, and checks the outcome.
func runHostile(t *testing.T, f *hostileFixtures, c hostileCmd, env map[string]string, slot string, in hostileInput, want, work, store string) {
	t.Helper()
	args := make([]string, len(c.args))
	var paths []string
	for i, a := range c.args {
		if name, ok := strings.CutPrefix(a, "{"); ok {
			name = strings.TrimSuffix(name, "}")
			switch {
			case name == slot:
				a = in.path
			case name == "token":
				a = string(f.data["token"])
			case c.fill[name] != "":
				a = f.path[c.fill[name]]
			default:
				a = f.path[name]
			}
			paths = append(paths, a)
		}
		args[i] = a
	}
	inputs := snapshot(t, f.dir, f.bad)
	for _, mode := range []string{"text", "json"} {
		argv := args
		if mode == "json" {
			argv = append(append([]string{}, args...), "-o", "json")
		}
		before := snapshot(t, work, store)
		r := runCLI(env, nil, argv...)
		after := snapshot(t, work, store)
		switch {
		case in.accepted && c.acceptCode == "":
			if mode == "json" {
				checkJSONSuccess(t, r)
			} else if r.exit != exitOK {
				t.Fatalf("an acceptable input was refused\n%s", r)
			}
			checkNoPanic(t, r)
			for _, o := range c.outputs {
				if err := os.Remove(filepath.Join(work, o)); err != nil {
					t.Fatalf("accepted, but %s was not written: %v", o, err)
				}
			}
			_ = os.RemoveAll(store)
		case mode == "json":
			code := checkJSONFailure(t, r, paths)
			t.Logf("refused: %s", code) // go test -v lists every case's code
			if in.accepted && code != c.acceptCode || want != "" && code != want {
				t.Errorf("code %q, want %q\n%s", code, max(want, c.acceptCode), r)
			}
		default:
			checkTextFailure(t, r, paths)
		}
		if !(in.accepted && c.acceptCode == "") {
			if d := diffSnapshots(before, after); d != "" {
				t.Errorf("a refused run changed files:\n%s\n%s", d, r)
			}
		}
	}
	if d := diffSnapshots(inputs, snapshot(t, f.dir, f.bad)); d != "" {
		t.Errorf("the inputs changed:\n%s", d)
	}
}
