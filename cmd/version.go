package cmd

import (
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Set at release time with -ldflags "-X github.com/caronboard/caronboard/cmd.version=…
// -X …cmd.commit=… -X …cmd.date=…" (see .goreleaser.yaml).
var (
	version = ""
	commit  = ""
	date    = ""
)

// VersionInfo is what `caronboard version` reports.
type VersionInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
	Go      string `json:"go"`
}

// buildVersion reads the version from link-time flags, falling back to the
// module build information that `go install` and `go build` record.
func buildVersion() VersionInfo {
	v := VersionInfo{Version: version, Commit: commit, Date: date, Go: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v.Version == "" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && v.Commit == "":
				v.Commit = s.Value
			case s.Key == "vcs.time" && v.Date == "":
				v.Date = s.Value
			}
		}
	}
	if v.Version == "" || v.Version == "(devel)" {
		v.Version = "dev"
	}
	if v.Commit == "" {
		v.Commit = "unknown"
	}
	if v.Date == "" {
		v.Date = "unknown"
	}
	return v
}

// NewVersionCmd prints the version, commit and Go version.
func NewVersionCmd(a *App, runF func(*App) error) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print caronboard's version, commit, build date and Go version",
		Long: `Print caronboard's version, the commit it was built from, the build date and the Go
version. Release builds carry all three (injected at link time); a 'go install' or
'go build' shows the module version and what the Go toolchain recorded, or "dev" and
"unknown". It reads no configuration, so it answers even when the config file is broken.

Examples:
  caronboard version
  caronboard version -o json

Exit codes: 0 always, 2 usage error.`,
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
				printf(a.Out, "caronboard %s (commit %s, %s, built %s)\n", v.Version, v.Commit, v.Go, v.Date)
			}
			return nil
		},
	}
}
