package cmd

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// childEnv marks a test binary re-run by runAsNobody.
const childEnv = "CARONBOARD_TEST_AS_NOBODY"

// runAsNobody re-runs the tests matching pattern in a copy of this test
// binary as uid/gid 65534 (nobody), for the cases root cannot exercise (a
// mode-000 file root reads anyway). CI runs as root: these cases then run
// there instead of being skipped.
func runAsNobody(t *testing.T, pattern string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "caronboard-as-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	tmp := filepath.Join(dir, "tmp")
	bin := filepath.Join(dir, "cmd.test")
	for _, err := range []error{os.Chmod(dir, 0o755), os.Mkdir(tmp, 0o700), os.Chown(tmp, 65534, 65534), copyExecutable(self, bin)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	c := exec.Command(bin, "-test.run", pattern, "-test.count=1", "-test.v")
	c.Env = append(os.Environ(), childEnv+"=1", "TMPDIR="+tmp, "HOME="+tmp, "GOCACHE="+tmp)
	c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
	// The child must have run the cases, not skipped or matched none.
	if !bytes.Contains(out, []byte("--- PASS")) || bytes.Contains(out, []byte("--- SKIP")) {
		t.Fatalf("as nobody: no case ran, or one skipped:\n%s", out)
	}
	if testing.Verbose() {
		t.Logf("as nobody:\n%s", out)
	}
}

func copyExecutable(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
