package cmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// failPrompter fails the test if anything is asked.
type failPrompter struct{ t *testing.T }

func (p failPrompter) Password(prompt string) ([]byte, error) {
	p.t.Errorf("prompted %q although --no-passphrase says the key has none", prompt)
	return nil, context.Canceled
}

// copyFixture copies a file of testdata into dir with mode 0600.
func copyFixture(t *testing.T, dir, from, to string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", from))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, to)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// --no-passphrase with --key (pkcs12: --no-key-passphrase) means "this key
// has none, do not ask": every command that reads a key accepts it for an
// unencrypted key, and refuses an encrypted one without prompting, even on a
// terminal.
func TestNoPassphraseWithKey(t *testing.T) {
	dir := t.TempDir()
	plain := copyFixture(t, dir, "pki/rp.key.pem", "plain.key")
	enc := copyFixture(t, dir, "keys/rsa2048-enc-pkcs8.pem", "enc.key")
	cert := copyFixture(t, dir, "pki/rp.pem", "rp.cer")
	ca := copyFixture(t, dir, "pki/freja-root.pem", "root.cer")
	out := filepath.Join(dir, "out")
	commands := map[string]func(key string) []string{
		"csr": func(k string) []string {
			return []string{"csr", "--profile", "freja", "--key", k, "--no-passphrase", "--out", out, "--org", "ACME AB", "--org-id", "556677-8881"}
		},
		"cert verify": func(k string) []string {
			return []string{"cert", "verify", "--cert", cert, "--key", k, "--no-passphrase", "--at", "2026-11-22T12:00:00Z"}
		},
		"ping": func(k string) []string {
			return []string{"ping", "--env", "freja-test", "--addr", "127.0.0.1:1", "--ca", ca, "--cert", cert, "--key", k, "--no-passphrase", "--timeout", "2s"}
		},
		"pkcs12": func(k string) []string {
			return []string{"pkcs12", "--out", out, "--cert", cert, "--ca", ca, "--key", k, "--no-key-passphrase", "--passphrase-file", copyFixture(t, dir, "keys/passphrase.txt", "p12pass.txt")}
		},
	}
	for name, args := range commands {
		t.Run(name, func(t *testing.T) {
			os.Remove(out)
			a, _, errOut := testApp(map[string]string{"XDG_CONFIG_HOME": dir})
			a.Prompter = failPrompter{t}
			code := Run(context.Background(), a, args(enc))
			if code != exitFailed || !strings.Contains(errOut.String(), "enc.key is encrypted, but --no") {
				t.Errorf("encrypted key: exit %d, stderr:\n%s", code, errOut)
			}
			if !strings.Contains(errOut.String(), "hint: drop --no-") {
				t.Errorf("encrypted key: no hint:\n%s", errOut)
			}
			if exists(out) {
				t.Errorf("%s was written", out)
			}
			a, _, errOut = testApp(map[string]string{"XDG_CONFIG_HOME": dir})
			a.Prompter = failPrompter{t}
			code = Run(context.Background(), a, args(plain))
			if code == exitUsage || strings.Contains(errOut.String(), "passphrase") {
				t.Errorf("unencrypted key: exit %d, stderr:\n%s", code, errOut)
			}
		})
	}
}

// The permission warning is for files that hold a private key: a
// certificate passed as --key gets the error that it is not a key, alone.
func TestPermissionWarningOnlyForKeys(t *testing.T) {
	dir := t.TempDir()
	cert := copyFixture(t, dir, "pki/rp.pem", "rp.cer")
	plain := copyFixture(t, dir, "pki/rp.key.pem", "plain.key")
	enc := copyFixture(t, dir, "keys/rsa2048-enc-pkcs8.pem", "enc.key")
	for _, f := range []string{cert, plain, enc} {
		if err := os.Chmod(f, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		key      string
		wantWarn bool
	}{{cert, false}, {plain, true}, {enc, true}} {
		a, _, errOut := testApp(nil)
		_, _, err := a.loadKey(tc.key, "", "--passphrase-file", envPassphrase)
		warned := strings.Contains(errOut.String(), "can be read by group/others")
		if warned != tc.wantWarn {
			t.Errorf("%s: warned %v, want %v (err %v):\n%s", filepath.Base(tc.key), warned, tc.wantWarn, err, errOut)
		}
		if tc.key == cert && err == nil {
			t.Errorf("a certificate was read as a key")
		}
	}
}
