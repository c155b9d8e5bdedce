package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
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
	big := writeTestFile(t, dir, "big.pem", make([]byte, DefaultLimit+1))
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
