package cmd

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/pkg/csr"
)

// Dynamic shell completion of flag values: `caronboard completion bash|zsh|
// fish|powershell` writes the script, which asks `caronboard __complete …`
// for the values below as the user presses Tab.

// completeProfiles lists the profiles (car, freja).
func completeProfiles(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
	var names []string
	for _, p := range csr.Profiles {
		if strings.HasPrefix(string(p), prefix) {
			names = append(names, string(p)+"\t"+p.DisplayName())
		}
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// completeRoles lists the CAR roles (bank, ctd, internal).
func completeRoles(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
	return withPrefix(csr.CARRoles, prefix), cobra.ShellCompDirectiveNoFileComp
}

// completeEnvs lists the environments, the config file's included.
func completeEnvs(a *App) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		envs, err := a.environments()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return withPrefix(envNames(envs), prefix), cobra.ShellCompDirectiveNoFileComp
	}
}

// withPrefix keeps the values that start with prefix.
func withPrefix(values []string, prefix string) []string {
	var out []string
	for _, v := range values {
		if strings.HasPrefix(v, prefix) {
			out = append(out, v)
		}
	}
	return out
}

func registerProfileCompletion(c *cobra.Command) {
	_ = c.RegisterFlagCompletionFunc("profile", completeProfiles)
}

func registerRoleCompletion(c *cobra.Command) {
	_ = c.RegisterFlagCompletionFunc("role", completeRoles)
}

func registerEnvCompletion(c *cobra.Command, a *App) {
	_ = c.RegisterFlagCompletionFunc("env", completeEnvs(a))
}

// documentCompletion gives cobra's `completion` command (made here rather
// than lazily at Execute) examples and exit codes like every other command.
// cobra binds the script's output stream when it makes the command, so the
// root's streams are set first.
func documentCompletion(root *cobra.Command, a *App) {
	root.SetOut(a.Out)
	root.SetErr(a.ErrOut)
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Long = `Write the shell completion script for bash, zsh, fish or powershell to standard output.
It completes commands and flags, and the values of --profile (car, freja), --role (bank,
ctd, internal) and --env (the environments, including those of your config file).

Examples:
  source <(caronboard completion bash)                                  # this shell only
  caronboard completion bash > /etc/bash_completion.d/caronboard       # every bash
  caronboard completion zsh > "${fpath[1]}/_caronboard"
  caronboard completion fish > ~/.config/fish/completions/caronboard.fish
  caronboard completion powershell >> $PROFILE

Exit codes: 0 written, 2 usage error (or no shell named).`
		for _, sh := range c.Commands() {
			sh.Long = strings.TrimRight(sh.Long, "\n") + "\n\nExamples:\n  caronboard completion " + sh.Name() +
				"\n\nExit codes: 0 written, 2 usage error."
		}
	}
}
