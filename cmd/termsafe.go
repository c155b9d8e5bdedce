package cmd

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// termSafe makes text from a token safe to print on a terminal: control
// characters (escape sequences), and bidirectional overrides that could
// reorder what is shown, are written as \uXXXX. multiline keeps line breaks.
func termSafe(s string, multiline bool) string {
	ok := func(r rune) bool {
		if multiline && (r == '\n' || r == '\t') {
			return true
		}
		return !unicode.IsControl(r) && !unicode.Is(unicode.Bidi_Control, r) && r != utf8.RuneError
	}
	if strings.IndexFunc(s, func(r rune) bool { return !ok(r) }) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if ok(r) {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	}
	return b.String()
}
