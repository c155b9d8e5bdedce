package cmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A write removes what a killed run left beside its own target and says so
// in one warning line; another target's leftover stays.
func TestWriteFileSweepsLeftovers(t *testing.T) {
	t.Parallel()
	a, _, errOut := testApp(nil)
	dir := t.TempDir()
	old := a.Now().Add(-10 * time.Minute)
	mine := filepath.Join(dir, ".key.pem.tmp-0123456789abcdef")
	other := filepath.Join(dir, ".other.pem.tmp-0123456789abcdef")
	for _, p := range []string{mine, other} {
		if err := os.WriteFile(p, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.writeFile(context.Background(), filepath.Join(dir, "key.pem"), []byte("k"), 0o600, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(mine); !os.IsNotExist(err) {
		t.Errorf("the target's leftover is still there (%v)", err)
	}
	if _, err := os.Lstat(other); err != nil {
		t.Errorf("another target's leftover was removed: %v", err)
	}
	msg := errOut.String()
	if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, ".key.pem.tmp-0123456789abcdef") {
		t.Errorf("warning %q, want one line naming the leftover", msg)
	}
}
