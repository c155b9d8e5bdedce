package csr

import (
	"encoding/asn1"
	"fmt"
	"strings"
	"testing"
)

// invisibleCases are characters no DN field may hold, one or more of each
// category (Cf, Zl, Zp, Co, noncharacters), with the name the error gives.
var invisibleCases = []struct {
	r    rune
	want string
}{
	{0x200b, "U+200B (ZERO WIDTH SPACE)"},
	{0x2028, "U+2028 (LINE SEPARATOR)"},
	{0x2029, "U+2029 (PARAGRAPH SEPARATOR)"},
	{0x00ad, "U+00AD (SOFT HYPHEN)"},
	{0xfeff, "U+FEFF (ZERO WIDTH NO-BREAK SPACE"},
	{0x200d, "U+200D (ZERO WIDTH JOINER)"},
	{0x2060, "U+2060 (WORD JOINER)"},
	{0xe0041, "U+E0041 (format character)"}, // TAG LATIN CAPITAL LETTER A
	{0xe000, "U+E000 (private use)"},
	{0xf0000, "U+F0000 (private use)"},
	{0xfdd0, "U+FDD0 (noncharacter)"},
	{0xfffe, "U+FFFE (noncharacter)"},
	{0x1ffff, "U+1FFFF (noncharacter)"},
}

// fieldsOf is every DN field of each profile, with a valid value to put a
// character into.
var fieldsOf = []struct {
	p            Profile
	field, value string
}{
	{Freja, "C", "SE"}, {Freja, "organizationIdentifier", "556677-8881"}, {Freja, "O", "ACME AB"},
	{Freja, "OU", "Production"}, {Freja, "CN", "Signing"},
	{CAR, "C", "SE"}, {CAR, "O", "E-fakturabolaget"}, {CAR, "OU", "bank"}, {CAR, "CN", "BANK01"},
}

// insertMid puts r in the middle of v: inside the value, where it is hardest to see.
func insertMid(v string, r rune) string { return v[:len(v)/2] + string(r) + v[len(v)/2:] }

func TestInvisibleCharactersRefused(t *testing.T) {
	for _, f := range fieldsOf {
		for _, c := range invisibleCases {
			checkFieldCase(t, fieldCase{
				name: fmt.Sprintf("%s %s %U", f.p, f.field, c.r), profile: f.p, field: f.field,
				value: insertMid(f.value, c.r), wantErrs: []string{c.want},
				wantHint: "remove it",
			})
		}
	}
}

func TestNotNFCRefused(t *testing.T) {
	checkFieldCase(t, fieldCase{profile: Freja, field: "O", value: "Cafe\u0301 AB",
		wantErrs: []string{"O is not in Unicode normalisation form NFC"}, wantHint: `write "Café AB"`})
	checkFieldCase(t, fieldCase{profile: Freja, field: "O", value: "\u00c5ngström AB"}) // precomposed: NFC
}

// The same rules in lint (csr inspect) and in LintSubject (cert verify).
func TestLintInvisibleCharacters(t *testing.T) {
	U := asn1.TagUTF8String
	for _, c := range invisibleCases {
		o := insertMid("ACME AB", c.r)
		subj := []Attribute{attr("C", "SE", asn1.TagPrintableString), attr("2.5.4.97", "556677-8881", U), attr("O", o, U)}
		for name, fs := range map[string][]Finding{
			"Lint":        lintRaw(t, Freja, 2048, subj...),
			"LintSubject": LintSubject(rawName(t, subj...), Freja),
		} {
			f, ok := findingFor(fs, "O", c.want)
			if !ok || f.Severity != SeverityError || !strings.Contains(f.Hint, "remove it") {
				t.Errorf("%s %U: no error naming %q in %v", name, c.r, c.want, fs)
			}
		}
	}
	fs := LintSubject(rawName(t, attr("C", "SE", asn1.TagPrintableString), attr("2.5.4.97", "556677-8881", U), attr("O", "Cafe\u0301 AB", U)), Freja)
	if f, ok := findingFor(fs, "O", "not in Unicode normalisation form NFC"); !ok || !strings.Contains(f.Hint, `"Café AB"`) {
		t.Errorf("LintSubject: no NFC error in %v", fs)
	}
}
