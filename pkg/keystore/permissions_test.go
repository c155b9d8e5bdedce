package keystore

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestPermissionWarning(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	dir := t.TempDir()
	path := writeTestFile(t, dir, "key.pem", []byte("k"))
	spaced := writeTestFile(t, dir, "my key.pem", []byte("k"))
	tests := []struct {
		path string
		mode os.FileMode
		want string
	}{
		{path, 0o600, ""},
		{path, 0o400, ""},
		{path, 0o644, path + " can be read by group/others (mode 0644); run chmod 600 " + path},
		{path, 0o640, path + " can be read by group (mode 0640); run chmod 600 " + path},
		{path, 0o604, path + " can be read by others (mode 0604); run chmod 600 " + path},
		{path, 0o620, path + " can be changed by group (mode 0620); run chmod 600 " + path},
		{spaced, 0o666, spaced + " can be read by group/others (mode 0666); run chmod 600 '" + spaced + "'"},
	}
	for _, tt := range tests {
		if err := os.Chmod(tt.path, tt.mode); err != nil {
			t.Fatal(err)
		}
		if got := PermissionWarning(tt.path); got != tt.want {
			t.Errorf("mode %04o: got %q, want %q", tt.mode, got, tt.want)
		}
	}
	if got := PermissionWarning(filepath.Join(dir, "missing")); got != "" {
		t.Errorf("missing file: %q", got)
	}
}
