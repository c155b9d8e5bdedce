package cmd

import "github.com/spf13/cobra"

// NewInitCmd is a placeholder, replaced when its issue lands.
func NewInitCmd(a *App) *cobra.Command {
	return &cobra.Command{Use: "init", Short: "Guided onboarding (coming with issue 6)", Hidden: true, Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return &Error{Code: "not_implemented", Message: "init is not implemented yet", Exit: exitFailed}
		}}
}
