package cmd

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// flagSuggestion returns " — did you mean --NAME?" for an "unknown flag:
// --X" error when one of the command's flags is close to X (cobra suggests
// commands, not flags), or "".
func flagSuggestion(c *cobra.Command, err error) string {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok || name == "" {
		return ""
	}
	name, _, _ = strings.Cut(name, "=")
	best, bestDist := "", maxSuggestDistance(name)+1
	visit := func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if d := levenshtein(name, f.Name); d < bestDist {
			best, bestDist = f.Name, d
		}
	}
	c.LocalFlags().VisitAll(visit)
	c.InheritedFlags().VisitAll(visit)
	if best == "" {
		return ""
	}
	return " — did you mean --" + best + "?"
}

// maxSuggestDistance is how many edits still make a name a likely typo:
// one for short names, two from five letters, three from nine.
func maxSuggestDistance(name string) int {
	switch n := len(name); {
	case n < 5:
		return 1
	case n < 9:
		return 2
	default:
		return 3
	}
}

// levenshtein is the edit distance (insertions, deletions, substitutions)
// between a and b, by bytes: flag names are ASCII.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
