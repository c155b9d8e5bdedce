package cmd

import "github.com/spf13/cobra"

// noArgs refuses positional arguments with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErr("see '"+cmd.CommandPath()+" --help'", "%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}
