package cmd

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// The demo's transcript keeps the order things happened in: a step's
// warning comes before the result printed after it, and key's progress line
// (for a terminal only) is not appended after the result.
func TestDemoTranscriptOrder(t *testing.T) {
	a, out, _ := testApp(nil)
	dir := t.TempDir()
	d := &demo{a: a, ctx: context.Background(), dir: dir}
	if err := d.sub("Make a key", []string{"key", "--out", filepath.Join(dir, "k.key"), "--bits", "2048", "--no-passphrase"}, nil); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	warn, wrote := strings.Index(s, "warning: "), strings.Index(s, "Wrote ")
	if warn < 0 || wrote < 0 || warn > wrote {
		t.Errorf("the warning is not before the result:\n%s", s)
	}
	if strings.Contains(s, "Generating") {
		t.Errorf("key's progress line is in a transcript that is not a terminal:\n%s", s)
	}
}
