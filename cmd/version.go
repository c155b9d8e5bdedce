package cmd

import (
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Set at release time with -ldflags "-X github.com/caronboard/caronboard/cmd.version=… -X …cmd.commit=…".
var (
	version = ""
	commit  = ""
)

// VersionInfo is what `caronboard version` reports.
type VersionInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Go      string `json:"go"`
}

// buildVersion reads the version from link-time flags, falling back to the
// module build information that `go install` and `go build` record.
func buildVersion() VersionInfo {
	v := VersionInfo{Version: version, Commit: commit, Go: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v.Version == "" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && v.Commit == "" {
				v.Commit = s.Value
			}
		}
	}
	if v.Version == "" || v.Version == "(devel)" {
		v.Version = "dev"
	}
	if v.Commit == "" {
		v.Commit = "unknown"
	}
	return v
}

// NewVersionCmd prints the version, commit and Go version.
func NewVersionCmd(a *App, runF func(*App) error) *cobra.Command {
	return &cobra.Command{
		Use:         "version",
		Short:       "Print caronboard's version, commit and Go version",
		Args:        noArgs,
		Annotations: map[string]string{skipConfig: "true"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Config is skipped for speed, but -o json must still work.
			if out, _ := cmd.Flags().GetString("output"); out == "json" {
				a.Output = "json"
			}
			if runF != nil {
				return runF(a)
			}
			v := buildVersion()
			a.SetResult(v)
			if !a.JSON() {
				printf(a.Out, "caronboard %s (commit %s, %s)\n", v.Version, v.Commit, v.Go)
			}
			return nil
		},
	}
}

// noArgs refuses positional arguments with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErr("see '"+cmd.CommandPath()+" --help'", "%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}
