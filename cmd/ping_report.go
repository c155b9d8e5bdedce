package cmd

import (
	"fmt"
	"strings"
	"time"

	"github.com/caronboard/caronboard/pkg/verify"
)

// pingSkip is an environment --all could not probe.
type pingSkip struct {
	Env    string `json:"env"`
	Reason string `json:"reason"`
	Hint   string `json:"hint,omitempty"`
}

// errNothingToProbe fails ping --all when every environment was skipped:
// six "skip" rows are no proof of anything. Each environment is a detail
// with what it lacks as its hint.
func errNothingToProbe(skipped []pingSkip) *Error {
	e := &Error{Code: codeNothingToProbe,
		Message: fmt.Sprintf("nothing to probe: all %d environments were skipped", len(skipped)),
		Hint:    "give at least one environment what its line above says it lacks, then run ping --all again"}
	for _, s := range skipped {
		e.Details = append(e.Details, Detail{Field: s.Env, Message: s.Env + ": " + s.Reason, Hint: s.Hint})
	}
	return e
}

// pingResult is what `caronboard ping` reports.
type pingResult struct {
	Results []*verify.ProbeResult `json:"results"`
	Skipped []pingSkip            `json:"skipped,omitempty"`
}

// printProbe prints one probe, step by step.
func printProbe(a *App, r *verify.ProbeResult) {
	a.Infof("ping %s (%s)\n", r.Target, r.Addr)
	for _, s := range r.Steps {
		a.Infof("  %s  %-19s %8s  %s\n", a.statusWord(string(s.Status)), s.Name, roundDuration(s.Duration), s.Message)
	}
	if r.Err == nil {
		a.Infof("Connected: mutual TLS accepted (%s).\n", roundDuration(r.Elapsed))
		a.Infof("Next: the same connection from your application: caronboard client java|python|node|go|curl|openssl --env %s --out DIR\n", r.Target)
	}
}

func (r *pingResult) printTable(a *App) {
	a.Infof("%-12s %-6s %-22s %9s  %s\n", "ENVIRONMENT", "RESULT", "CODE", "TIME", "DETAIL")
	for _, p := range r.Results {
		result, code, detail := "ok", "", fmt.Sprintf("from %s", p.LocalAddr)
		if p.Via() {
			detail = "via the proxy " + p.Proxy.Proxy + " (the API sees its outgoing address)"
		}
		if p.HTTPStatus != 0 {
			detail += fmt.Sprintf(", HTTP %d", p.HTTPStatus)
		}
		if p.Err != nil {
			result, code, detail = "FAIL", p.Err.Code, p.Err.Message
		}
		a.Infof("%-12s %-6s %-22s %9s  %s\n", p.Target, result, code, roundDuration(p.Elapsed), detail)
	}
	for _, s := range r.Skipped {
		a.Infof("%-12s %-6s %-22s %9s  %s\n", s.Env, "skip", "", "", s.Reason)
	}
	ok, failed := 0, 0
	for _, p := range r.Results {
		if p.Err != nil {
			failed++
		} else {
			ok++
		}
	}
	a.Infof("%d ok, %d failed, %d skipped\n", ok, failed, len(r.Skipped))
}

// verdict fails the command when any probe failed.
func (r *pingResult) verdict() error {
	var failed []*verify.ProbeResult
	for _, p := range r.Results {
		if p.Err != nil {
			failed = append(failed, p)
		}
	}
	switch {
	case len(failed) == 0:
		return nil
	case len(r.Results) == 1:
		e := failed[0].Err
		return &Error{Code: e.Code, Message: fmt.Sprintf("%s: %s", failed[0].Target, e.Message), Hint: e.Hint, Err: e}
	}
	var names []string
	details := make([]Detail, 0, len(failed))
	for _, p := range failed {
		names = append(names, p.Target)
		details = append(details, Detail{Field: p.Target, Message: p.Err.Code + ": " + p.Err.Message, Hint: p.Err.Hint})
	}
	skipped := ""
	if len(r.Skipped) > 0 {
		skipped = fmt.Sprintf(" (%d more skipped)", len(r.Skipped))
	}
	return &Error{Code: codePingFailed, Details: details,
		Message: fmt.Sprintf("%d of %d environments probed failed: %s%s", len(failed), len(r.Results), strings.Join(names, ", "), skipped),
		Hint:    "see each environment's line above; probe one with --env NAME for the steps"}
}

// roundDuration keeps durations readable.
func roundDuration(d time.Duration) string {
	switch {
	case d == 0:
		return ""
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}
