package cmd

import "github.com/spf13/cobra"

// CommandTree returns caronboard's whole command tree around a fresh App, for
// the build-time generator internal/gendocs, which writes the man pages and
// shell completions from it (`go run ./internal/gendocs DIR`; the release's
// before-hook runs it). Man pages are generated at build time, not by the
// shipped binary, so that cobra/doc and its Markdown libraries stay out of it.
func CommandTree() *cobra.Command { return NewRootCmd(newApp()) }

// Version is the version the binary reports (link-time flags or module
// build information), for the generator's man page header.
func Version() string { return buildVersion().Version }
