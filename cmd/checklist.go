package cmd

import "github.com/spf13/cobra"

// NewChecklistCmd is a placeholder, replaced when its issue lands.
func NewChecklistCmd(a *App) *cobra.Command {
	return &cobra.Command{Use: "checklist", Short: "Onboarding checklist (coming with issue 8)", Hidden: true, Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return &Error{Code: "not_implemented", Message: "checklist is not implemented yet", Exit: exitFailed}
		}}
}
