package cmd

import "strings"

// shellWords joins arguments into one line a POSIX shell (sh, bash, zsh)
// splits back into exactly these arguments: the "equivalent command" lines
// demo, init, truststore and checklist print. See shellWord.
func shellWords(args []string) string {
	out := make([]string, len(args))
	for i, s := range args {
		out[i] = shellWord(s)
	}
	return strings.Join(out, " ")
}

// shellWord quotes one argument for a POSIX shell unless it holds only
// letters, digits and _ . / : = @ % + , - (and is not empty). Anything else
// (spaces, ; & | ( ) < > backticks, $, quotes, newlines, *, ?, ~, non-ASCII)
// is put in single quotes, inside which a shell interprets nothing; a single
// quote itself is written '\”.
func shellWord(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_./:=@%+,-", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
