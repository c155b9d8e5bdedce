package csr

import (
	"fmt"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// invisibleNames names the invisible characters met most often in pasted
// text. Other characters are named by their category (invisibleKind).
var invisibleNames = map[rune]string{
	0x00ad: "SOFT HYPHEN", 0x034f: "COMBINING GRAPHEME JOINER", 0x180e: "MONGOLIAN VOWEL SEPARATOR",
	0x200b: "ZERO WIDTH SPACE", 0x200c: "ZERO WIDTH NON-JOINER", 0x200d: "ZERO WIDTH JOINER",
	0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR", 0x2060: "WORD JOINER",
	0x2061: "FUNCTION APPLICATION", 0x2062: "INVISIBLE TIMES", 0x2063: "INVISIBLE SEPARATOR",
	0x2064: "INVISIBLE PLUS", 0xfeff: "ZERO WIDTH NO-BREAK SPACE (byte order mark)",
	0xfff9: "INTERLINEAR ANNOTATION ANCHOR", 0xfffa: "INTERLINEAR ANNOTATION SEPARATOR",
	0xfffb: "INTERLINEAR ANNOTATION TERMINATOR",
}

// isNoncharacter reports Unicode's 66 noncharacters: U+FDD0–U+FDEF and the
// last two code points of every plane.
func isNoncharacter(r rune) bool {
	return (r >= 0xfdd0 && r <= 0xfdef) || (r >= 0 && r <= unicode.MaxRune && r&0xfffe == 0xfffe)
}

// invisibleKind reports whether r is a character no DN field may hold
// beyond the controls and bidirectional controls checked on their own —
// categories Cf (format), Zl, Zp, Co (private use) and the noncharacters —
// and describes its kind.
func invisibleKind(r rune) (string, bool) {
	switch {
	case unicode.Is(unicode.Cf, r):
		return "invisible format character", true
	case unicode.Is(unicode.Zl, r):
		return "line separator", true
	case unicode.Is(unicode.Zp, r):
		return "paragraph separator", true
	case unicode.Is(unicode.Co, r):
		return "private use character", true
	case isNoncharacter(r):
		return "noncharacter", true
	}
	return "", false
}

// invisibleName is the code point and name of r, or its category when the
// short table does not name it: "U+200B (ZERO WIDTH SPACE)", "U+E000 (private use)".
func invisibleName(r rune, kind string) string {
	if n, ok := invisibleNames[r]; ok {
		return fmt.Sprintf("%U (%s)", r, n)
	}
	switch kind {
	case "private use character":
		return fmt.Sprintf("%U (private use)", r)
	case "noncharacter":
		return fmt.Sprintf("%U (noncharacter)", r)
	}
	return fmt.Sprintf("%U (format character)", r)
}

// invisibleChecks reports each distinct invisible character in v (valid
// UTF-8) and, when there are none, a value that is not in Unicode
// normalisation form C: a CA compares names byte for byte, so "é" typed as
// e + U+0301 is not the "é" of the register.
func invisibleChecks(mk func(reason, hint string) *FieldError, v string) []*FieldError {
	var errs []*FieldError
	seen := map[rune]bool{}
	for _, r := range v {
		if isControl(r) || isBidiControl(r) || seen[r] {
			continue // reported by commonChecks
		}
		if kind, bad := invisibleKind(r); bad {
			seen[r] = true
			errs = append(errs, mk(fmt.Sprintf("contains the %s %s", kind, invisibleName(r, kind)),
				"remove it; it cannot be seen, and the CA would keep it in the name"))
		}
	}
	if len(errs) == 0 && !norm.NFC.IsNormalString(v) {
		nfc := norm.NFC.String(v)
		errs = append(errs, mk("is not in Unicode normalisation form NFC (it has combining marks that have a precomposed form)",
			fmt.Sprintf("write %q (the NFC form; it looks the same, but a CA compares bytes)", nfc)))
	}
	return errs
}
