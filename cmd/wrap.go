package cmd

import (
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"
)

// terminalWidth is the width of w when it is a terminal, else 0 (no
// wrapping: a pipe or file gets every line whole, for grep and scripts).
// Tests replace it.
var terminalWidth = func(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width < 20 {
		return 0
	}
	return width
}

// wrapToWidth wraps each line of s that is wider than width at spaces, never
// inside a word (a word wider than the line stays whole). A continuation
// line is indented like the text of the line it continues: its leading
// spaces, plus a label such as "caronboard: hint: " or "hint: ", or the
// first column of a two-column line ("open    Title"). width <= 0
// returns s unchanged. Colour escapes take no width.
func wrapToWidth(s string, width int) string {
	if width <= 0 || !strings.ContainsAny(s, " ") {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		lines[i] = wrapLine(line, width)
	}
	return strings.Join(lines, "\n")
}

// wrapLabels are the prefixes a continuation line is indented past.
var wrapLabels = []string{"caronboard: error:   ", "caronboard: hint:    ", "caronboard: error: ", "caronboard: hint: ", "caronboard: warning: ", "hint: ", "note: "}

func wrapLine(line string, width int) string {
	if visibleWidth(line) <= width {
		return line
	}
	body := strings.TrimLeft(line, " ")
	if isCommandLine(body) {
		return line // a command to copy stays on one line
	}
	indent := len(line) - len(body)
	labelled := false
	for _, l := range wrapLabels {
		if strings.HasPrefix(body, l) {
			indent += len(l)
			labelled = true
			break
		}
	}
	// A column layout ("open    Title", "Alias:       x"): continue under
	// the second column, past a first word followed by two spaces or more.
	if sp := strings.Index(body, "  "); !labelled && sp > 0 && !strings.Contains(body[:sp], " ") {
		indent += sp + len(body[sp:]) - len(strings.TrimLeft(body[sp:], " "))
	}
	if indent > width/2 {
		indent = width / 2
	}
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	col := 0
	for i, word := range strings.Split(line, " ") {
		w := visibleWidth(word)
		switch {
		case i == 0:
			b.WriteString(word)
			col = w
		case col < indent || col+1+w <= width || col == indent:
			// still inside the leading spaces, or the word fits
			b.WriteByte(' ')
			b.WriteString(word)
			col += 1 + w
		default:
			b.WriteString("\n" + pad + word)
			col = indent + w
		}
	}
	return b.String()
}

// isCommandLine says whether a line is a command to copy and paste, which
// wrapping would break: "caronboard …", "$ …", "run:  …".
func isCommandLine(body string) bool {
	for _, p := range []string{"caronboard ", "$ ", "run:  ", "curl ", "openssl ", "keytool "} {
		if strings.HasPrefix(body, p) && !strings.HasPrefix(body, "caronboard: ") {
			return true
		}
	}
	return false
}

// visibleWidth counts the runes of s that take a column: ANSI colour
// escapes (ESC [ … m) take none.
func visibleWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j + 1
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}
