package checklist

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// A folder of many unrelated files is not read in full: the limit counts
// every file read, recognised or not.
func TestScanBoundsUnrelatedFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for i := range 300 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("note%03d.txt", i)), []byte("not a key"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := scan(dir, scanLimits{entries: 1000, examined: 50, kept: 500})
	if err != nil {
		t.Fatal(err)
	}
	if f.Examined != 50 || !f.Truncated || len(f.Files) != 0 {
		t.Errorf("examined %d, truncated %v, %d files; want 50 read and the scan cut short", f.Examined, f.Truncated, len(f.Files))
	}
	f, err = scan(dir, scanLimits{entries: 100, examined: 1000, kept: 500})
	if err != nil {
		t.Fatal(err)
	}
	if f.Examined != 100 || !f.Truncated {
		t.Errorf("entry limit: examined %d, truncated %v", f.Examined, f.Truncated)
	}
	// Temporary files of interrupted writes are reported, not recognised.
	if err := os.WriteFile(filepath.Join(dir, ".client.key.tmp-0123456789abcdef"), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Within the default limits the whole folder is looked at.
	f, err = Scan(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Leftovers) != 1 || f.Leftovers[0] != ".client.key.tmp-0123456789abcdef" {
		t.Errorf("leftovers %v", f.Leftovers)
	}
	if f.Examined != 300 || f.Truncated {
		t.Errorf("default limits: examined %d, truncated %v", f.Examined, f.Truncated)
	}
}
