package csr

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeOrgNumber(t *testing.T) {
	cases := []struct {
		in, want   string
		wantReason string // substring; empty means accepted
		wantHint   string
	}{
		{in: "556677-8881", want: "556677-8881"},
		{in: "5566778881", want: "556677-8881"},
		{in: "559110-4806", want: "559110-4806"}, // Verisec Freja eID AB, from the Freja root certificate
		{in: "202100-5489", want: "202100-5489"}, // a public authority
		{in: "556677-8888", wantReason: "556677-8888 does not check out"},
		{in: "5566778888", wantReason: "556677-8888 does not check out"},
		{in: "556677-8880", wantReason: "556677-8880 does not check out", wantHint: "Bolagsverket"},
		{in: "556677-888", wantReason: "is not a Swedish organisationsnummer"},
		{in: "55667-78881", wantReason: "is not a Swedish organisationsnummer", wantHint: "write it as 556677-8881"},
		{in: "556677 8881", wantReason: "is not a Swedish organisationsnummer", wantHint: "write it as 556677-8881"},
		{in: "16556677-8881", wantReason: "is not a Swedish organisationsnummer", wantHint: "drop the leading 16"},
		{in: "SE556677888101", wantReason: "is not a Swedish organisationsnummer", wantHint: "VAT number"},
		{in: "", wantReason: "is not a Swedish organisationsnummer"},
		{in: "５５６６７７-８８８１", wantReason: "is not a Swedish organisationsnummer"}, // full-width digits
		{in: "556677–8881", wantReason: "is not a Swedish organisationsnummer"}, // en dash
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := NormalizeOrgNumber(tc.in)
			if tc.wantReason == "" {
				if err != nil || got != tc.want {
					t.Fatalf("NormalizeOrgNumber(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("NormalizeOrgNumber(%q) = %q, %v; want *FieldError", tc.in, got, err)
			}
			if fe.Field != "organizationIdentifier" || !strings.Contains(fe.Reason, tc.wantReason) {
				t.Errorf("got %s, want reason containing %q", fe, tc.wantReason)
			}
			if !strings.Contains(fe.Hint, tc.wantHint) || fe.Hint == "" {
				t.Errorf("hint %q, want it to contain %q", fe.Hint, tc.wantHint)
			}
		})
	}
}

func TestLuhnCheckDigit(t *testing.T) {
	for in, want := range map[string]byte{"556677888": '1', "559110480": '6', "000000000": '0', "212000014": '2'} {
		if got := luhnCheckDigit(in); got != want {
			t.Errorf("luhnCheckDigit(%s) = %c, want %c", in, got, want)
		}
	}
}

// A wrong check digit never leads to a suggested number: the number with the
// "right" last digit belongs to some other organisation.
func TestNormalizeOrgNumberSuggestsNoNumber(t *testing.T) {
	for _, in := range []string{"556677-8888", "556677-8880", "5591104807"} {
		_, err := NormalizeOrgNumber(in)
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Fatalf("%s: want *FieldError, got %v", in, err)
		}
		digits := strings.ReplaceAll(in, "-", "")
		for _, text := range []string{fe.Reason, fe.Hint} {
			for _, word := range strings.FieldsFunc(text, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '-') }) {
				if w := strings.ReplaceAll(word, "-", ""); len(w) >= 6 && w != digits {
					t.Errorf("%s: message names another number %q: %s", in, word, text)
				}
			}
		}
	}
}
