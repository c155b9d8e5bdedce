package cmd

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// A command that only groups others is a usage error without one (exit 2),
// and a mistyped subcommand is named with the right spelling, even when the
// real subcommand's flags follow it.
func TestParentCommandsNeedASubcommand(t *testing.T) {
	tests := []struct {
		args     []string
		wantExit int
		wantErr  string
	}{
		{[]string{"cert"}, exitUsage, "caronboard cert needs a subcommand: verify"},
		{[]string{"jws"}, exitUsage, "caronboard jws needs a subcommand: decode, trust, verify"},
		{[]string{"jws", "trust"}, exitUsage, "caronboard jws trust needs a subcommand: add, list"},
		{[]string{"sandbox"}, exitUsage, "caronboard sandbox needs a subcommand:"},
		{[]string{"cert", "verfy"}, exitUsage, "unknown command 'verfy' — did you mean 'verify'?"},
		{[]string{"cert", "verfy", "--cert", "x.cer", "--key", "x.key"}, exitUsage, "unknown command 'verfy' — did you mean 'verify'?"},
		{[]string{"jws", "trust", "ad"}, exitUsage, "did you mean 'add'?"},
		{[]string{"pign"}, exitUsage, "unknown command 'pign' — did you mean 'ping'?"},
		{[]string{"cert", "zzz"}, exitUsage, "unknown command 'zzz' for 'caronboard cert': its subcommands are verify"},
		{[]string{"cert", "--help"}, exitOK, ""},
		{[]string{"checklist", "--dir", "."}, exitOK, ""}, // a parent that runs by itself
		{[]string{}, exitOK, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			a, _, errOut := testApp(nil)
			if code := Run(context.Background(), a, tt.args); code != tt.wantExit {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.wantExit, errOut)
			}
			if !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.wantErr)
			}
		})
	}
}

// Every command that only groups others promises exit 2 for a missing
// subcommand in its help.
func TestParentCommandsSayExit2(t *testing.T) {
	a, _, _ := testApp(nil)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.HasSubCommands() && sub.Args != nil && sub.FParseErrWhitelist.UnknownFlags && !strings.Contains(sub.Long, "2 usage error") {
				t.Errorf("%s: help does not say exit 2 for a usage error", sub.CommandPath())
			}
			walk(sub)
		}
	}
	walk(NewRootCmd(a))
}
