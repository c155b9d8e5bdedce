package safefile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestWriteFileExclusive(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "key.pem")
	if err := WriteFile(path, []byte("first"), 0o600, false); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(path, []byte("second"), 0o600, false)
	var ee *ExistsError
	if !errors.Is(err, ErrExists) || !errors.As(err, &ee) || ee.Path != path {
		t.Fatalf("second write: got %v, want *ExistsError", err)
	}
	if want := path + " already exists"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	if got, _ := os.ReadFile(path); string(got) != "first" {
		t.Errorf("existing file changed to %q", got)
	}
	noTempFiles(t, dir)
}

func TestWriteFileOverwrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(path, []byte("old content, longer than the new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new"), 0o600, true); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Errorf("content %q", got)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", st.Mode().Perm())
	}
	noTempFiles(t, dir)
	// Overwrite also creates.
	if err := WriteFile(filepath.Join(dir, "new.pem"), []byte("x"), 0o600, true); err != nil {
		t.Error(err)
	}
}

func TestWriteFileRefusals(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	notDir := writeTestFile(t, dir, "plain", []byte("x"))
	target := writeTestFile(t, dir, "target", []byte("target"))
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		path      string
		overwrite bool
		want      error
	}{
		{"directory", sub, false, ErrNotRegular},
		{"directory overwrite", sub, true, ErrNotRegular},
		{"symlink overwrite", link, true, ErrNotRegular},
		{"symlink exclusive", link, false, ErrExists},
		{"parent is a file", filepath.Join(notDir, "key.pem"), false, nil},
		{"parent is a file overwrite", filepath.Join(notDir, "key.pem"), true, nil},
		{"missing folder", filepath.Join(dir, "nope", "key.pem"), false, fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteFile(tt.path, []byte("data"), 0o600, tt.overwrite)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
			checkPlainMessage(t, err)
			noTempFiles(t, dir)
			noTempFiles(t, sub)
		})
	}
	if got, _ := os.ReadFile(target); string(got) != "target" {
		t.Error("symlink target changed")
	}
}

// TestWriteFileConcurrent: of many exclusive writers, exactly one wins and
// the file holds its complete content.
func TestWriteFileConcurrent(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "key.pem")
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = WriteFile(path, bytes.Repeat([]byte{byte('a' + i)}, 64<<10), 0o600, false)
		})
	}
	wg.Wait()
	winners := 0
	for _, err := range errs {
		switch {
		case err == nil:
			winners++
		case !errors.Is(err, ErrExists):
			t.Errorf("unexpected error %v", err)
		}
	}
	if winners != 1 {
		t.Errorf("%d writers succeeded, want 1", winners)
	}
	got, _ := os.ReadFile(path)
	if len(got) != 64<<10 || !bytes.Equal(got, bytes.Repeat(got[:1], len(got))) {
		t.Error("file content is mixed or incomplete")
	}
	noTempFiles(t, dir)
}

// TestWriteExclusiveFallback exercises the path used where hard links are
// not supported.
func TestWriteExclusiveFallback(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "key.pem")
	if err := writeExclusive(path, []byte("one"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := writeExclusive(path, []byte("two"), 0o600); !errors.Is(err, ErrExists) {
		t.Errorf("got %v, want ErrExists", err)
	}
	got, _ := os.ReadFile(path)
	st, _ := os.Stat(path)
	if string(got) != "one" || st.Mode().Perm() != 0o640 {
		t.Errorf("content %q mode %04o", got, st.Mode().Perm())
	}
}

func TestCheckWritable(t *testing.T) {
	dir := t.TempDir()
	existing := writeTestFile(t, dir, "key.pem", []byte("x"))
	plain := writeTestFile(t, dir, "plain", []byte("x"))
	tests := []struct {
		path      string
		overwrite bool
		want      error // nil: no error; errAny: some error
	}{
		{filepath.Join(dir, "new.pem"), false, nil},
		{existing, true, nil},
		{existing, false, ErrExists},
		{dir, true, ErrNotRegular},
		{filepath.Join(dir, "missing", "key.pem"), false, fs.ErrNotExist},
		{filepath.Join(plain, "key.pem"), false, errAny},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%v", strings.TrimPrefix(tt.path, dir), tt.overwrite), func(t *testing.T) {
			err := CheckWritable(tt.path, tt.overwrite)
			switch {
			case tt.want == nil && err != nil:
				t.Errorf("got %v, want no error", err)
			case tt.want == errAny && err == nil, tt.want != nil && tt.want != errAny && !errors.Is(err, tt.want):
				t.Errorf("got %v, want %v", err, tt.want)
			}
			if err != nil {
				checkPlainMessage(t, err)
			}
		})
	}
	noTempFiles(t, dir)
}

var errAny = errors.New("any error")

func TestWriteFileContextInterrupted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "client.key")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WriteFileContext(ctx, path, []byte("new"), 0o600, false); !errors.Is(err, context.Canceled) {
		t.Fatalf("new file: got %v, want context.Canceled", err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("an interrupted write created the file: %v", err)
	}
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileContext(ctx, path, []byte("new"), 0o600, true); !errors.Is(err, context.Canceled) {
		t.Fatalf("replace: got %v, want context.Canceled", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Fatalf("an interrupted write replaced the file: %q", got)
	}
	noTempFiles(t, dir)
	if err := WriteFileContext(context.Background(), path, []byte("new"), 0o600, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Fatalf("got %q", got)
	}
}
