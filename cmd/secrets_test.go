//go:build unix

package cmd

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/caronboard/caronboard/pkg/keystore"
)

// canary is the passphrase of every secret in the leak test: recognisable
// anywhere it might turn up.
const canary = "Zebra-Quartz-9931-leak-canary"

// secretSource is one way a passphrase reaches a command.
type secretSource struct {
	name  string
	args  func(fileFlag, file string) []string
	stdin func(pass string) []byte
	env   func(envVar, pass string) map[string]string
}

var secretSources = []secretSource{
	{name: "file", args: func(flag, file string) []string { return []string{flag, file} }},
	{name: "stdin", args: func(flag, _ string) []string { return []string{flag, "-"} }, stdin: func(p string) []byte { return []byte(p + "\n") }},
	{name: "env", env: func(v, p string) map[string]string { return map[string]string{v: p} }},
}

// secretCmd is a command line that takes one passphrase; {pass} marks where
// the passphrase flag goes, other {names} are fixtures.
type secretCmd struct {
	name     string
	args     []string
	flag     string // the passphrase's file flag
	envVar   string // and its environment variable
	fixed    []string
	setsPass bool // the passphrase is set (any value works), not checked
}

// TestSecretsNeverLeak runs every command that takes a passphrase with a
// recognisable one, given by file, stdin and environment variable, in text
// and JSON mode, right and (where a passphrase is checked) wrong, and checks
// that it turns up nowhere: not on stdout or stderr, not in any JSON member,
// not in any file written (keys and keystores hold it only as encryption).
func TestSecretsNeverLeak(t *testing.T) {
	f := newHostileFixtures(t)
	work, conf := hostileWorkdir(t)
	plain, _, err := keystore.ParsePrivateKey(f.data["key"], nil)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture key encrypted with the canary, in legacy PEM encryption
	// (OpenSSL 1.1's default): fast to decrypt, so the test can read it
	// many times. The key command below writes the default PKCS#8 form.
	//lint:ignore SA1019 the legacy format is one the key reader must read; here it keeps decryption fast
	block, err := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(plain), []byte(canary), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	f.add(t, "canarykey", pem.EncodeToMemory(block), 0o600)
	certs, err := keystore.ParseCertificates(append(append([]byte{}, f.data["cert"]...), f.data["ca"]...))
	if err != nil {
		t.Fatal(err)
	}
	p12, err := keystore.EncodePKCS12(plain, certs, "acme", canary, keystore.P12Modern)
	if err != nil {
		t.Fatal(err)
	}
	f.add(t, "canaryp12", p12, 0o600)
	f.add(t, "canarypass", []byte(canary+"\n"), 0o600)
	f.add(t, "wrongpass", []byte("Wrong-"+canary[6:]+"\n"), 0o600)

	srv, err := f.sb.NewServer("127.0.0.1:0", 0, func() time.Time { return hostileNow })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	ping := []string{"ping", "--env", "sandbox", "--addr", srv.Addr(), "--sandbox-dir", f.sb.Dir, "--timeout", "5s"}
	subject := []string{"--org", "ACME AB", "--org-id", "556677-8881"}

	cmds := []secretCmd{
		{name: "key", args: []string{"key", "--out", "new.key", "--bits", "2048"}, setsPass: true},
		{name: "csr-new-key", args: append([]string{"csr", "--profile", "freja", "--new-key", "new.key", "--bits", "2048", "--out", "new.csr", "--zip"}, subject...), setsPass: true},
		{name: "csr-key", args: append([]string{"csr", "--profile", "freja", "--key", "{canarykey}", "--out", "new.csr"}, subject...)},
		{name: "cert-verify", args: []string{"cert", "verify", "--cert", "{cert}", "--key", "{canarykey}", "--ca", "{ca}", "--profile", "freja"}},
		{name: "pkcs12-key", args: []string{"pkcs12", "--out", "new.p12", "--cert", "{cert}", "--key", "{canarykey}", "--ca", "{ca}"},
			flag: "--key-passphrase-file", envVar: envKeyPassphrase, fixed: []string{"--passphrase-file", "{canarypass}"}},
		{name: "pkcs12-keystore", args: []string{"pkcs12", "--out", "new.p12", "--cert", "{cert}", "--key", "{canarykey}", "--ca", "{ca}"},
			fixed: []string{"--key-passphrase-file", "{canarypass}"}, setsPass: true},
		{name: "pkcs12-inspect", args: []string{"pkcs12", "inspect", "{canaryp12}", "--profile", "freja"}},
		{name: "ping-p12", args: append(append([]string{}, ping...), "--p12", "{canaryp12}")},
		{name: "ping-key", args: append(append([]string{}, ping...), "--cert", "{cert}", "--key", "{canarykey}")},
	}
	for _, c := range cmds {
		if c.flag == "" {
			c.flag, c.envVar = "--passphrase-file", envPassphrase
		}
		for _, src := range secretSources {
			for _, pass := range []string{"right", "wrong"} {
				if pass == "wrong" && c.setsPass {
					continue
				}
				for _, mode := range []string{"text", "json"} {
					t.Run(c.name+"/"+src.name+"/"+pass+"/"+mode, func(t *testing.T) {
						p, file := canary, f.path["canarypass"]
						if pass == "wrong" {
							p, file = "Wrong-"+canary[6:], f.path["wrongpass"]
						}
						args := f.expand(append(append([]string{}, c.args...), c.fixed...))
						var stdin []byte
						var env map[string]string
						if src.args != nil {
							args = append(args, src.args(c.flag, file)...)
						}
						if src.stdin != nil {
							stdin = src.stdin(p)
						}
						if src.env != nil {
							env = src.env(c.envVar, p)
						}
						if mode == "json" {
							args = append(args, "-o", "json")
						}
						r := runCLI(env, stdin, args...)
						switch {
						case pass == "right" && r.exit != exitOK:
							t.Fatalf("failed with the right passphrase\n%s", r)
						case pass == "wrong" && r.exit != exitFailed:
							t.Fatalf("want exit 1 for a wrong passphrase\n%s", r)
						}
						checkNoCanary(t, r, work, conf)
						for _, out := range []string{"new.key", "new.csr", "new.csr.zip", "new.p12"} {
							_ = os.Remove(filepath.Join(work, out))
						}
					})
				}
			}
		}
	}
}

