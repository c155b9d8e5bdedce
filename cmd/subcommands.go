package cmd

import (
	"strings"

	"github.com/spf13/cobra"
)

// requireSubcommands walks the tree and makes every command that only groups
// others (subcommands and no RunE of its own: cert, jws, jws trust, sandbox;
// checklist, which runs by itself, is left alone) a usage error when run
// without one, exit 2 as their help says, and a mistyped subcommand name an
// "unknown command 'verfy' — did you mean 'verify'?" usage error. The parent
// ignores flags it does not know, so that `cert verfy --cert FILE` reports
// the mistyped name rather than "unknown flag: --cert". The root command
// alone still shows its help when run bare.
func requireSubcommands(c *cobra.Command) {
	for _, sub := range c.Commands() {
		requireSubcommands(sub)
	}
	if !c.HasSubCommands() || c.Runnable() {
		return
	}
	c.Args = unknownSubcommand
	c.FParseErrWhitelist.UnknownFlags = true
	if c.HasParent() {
		c.RunE = func(cmd *cobra.Command, _ []string) error {
			return usageErr("see '"+cmd.CommandPath()+" --help'", "%s needs a subcommand: %s", cmd.CommandPath(), strings.Join(subcommandNames(cmd), ", "))
		}
	} else {
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
}

// unknownSubcommand refuses any argument of a command that only groups others.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	hint := "see '" + cmd.CommandPath() + " --help'"
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, set only on its own error path
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		return usageErr(hint, "unknown command '%s' — did you mean '%s'?", args[0], strings.Join(s, "' or '"))
	}
	return usageErr(hint, "unknown command '%s' for '%s': its subcommands are %s", args[0], cmd.CommandPath(), strings.Join(subcommandNames(cmd), ", "))
}

func subcommandNames(cmd *cobra.Command) []string {
	var names []string
	for _, sub := range cmd.Commands() {
		if sub.IsAvailableCommand() {
			names = append(names, sub.Name())
		}
	}
	return names
}
