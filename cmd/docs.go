package cmd

import "github.com/spf13/cobra"

// NewDocsCmd is a placeholder, replaced when its issue lands.
func NewDocsCmd(a *App) *cobra.Command {
	return &cobra.Command{Use: "docs", Short: "Generate documentation (coming with issue 6)", Hidden: true, Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return &Error{Code: "not_implemented", Message: "docs is not implemented yet", Exit: exitFailed}
		}}
}
