package cmd

import (
	"errors"
	"testing"
)

func TestLevenshtein(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"profle", "profile", 1}, {"prfoile", "profile", 2},
		{"kitten", "sitting", 3}, {"out", "out", 0}, {"force", "forse", 1},
	} {
		if got := levenshtein(tc.a, tc.b); got != tc.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestFlagSuggestion(t *testing.T) {
	root := NewRootCmd(&App{})
	csrCmd, _, err := root.Find([]string{"csr"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ err, want string }{
		{"unknown flag: --profle", " — did you mean --profile?"},
		{"unknown flag: --org-cod=X", " — did you mean --org-code?"},
		{"unknown flag: --quite", " — did you mean --quiet?"}, // a global flag
		{"unknown flag: --zzzzzzzz", ""},
		{"unknown shorthand flag: 'x' in -x", ""},
		{"unknown flag: --", ""},
	} {
		if got := flagSuggestion(csrCmd, errors.New(tc.err)); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.err, got, tc.want)
		}
	}
}
