package cmd

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Main runs caronboard with the process's arguments and returns the exit code.
//
// The first interrupt (Ctrl-C, SIGINT) or SIGTERM cancels the command's
// context: it stops before it replaces any file and exits 1 "interrupted".
// The handler stays installed until the process exits, so a signal that
// arrives after the command finished cannot turn its exit status into
// "killed by a signal" for a run that in fact completed. A second signal,
// while the command is still busy after the first, kills the process.
func Main() int {
	return Run(notifyContext(), newApp(), os.Args[1:])
}

// notifyContext is cancelled at the first SIGINT or SIGTERM; then the
// default handling comes back, so that the second one ends the process even
// when the command does not stop.
func notifyContext() context.Context {
	ctx, _ := notifyContextStopped()
	return ctx
}

// notifyContextStopped is notifyContext; the channel is closed once the
// default handling is back (for the test).
func notifyContextStopped() (context.Context, <-chan struct{}) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopped := make(chan struct{})
	go func() {
		<-ctx.Done()
		stop()
		close(stopped)
	}()
	return ctx, stopped
}

// Run executes one command line with the given App and returns the exit code.
// It is the single place where errors become output and exit codes.
func Run(ctx context.Context, a *App, args []string) int {
	if e := execute(ctx, a, args); e != nil {
		return e.Exit()
	}
	return exitOK
}

// execute runs one command line, prints its result or its failure once, and
// returns the failure (nil on success) for Run and the in-process runner.
func execute(ctx context.Context, a *App, args []string) *Error {
	if wantsJSON(args) {
		a.Output = "json" // so that even a flag-parsing error is reported as JSON
	}
	a.Debug = a.Debug || wantsDebug(args)
	a.ctx = ctx
	root := NewRootCmd(a)
	root.SetArgs(args)
	root.SetIn(a.In)
	root.SetOut(a.Out)
	root.SetErr(a.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		if a.JSON() && a.result != nil {
			if werr := writeJSON(a.Out, envelope{OK: true, Warnings: a.warnings}, a.result); werr != nil {
				e := classify(werr)
				report(a, e)
				return e
			}
		}
		return nil
	}
	e := classify(cobraUsage(err))
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		e.Code, e.Message = codeInterrupted, "interrupted"
	}
	report(a, e)
	return e
}

// report prints a failure once, in the chosen format, and returns its exit
// code, which follows from the error's code (exitFor).
func report(a *App, e *Error) int {
	if a.JSON() {
		je := &jsonError{Code: e.Code, Message: oneLine(e.Message), Hint: e.Hint, Details: e.Details}
		if err := writeJSON(a.Out, envelope{OK: false, Error: je, Warnings: a.warnings}, a.result); err != nil {
			printError(a.ErrOut, e)
		}
	} else {
		printError(a.ErrOut, e)
	}
	if a.Debug {
		printCauses(a.ErrOut, e)
	}
	return e.Exit()
}

// cobraUsage recognises the errors cobra itself returns for a bad command line.
func cobraUsage(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	msg := err.Error()
	for _, prefix := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "required flag", "accepts ", "requires ", "invalid argument", "flag needs an argument", "bad flag syntax", "if any flags in the group"} {
		if strings.HasPrefix(msg, prefix) {
			return &Error{Code: codeUsage, Message: msg, Hint: "run 'caronboard help' or add --help to the command", Err: err}
		}
	}
	return err
}

// wantsJSON spots -o json on the raw command line, before flags are parsed.
func wantsJSON(args []string) bool {
	for i, arg := range args {
		switch {
		case arg == "--":
			return false
		case arg == "-ojson" || arg == "--output=json" || arg == "-o=json":
			return true
		case (arg == "-o" || arg == "--output") && i+1 < len(args) && args[i+1] == "json":
			return true
		}
	}
	return false
}
