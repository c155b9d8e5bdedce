package keystore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := writeTestFile(t, dir, "small.pem", []byte("0123456789"))
	link := filepath.Join(dir, "link.pem")
	if err := os.Symlink(small, link); err != nil {
		t.Fatal(err)
	}
	big := writeTestFile(t, dir, "big.pem", make([]byte, MaxInputSize+1))
	tests := []struct {
		name string
		path string
		max  int64
		want error
		data string
	}{
		{"exactly the limit", small, 10, nil, "0123456789"},
		{"default limit", small, 0, nil, "0123456789"},
		{"symlink to a file", link, 10, nil, "0123456789"},
		{"one byte over", small, 9, ErrTooLarge, ""},
		{"over the default limit", big, 0, ErrTooLarge, ""},
		{"directory", dir, 0, ErrNotRegular, ""},
		{"missing", filepath.Join(dir, "missing.pem"), 0, fs.ErrNotExist, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := ReadFile(tt.path, tt.max)
			if tt.want == nil {
				if err != nil || string(data) != tt.data {
					t.Errorf("got %q, %v", data, err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.path) {
				t.Errorf("message %q does not name the path", err)
			}
			checkPlainMessage(t, err)
		})
	}
}

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