// expand replaces {name} arguments with fixture paths.
func (f *hostileFixtures) expand(args []string) []string {
	for i, a := range args {
		if name, ok := strings.CutPrefix(a, "{"); ok {
			args[i] = f.path[strings.TrimSuffix(name, "}")]
		}
	}
	return args
}

// checkNoCanary fails when the canary (or its tail, in case of clipping)
// appears in the run's output or in any file under the folders.
func checkNoCanary(t *testing.T, r cmdRun, dirs ...string) {
	t.Helper()
	needles := []string{canary, canary[6:]}
	for _, n := range needles {
		if strings.Contains(r.stdout, n) || strings.Contains(r.stderr, n) {
			t.Fatalf("the passphrase appears in the output\n%s", r)
		}
	}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, n := range needles {
				if bytes.Contains(data, []byte(n)) {
					t.Fatalf("the passphrase appears in plain text in %s\n%s", p, r)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// notYetHardened lists top-level commands the walk below skips: none now
// (truststore's advice no longer puts a passphrase on the java command line).
var notYetHardened = map[string]bool{}

// TestNoSecretInArguments walks the whole command tree: no flag takes a
// secret as its value (only a file naming one, or a switch that says there
// is none), no secret flag may come from the config file, and no help text
// shows a secret typed on a command line.
func TestNoSecretInArguments(t *testing.T) {
	a, _, _ := testApp(nil)
	root := NewRootCmd(a)
	secretName := regexp.MustCompile(`(?i)pass|secret|pin\b|token|private`)
	allowed := regexp.MustCompile(`-file$|^(from-)?no-(key-)?passphrase$`)
	argvSecret := regexp.MustCompile(`(?i)pass:\S|-storepass\s|-keypass\s|-passin\s+pass|-passout\s+pass|--passphrase[ =]|--password|(PASSPHRASE|PASSWORD)=\S`)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Parent() == root && notYetHardened[c.Name()] {
			return
		}
		check := func(fl *pflag.Flag) {
			if secretName.MatchString(fl.Name) && !allowed.MatchString(fl.Name) {
				t.Errorf("%s --%s looks like a flag that takes a secret as its value", c.CommandPath(), fl.Name)
			}
			if secretName.MatchString(fl.Name) && fl.Annotations[configurable] != nil {
				t.Errorf("%s --%s can come from the config file or environment; secrets must not", c.CommandPath(), fl.Name)
			}
			if argvSecret.MatchString(fl.Usage) {
				t.Errorf("%s --%s: its usage shows a secret on the command line: %q", c.CommandPath(), fl.Name, fl.Usage)
			}
		}
		c.Flags().VisitAll(check)
		c.PersistentFlags().VisitAll(check)
		for _, text := range []string{c.Use, c.Short, c.Long, c.Example} {
			if m := argvSecret.FindString(text); m != "" {
				t.Errorf("%s: its help shows a secret on the command line (%q)", c.CommandPath(), m)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
