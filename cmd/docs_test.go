package cmd

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// Commands whose help is owned by work in progress elsewhere, with the gap.
var helpGaps = map[string]string{}

// Every command a user can see explains itself: its Long help has examples
// and its exit codes (cobra's own help command aside).
func TestEveryCommandHasExamplesAndExitCodes(t *testing.T) {
	a, _, _ := testApp(nil)
	root := NewRootCmd(a)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" {
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
