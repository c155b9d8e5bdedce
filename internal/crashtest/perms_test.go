//go:build unix

package crashtest

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestKeyMaterialPermissions runs the commands that write keys and keystores
// under umask 000 (through sh, so the process really has it): new files,
// --force replacements and --no-passphrase keys are all 0600, a CSR 0644.
// Reading a key that group or others can read warns, naming the fix.
func TestKeyMaterialPermissions(t *testing.T) {
	bin := caronboardBin(t)
	f := newCrashFixtures(t)
	dir := t.TempDir()
	pass := filepath.Join(f.in, "pass.txt")
	umask0 := func(args ...string) string {
		t.Helper()
		c := exec.Command("sh", append([]string{"-c", `umask 000; exec "$0" "$@"`, bin}, args...)...)
		c.Dir, c.Env = dir, f.env
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("caronboard %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	wantMode := func(name string, want fs.FileMode) {
		t.Helper()
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %04o under umask 000, want %04o", name, fi.Mode().Perm(), want)
		}
	}
	csrArgs := []string{"--profile", "freja", "--org", "ACME AB", "--org-id", "556677-8881"}
	p12Args := []string{"--cert", filepath.Join(f.in, "cert.pem"), "--key", filepath.Join(f.in, "key.pem"),
		"--ca", filepath.Join(f.in, "issuing.pem"), "--ca", filepath.Join(f.in, "root.pem"), "--passphrase-file", pass}
	for _, force := range [][]string{nil, {"--force"}} {
		umask0(append([]string{"key", "--out", "a.key", "--bits", "2048", "--passphrase-file", pass}, force...)...)
		wantMode("a.key", 0o600)
		umask0(append([]string{"key", "--out", "plain.key", "--bits", "2048", "--no-passphrase"}, force...)...)
		wantMode("plain.key", 0o600)
		umask0(append(append([]string{"csr", "--new-key", "b.key", "--bits", "2048", "--passphrase-file", pass, "--out", "b.csr", "--zip"}, csrArgs...), force...)...)
		wantMode("b.key", 0o600)
		wantMode("b.csr", 0o644)
		wantMode("b.csr.zip", 0o644)
		umask0(append(append([]string{"pkcs12", "--out", "c.p12"}, p12Args...), force...)...)
		wantMode("c.p12", 0o600)
		umask0(append(append([]string{"pkcs12", "--out", "legacy.pfx", "--legacy"}, p12Args...), force...)...)
		wantMode("legacy.pfx", 0o600)
	}
	for _, tc := range []struct {
		mode fs.FileMode
		want string
	}{
		{0o644, "a.key can be read by group/others (mode 0644); run chmod 600 a.key"},
		{0o640, "a.key can be read by group (mode 0640); run chmod 600 a.key"},
		{0o604, "a.key can be read by others (mode 0604); run chmod 600 a.key"},
		{0o620, "a.key can be changed by group (mode 0620); run chmod 600 a.key"},
	} {
		if err := os.Chmod(filepath.Join(dir, "a.key"), tc.mode); err != nil {
			t.Fatal(err)
		}
		out := umask0(append([]string{"csr", "--key", "a.key", "--passphrase-file", pass, "--out", "d.csr", "--force"}, csrArgs...)...)
		if !strings.Contains(out, "caronboard: warning: "+tc.want) {
			t.Errorf("mode %04o: no warning %q in\n%s", tc.mode, tc.want, out)
		}
		out = umask0(append([]string{"csr", "--key", "a.key", "--passphrase-file", pass, "--out", "d.csr", "--force", "-o", "json"}, csrArgs...)...)
		if !strings.Contains(out, `"warnings": [`) || !strings.Contains(out, tc.want) {
			t.Errorf("mode %04o, -o json: no warning %q in\n%s", tc.mode, tc.want, out)
		}
	}
	if err := os.Chmod(filepath.Join(dir, "a.key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := umask0(append([]string{"csr", "--key", "a.key", "--passphrase-file", pass, "--out", "d.csr", "--force"}, csrArgs...)...); strings.Contains(out, "warning") {
		t.Errorf("a 0600 key warns:\n%s", out)
	}
}
