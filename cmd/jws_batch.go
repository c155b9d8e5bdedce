package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/caronboard/caronboard/pkg/jws"
)

// jwsBatchRun verifies one input per line of the file argument or stdin and
// writes pkg/jws's JSON lines to stdout, in input order and constant memory.
//
// The lines are the output whatever -o says: no final JSON object is
// printed (SetResult is never called), and everything else — warnings, the
// summary, a failure — goes to stderr. So after reading -o the App is put in
// text mode, which makes warnings and errors go to stderr at once instead of
// into an envelope on stdout.
func jwsBatchRun(ctx context.Context, a *App, opts *JWSVerifyOptions) error {
	jsonSummary := a.JSON()
	a.Output = "text"
	store, err := a.jwsTrust(opts.Certs)
	if err != nil {
		return err
	}
	a.warnTrust(opts)
	if len(opts.Certs) > 0 && !jsonSummary && !a.Quiet {
		writeLine(a.ErrOut, fmt.Sprintf("caronboard: batch: %d --cert file(s) trusted for this run under any environment; "+
			"the other certificates only for %s", len(opts.Certs), opts.Env))
	}
	if opts.AllowUntagged {
		a.Warn("--allow-untagged: certificates of your signer store without an environment count under any environment")
	}
	vo, err := opts.options(store, a.Now())
	if err != nil {
		return err
	}
	in := a.In
	if opts.Arg != "" && opts.Arg != "-" {
		f, err := openBatchFile(opts.Arg)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	} else if a.Prompter != nil {
		writeLine(a.ErrOut, "caronboard: reading one token or Freja result per line from stdin (end with Ctrl-D)")
	}
	sum, err := jws.VerifyBatch(ctx, in, a.Out, jws.BatchOptions{Options: vo})
	if werr := writeBatchSummary(a, sum, jsonSummary); err == nil {
		err = werr
	}
	if err != nil {
		return err
	}
	if sum.Inputs == 0 {
		a.Warn("the input has no tokens: nothing was verified")
	}
	if sum.Failed > 0 {
		return &Error{Code: codeBatchFailed,
			Message: fmt.Sprintf("%d of %d inputs failed verification", sum.Failed, sum.Inputs),
			Hint:    `each failed input has "ok":false and its error code in its output line`}
	}
	return nil
}

// openBatchFile opens the --batch input file, refusing a folder up front.
// Pipes are fine: the input is streamed.
func openBatchFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the batch input: %w", err)
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return nil, failErr(codeNotAFile, "give a file with one token or Freja result per line, or - for stdin",
			fmt.Errorf("%s is a folder", path))
	}
	return f, nil
}

// writeBatchSummary prints the counts by outcome on stderr: one JSON object
// when -o json was asked for, else lines for people (unless --quiet).
func writeBatchSummary(a *App, sum jws.Summary, asJSON bool) error {
	if asJSON {
		b, err := json.Marshal(sum)
		if err != nil {
			return err
		}
		writeLine(a.ErrOut, string(b))
		return nil
	}
	if a.Quiet {
		return nil
	}
	warned := ""
	if sum.Warned > 0 {
		warned = fmt.Sprintf(" (%d with warnings)", sum.Warned)
	}
	writeLine(a.ErrOut, fmt.Sprintf("caronboard: batch: %d inputs on %d lines (%d blank): %d ok%s, %d failed",
		sum.Inputs, sum.Lines, sum.Blank, sum.OK, warned, sum.Failed))
	if len(sum.ByCode) > 0 {
		parts := make([]string, 0, len(sum.ByCode))
		for _, code := range jwsSortedKeys(sum.ByCode) {
			parts = append(parts, fmt.Sprintf("%s %d", code, sum.ByCode[code]))
		}
		writeLine(a.ErrOut, "caronboard: batch: failed by code: "+strings.Join(parts, ", "))
	}
	return nil
}
