//go:build unix

package safefile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSweep(t *testing.T) {
	t.Parallel()
	// An hour ahead, so that the symbolic link's own (real) time is old too
	// and only the Lstat type check keeps it.
	now := time.Now().Add(time.Hour)
	old, young := now.Add(-2*time.Minute), now.Add(-30*time.Second)
	dir := t.TempDir()
	target := filepath.Join(dir, "key.pem")
	outside := writeTestFile(t, t.TempDir(), "precious", []byte("keep"))
	type entry struct {
		name   string
		make   func(path string)
		mtime  time.Time
		remove bool
	}
	file := func(path string) { writeTestFile(t, filepath.Dir(path), filepath.Base(path), []byte("x")) }
	entries := []entry{
		{".key.pem.tmp-0123456789abcdef", file, old, true},
		{".key.pem.tmp-fedcba9876543210", file, now.Add(-LeftoverAge), true},
		{".key.pem.tmp-00000000000000aa", file, young, false},   // a write in progress
		{".other.pem.tmp-0123456789abcdef", file, old, false},   // another target's
		{".key.pem.tmp-0123456789abcde", file, old, false},      // 15 digits
		{".key.pem.tmp-0123456789ABCDEF", file, old, false},     // not what tempName makes
		{".key.pem.tmp-0123456789abcdef.bak", file, old, false}, // longer name
		{"key.pem.tmp-0123456789abcdef", file, old, false},      // no leading dot
		{".key.pem.tmp-1111111111111111", func(p string) { must(t, os.Symlink(outside, p)) }, time.Time{}, false},
		{".key.pem.tmp-2222222222222222", func(p string) { must(t, os.Mkdir(p, 0o700)) }, old, false},
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.name)
		e.make(p)
		if !e.mtime.IsZero() {
			must(t, os.Chtimes(p, e.mtime, e.mtime))
		}
	}

	got := Sweep(target, now)
	want := []string{".key.pem.tmp-0123456789abcdef", ".key.pem.tmp-fedcba9876543210"}
	if strings.Join(got.Removed, " ") != strings.Join(want, " ") {
		t.Fatalf("removed %v, want %v", got.Removed, want)
	}
	for _, e := range entries {
		_, err := os.Lstat(filepath.Join(dir, e.name))
		if gone := os.IsNotExist(err); gone != e.remove {
			t.Errorf("%s: removed %v, want %v", e.name, gone, e.remove)
		}
	}
	if data, err := os.ReadFile(outside); err != nil || string(data) != "keep" {
		t.Errorf("the symbolic link's target changed: %q, %v", data, err)
	}
	if msg := got.String(); !strings.Contains(msg, "removed 2 temporary files") || !strings.Contains(msg, target) || strings.Contains(msg, "\n") {
		t.Errorf("message %q", msg)
	}
	if again := Sweep(target, now); len(again.Removed) != 0 || again.String() != "" {
		t.Errorf("second sweep removed %v", again.Removed)
	}
}

// TestSweepOthersFiles needs root to make a file owned by someone else.
func TestSweepOthersFiles(t *testing.T) {
	t.Parallel()
	if os.Getuid() != 0 {
		t.Skip("needs root to create a file owned by another user (CI runs as root)")
	}
	now := time.Now()
	dir := t.TempDir()
	p := writeTestFile(t, dir, ".key.pem.tmp-0123456789abcdef", []byte("x"))
	must(t, os.Chown(p, 65534, 65534))
	must(t, os.Chtimes(p, now.Add(-time.Hour), now.Add(-time.Hour)))
	if got := Sweep(filepath.Join(dir, "key.pem"), now); len(got.Removed) != 0 {
		t.Fatalf("removed another user's file: %v", got.Removed)
	}
	if _, err := os.Lstat(p); err != nil {
		t.Fatal(err)
	}
}

func TestWriteSweeps(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	target := filepath.Join(dir, "key.pem")
	left := writeTestFile(t, dir, ".key.pem.tmp-0123456789abcdef", []byte("half"))
	must(t, os.Chtimes(left, now.Add(-time.Hour), now.Add(-time.Hour)))
	swept, err := Write(context.Background(), target, []byte("k"), 0o600, false, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(swept.Removed) != 1 || swept.String() == "" {
		t.Fatalf("swept %+v", swept)
	}
	noTempFiles(t, dir)
	// A refused write (the target exists) sweeps nothing and reports nothing.
	left = writeTestFile(t, dir, ".key.pem.tmp-fedcba9876543210", []byte("half"))
	must(t, os.Chtimes(left, now.Add(-time.Hour), now.Add(-time.Hour)))
	if swept, err := Write(context.Background(), target, []byte("k"), 0o600, false, now); err == nil || len(swept.Removed) != 0 {
		t.Fatalf("got %+v, %v", swept, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
