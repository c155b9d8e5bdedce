//go:build unix

package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// withUmask runs f with the process umask set to mask. Tests using it must
// not run in parallel.
func withUmask(mask int, f func()) {
	old := syscall.Umask(mask)
	defer syscall.Umask(old)
	f()
}

func TestWriteFileModeIgnoresUmask(t *testing.T) {
	for _, mask := range []int{0o000, 0o022, 0o077} {
		for _, perm := range []os.FileMode{0o600, 0o644, 0o400} {
			for _, overwrite := range []bool{false, true} {
				dir := t.TempDir()
				path := filepath.Join(dir, "key.pem")
				var err error
				withUmask(mask, func() { err = WriteFile(path, []byte("k"), perm, overwrite) })
				if err != nil {
					t.Fatal(err)
				}
				st, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if st.Mode().Perm() != perm {
					t.Errorf("umask %03o perm %04o overwrite %v: mode %04o", mask, perm, overwrite, st.Mode().Perm())
				}
				noTempFiles(t, dir)
			}
		}
	}
}

func TestWriteFileReadOnlyFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores folder permissions; the parent-is-a-file case covers a failed write")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	path := filepath.Join(dir, "key.pem")
	for _, overwrite := range []bool{false, true} {
		err := WriteFile(path, []byte("k"), 0o600, overwrite)
		if !errors.Is(err, fs.ErrPermission) {
			t.Errorf("overwrite=%v: got %v, want a permission error", overwrite, err)
		}
	}
	if err := CheckWritable(path, false); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("CheckWritable: got %v, want a permission error", err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a file was left behind")
	}
	noTempFiles(t, dir)
}

func TestReadFileSpecial(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.pem")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, zero, "/dev/null"} {
		done := make(chan error, 1)
		go func() {
			_, err := ReadFile(path, 0)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("%s: got %v, want ErrNotRegular", path, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: ReadFile blocked", path)
		}
	}
	// The open itself must not block on a FIFO without a writer, even when
	// the Stat check is raced: open it the way ReadFile does.
	f, err := os.OpenFile(fifo, os.O_RDONLY|openNonBlock, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}
