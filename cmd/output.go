package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// printf and writeLine print text for a person: on a terminal it is wrapped
// to its width (see wrapToWidth); to a pipe or file it goes unchanged.
func printf(w io.Writer, format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if width := terminalWidth(w); width > 0 {
		s = wrapToWidth(s, width)
	}
	_, _ = io.WriteString(w, s)
}

func writeLine(w io.Writer, s string) { printf(w, "%s\n", s) }

// jsonError is the "error" member of a failed command's JSON object.
type jsonError struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Hint    string   `json:"hint,omitempty"`
	Details []Detail `json:"details,omitempty"`
}

// envelope is the JSON object every command prints: "ok", "error" on failure,
// "warnings" when there were any, then the command's own result members.
type envelope struct {
	OK       bool       `json:"ok"`
	Error    *jsonError `json:"error,omitempty"`
	Warnings []string   `json:"warnings,omitempty"`
}

// writeJSON prints one object: the envelope's members followed by those of
// result (a struct with json tags), keeping each one's field order.
func writeJSON(w io.Writer, env envelope, result any) error {
	head, err := json.Marshal(env)
	if err != nil {
		return err
	}
	if result != nil {
		body, err := json.Marshal(result)
		if err != nil {
			return err
		}
		if len(body) > 2 && body[0] == '{' {
			head = append(head[:len(head)-1], ',')
			head = append(head, body[1:]...)
		}
	}
	var out bytes.Buffer
	if err := json.Indent(&out, head, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err = w.Write(out.Bytes())
	return err
}

// printError shows an error in text mode: one error line and one hint line,
// then one pair per detail.
func printError(w io.Writer, e *Error) {
	writeLine(w, "caronboard: error: "+oneLine(e.Message))
	if len(e.Details) > 1 {
		for _, d := range e.Details {
			if d.Message != "" { // a detail without a message is a hint alone
				writeLine(w, "caronboard: error:   "+oneLine(d.Message))
			}
			if d.Hint != "" {
				writeLine(w, "caronboard: hint:    "+oneLine(d.Hint))
			}
		}
	} else if len(e.Details) == 1 && e.Details[0].Hint != "" {
		e.Hint = e.Details[0].Hint // the field's own hint is the more specific one
	}
	if e.Hint != "" {
		writeLine(w, "caronboard: hint: "+oneLine(e.Hint))
	}
}

// oneLine keeps a message on one line whatever the wrapped errors contain.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}
