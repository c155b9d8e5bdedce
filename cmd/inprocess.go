package cmd

import (
	"context"
	"io"
	"strings"
)

// subcommand is one caronboard command line that demo and init run inside
// this process, exactly as the user would type it (its line is printed with
// shellWords), never prompting (--no-input), in text mode, on the parent's
// clock. Secrets reach it through getenv, never its arguments.
type subcommand struct {
	args         []string
	in           io.Reader // nil: empty
	out, errOut  io.Writer
	getenv       func(string) string
	noPingRecord bool
	noNextSteps  bool   // csr's "Next steps" (init prints the checklist instead)
	configDir    string // replaces the user config folder (see App.configDir); "": the user's
}

// line is the command as the user would type it.
func (s subcommand) line() string { return "caronboard " + shellWords(s.args) }

// run runs the command and returns its failure, already printed to errOut
// with its own code (wrong_passphrase, exists, …), or nil.
func (s subcommand) run(ctx context.Context, parent *App) *Error {
	in := s.in
	if in == nil {
		in = strings.NewReader("")
	}
	sub := &App{In: in, Out: s.out, ErrOut: s.errOut, Getenv: s.getenv, Now: parent.Now, Output: "text", noPingRecord: s.noPingRecord, noNextSteps: s.noNextSteps, configDir: s.configDir}
	args := append(append([]string(nil), s.args...), "--no-input")
	return execute(ctx, sub, args)
}

// stepError is the failure of a step of init: it keeps the step's own code
// (wrong_passphrase, exists, …), details and cause, and names the command
// line that failed.
func stepError(title, line string, e *Error, hint string) *Error {
	return &Error{Code: e.Code, Message: title + " failed: " + line, Hint: hint, Details: e.Details, Err: e}
}
