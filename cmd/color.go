package cmd

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// colorOn reports whether colour may be written to w: only when w is a
// terminal, NO_COLOR is unset (https://no-color.org) and TERM is not "dumb".
// Every coloured output of caronboard asks here first.
func colorOn(w io.Writer, getenv func(string) string) bool {
	if getenv == nil {
		getenv = os.Getenv
	}
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// paint wraps s in the ANSI colour code (e.g. "32" green, "31" red, "33"
// yellow) when colour is on for w, and returns it unchanged otherwise.
func paint(w io.Writer, getenv func(string) string, code, s string) string {
	if !colorOn(w, getenv) {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// statusWord pads a check status ("pass", "fail", "warn", "skip") to four
// columns and colours it, on a terminal only.
func (a *App) statusWord(status string) string {
	code := map[string]string{"pass": "32", "fail": "31", "warn": "33"}[status]
	word := fmt.Sprintf("%-4s", status)
	if code == "" {
		return word
	}
	return paint(a.Out, a.Getenv, code, word)
}
