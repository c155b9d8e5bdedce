package cmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// Commands whose help is owned by work in progress elsewhere, with the gap.
var helpGaps = map[string]string{}

// Every command a user can see explains itself: its Long help has examples
// and its exit codes (cobra's own help and completion commands aside).
func TestEveryCommandHasExamplesAndExitCodes(t *testing.T) {
	a, _, _ := testApp(nil)
	root := NewRootCmd(a)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			if gap, ok := helpGaps[sub.CommandPath()]; ok {
				t.Logf("%s: known gap: %s", sub.CommandPath(), gap)
			} else if !strings.Contains(sub.Long, "Examples:") || !strings.Contains(sub.Long, "Exit codes:") {
				t.Errorf("%s: Long help lacks \"Examples:\" or \"Exit codes:\"", sub.CommandPath())
			}
			walk(sub)
		}
	}
	if !strings.Contains(root.Long, "Exit codes:") {
		t.Error("caronboard: Long help lacks exit codes")
	}
	walk(root)
}

// docs man writes one page per command, from the command tree itself.
func TestDocsMan(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "man")
	a, out, errOut := testApp(nil)
	if code := Run(context.Background(), a, []string{"docs", "man", dir}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, page := range []string{"caronboard.1", "caronboard-init.1", "caronboard-csr.1", "caronboard-csr-inspect.1", "caronboard-ping.1", "caronboard-docs-man.1"} {
		data, err := os.ReadFile(filepath.Join(dir, page))
		if err != nil {
			t.Errorf("%s: %v", page, err)
			continue
		}
		if !strings.HasPrefix(string(data), ".nh\n.TH ") && !strings.Contains(string(data), ".TH ") {
			t.Errorf("%s is not a man page:\n%.200s", page, data)
		}
	}
	if !strings.Contains(out.String(), "man pages to "+dir) {
		t.Errorf("stdout: %q", out)
	}
	a, _, _ = testApp(nil)
	if code := Run(context.Background(), a, []string{"docs", "man"}); code != exitUsage {
		t.Errorf("docs man without a folder: exit %d, want 2", code)
	}
}

// version shows the build date next to version and commit.
func TestVersionShowsDate(t *testing.T) {
	a, out, _ := testApp(nil)
	if code := Run(context.Background(), a, []string{"version", "-o", "json"}); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, key := range []string{`"version"`, `"commit"`, `"date"`, `"go"`} {
		if !strings.Contains(out.String(), key) {
			t.Errorf("version JSON lacks %s: %s", key, out)
		}
	}
}
