package cmd

import (
	"context"
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// App is what every command shares: streams, settings resolved from flags,
// environment and config file, and the hooks tests replace.
type App struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// Getenv reads the process environment (tests substitute it).
	Getenv func(string) string
	// Now is the clock; commands never call time.Now directly.
	Now func() time.Time
	// Prompter asks for secrets on a terminal; nil means "no terminal".
	// When detectPrompter is set, the terminal is probed on first need only,
	// so commands that never prompt (version, help) never touch it.
	Prompter       Prompter
	detectPrompter func() Prompter

	// Settings, filled by the root command before a subcommand runs.
	Output  string // "text" or "json"
	NoInput bool
	Quiet   bool
	Debug   bool // --debug: print an error's cause chain
	config  *configFile
	sources map[string]string // flag -> where its value came from, when not typed

	result   any
	warnings []string
	// noPingRecord keeps ping from recording its outcome for the checklist
	// (the demo's rehearsal must not look like the user's own ping).
	noPingRecord bool
	// noNextSteps keeps csr from printing its "Next steps" (init prints the
	// checklist, which says the same).
	noNextSteps bool
	// configDir replaces the user config folder (os.UserConfigDir) for
	// everything kept there: config.yaml, the signer store, ping records and
	// the default sandbox. demo sets it to a folder of its own, so that its
	// rehearsal neither reads nor changes anything of the user's.
	configDir string
	// noDefaultConfig skips the default config file (commands marked
	// ownConfig).
	noDefaultConfig bool
	// ctx is the running command's context (set by Run), so that prompts
	// stop at the first Ctrl-C.
	ctx context.Context
}

// newApp returns an App bound to the process's standard streams.
func newApp() *App {
	return &App{
		In:     os.Stdin,
		Out:    os.Stdout,
		ErrOut: os.Stderr,
		Getenv: os.Getenv,
		Now:    time.Now,
		Output: "text",
		detectPrompter: func() Prompter {
			if term.IsTerminal(int(os.Stdin.Fd())) {
				return &termPrompter{in: os.Stdin, out: os.Stderr}
			}
			return nil
		},
	}
}

// JSON reports whether the user asked for machine-readable output.
func (a *App) JSON() bool { return a.Output == "json" }

// CanPrompt reports whether a secret may be asked for interactively.
func (a *App) CanPrompt() bool {
	if a.NoInput {
		return false
	}
	if a.Prompter == nil && a.detectPrompter != nil {
		a.Prompter, a.detectPrompter = a.detectPrompter(), nil
	}
	return a.Prompter != nil
}

// SetResult records the value printed as the command's JSON object.
func (a *App) SetResult(v any) { a.result = v }

// Warn reports something the user should know that does not stop the command.
// In text mode it goes to stderr at once; in JSON mode into "warnings".
func (a *App) Warn(msg string) {
	a.warnings = append(a.warnings, msg)
	if !a.JSON() {
		writeLine(a.ErrOut, "caronboard: warning: "+msg)
	}
}

// Infof prints human-readable progress and results, unless --quiet or -o json.
func (a *App) Infof(format string, args ...any) {
	if a.Quiet || a.JSON() {
		return
	}
	printf(a.Out, format, args...)
}

// printNumbered prints a labelled, numbered list, the label on the first line
// only, padded to width.
func (a *App) printNumbered(label string, width int, items []string) {
	for i, item := range items {
		if i > 0 {
			label = ""
		}
		a.Infof("%-*s %d. %s\n", width, label, i+1, item)
	}
}

// userConfigDir is the folder caronboard keeps its own files under (as
// caronboard/…): configDir when set, else the user config folder.
func (a *App) userConfigDir() (string, error) {
	if a.configDir != "" {
		return a.configDir, nil
	}
	return os.UserConfigDir()
}
