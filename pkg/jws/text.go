package jws

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape makes text taken from a token or result safe to print: control
// characters (terminal escape sequences, line breaks), bidirectional
// controls such as U+202E that reorder what a terminal shows, and invalid
// UTF-8 are written as \uXXXX — the escaping 'caronboard jws decode' uses
// for everything it prints. Every message of an *Error built from token
// data goes through it.
func Escape(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !printable(r) }) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if printable(r) {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	}
	return b.String()
}

// Quote is Escape in double quotes, with quotes and backslashes inside
// escaped, for naming a value in a message.
func Quote(s string) string {
	return `"` + Escape(strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)) + `"`
}

func printable(r rune) bool {
	return !unicode.IsControl(r) && !unicode.Is(unicode.Bidi_Control, r) && r != utf8.RuneError
}
