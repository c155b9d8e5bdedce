package cmd

import "github.com/spf13/cobra"

// NewTruststoreCmd is a placeholder, replaced when its issue lands.
func NewTruststoreCmd(a *App) *cobra.Command {
	return &cobra.Command{Use: "truststore", Short: "Export an environment's server trust anchors (coming with issue 8)", Hidden: true, Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return &Error{Code: "not_implemented", Message: "truststore is not implemented yet", Exit: exitFailed}
		}}
}
