package csr

import (
	"errors"
	"strings"
	"testing"
)

type fieldCase struct {
	name    string
	profile Profile
	field   string
	value   string
	// wantErrs lists the expected FieldError.Error() texts (substrings), in
	// order; empty means the value is accepted.
	wantErrs []string
	wantHint string // substring of the first error's hint
}

func checkFieldCase(t *testing.T, tc fieldCase) {
	t.Helper()
	err := ValidateField(tc.profile, tc.field, tc.value)
	if len(tc.wantErrs) == 0 {
		if err != nil {
			t.Fatalf("ValidateField(%s, %s, %q) = %v, want nil", tc.profile, tc.field, tc.value, err)
		}
		return
	}
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("ValidateField(%s, %s, %q) = %v, want *ValidationError", tc.profile, tc.field, tc.value, err)
	}
	if !errors.Is(err, ErrInvalidSubject) {
		t.Errorf("error does not wrap ErrInvalidSubject")
	}
	if len(verr.Fields) != len(tc.wantErrs) {
		t.Fatalf("got %d problems, want %d: %v", len(verr.Fields), len(tc.wantErrs), err)
	}
	for i, want := range tc.wantErrs {
		if got := verr.Fields[i].Error(); !strings.Contains(got, want) {
			t.Errorf("problem %d = %q, want it to contain %q", i, got, want)
		}
		if verr.Fields[i].Hint == "" {
			t.Errorf("problem %d (%q) has no hint", i, verr.Fields[i].Error())
		}
	}
	if tc.wantHint != "" && !strings.Contains(verr.Fields[0].Hint, tc.wantHint) {
		t.Errorf("hint = %q, want it to contain %q", verr.Fields[0].Hint, tc.wantHint)
	}
}

func TestFrejaForbiddenCharacters(t *testing.T) {
	hints := map[rune]string{'&': `write "and" or drop it`, '.': `write "AB" not "A.B."`, '(': "brackets", ',': "space"}
	var cases []fieldCase
	for _, field := range []string{"O", "OU"} {
		for _, r := range FrejaForbiddenChars() {
			cases = append(cases, fieldCase{
				name:    field + " " + string(r),
				profile: Freja, field: field, value: "ACME" + string(r) + "Sverige",
				wantErrs: []string{field + ` contains "` + string(r) + `", which Freja does not accept`},
				wantHint: hints[r],
			})
		}
	}
	if len(cases) != 2*18 {
		t.Fatalf("expected 18 forbidden characters per field, got %d rows", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkFieldCase(t, tc) })
	}
}

func TestFieldRules(t *testing.T) {
	long64 := strings.Repeat("Å", 64)
	long65 := strings.Repeat("Å", 65)
	cases := []fieldCase{
		// Swedish and other letters are fine.
		{name: "swedish letters in O", profile: Freja, field: "O", value: "Åkesson Öberg AB"},
		{name: "swedish lower case in OU", profile: Freja, field: "OU", value: "Försäljning och utveckling"},
		{name: "accents in O", profile: Freja, field: "O", value: "Café Müller Señor AB"},
		{name: "hyphen and apostrophe allowed", profile: Freja, field: "O", value: "Hennes-Mauritz O'Brien AB"},
		{name: "CN may use forbidden O chars", profile: Freja, field: "CN", value: "Signing (test), v1.0"},
		{name: "64 characters", profile: Freja, field: "O", value: long64},
		{name: "65 characters", profile: Freja, field: "O", value: long65, wantErrs: []string{"O is 65 characters long; the limit is 64"}},
		{name: "65 characters CN", profile: Freja, field: "CN", value: long65, wantErrs: []string{"CN is 65 characters long"}},
		{name: "65 characters CAR code", profile: CAR, field: "CN", value: strings.Repeat("A", 65), wantErrs: []string{"CN is 65 characters long"}},
		// Common rules.
		{name: "tab", profile: Freja, field: "O", value: "ACME\tAB", wantErrs: []string{"O contains the control character U+0009 (tab)"}},
		{name: "newline", profile: Freja, field: "CN", value: "a\nb", wantErrs: []string{"CN contains the control character U+000A"}},
		{name: "escape", profile: CAR, field: "CN", value: "BANK\x1b[31m01", wantErrs: []string{"CN contains the control character U+001B (escape)"}},
		{name: "DEL", profile: Freja, field: "O", value: "ACME\x7fAB", wantErrs: []string{"U+007F"}},
		{name: "C1 control", profile: Freja, field: "O", value: "ACME\u0085AB", wantErrs: []string{"O contains the control character U+0085"}},
		{name: "NUL", profile: Freja, field: "O", value: "ACME\x00AB", wantErrs: []string{"O contains a NUL character (U+0000)"}},
		{name: "NUL in CAR code", profile: CAR, field: "orgCode", value: "BANK\x0001", wantErrs: []string{"CN contains a NUL character"}},
		{name: "RLO", profile: Freja, field: "O", value: "ACME \u202eBA", wantErrs: []string{"O contains the invisible bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE)"}},
		{name: "RLM", profile: Freja, field: "O", value: "ACME\u200fAB", wantErrs: []string{"O contains the invisible bidirectional control U+200F (RIGHT-TO-LEFT MARK)"}},
		{name: "ALM", profile: Freja, field: "CN", value: "x\u061cy", wantErrs: []string{"CN contains the invisible bidirectional control U+061C (ARABIC LETTER MARK)"}},
		{name: "isolate", profile: Freja, field: "CN", value: "x\u2067y", wantErrs: []string{"U+2067"}},
		{name: "invalid UTF-8", profile: Freja, field: "O", value: "ACME \xc5 AB", wantErrs: []string{"O is not valid UTF-8"}},
		{name: "latin-1 byte", profile: CAR, field: "CN", value: "\xe5", wantErrs: []string{"CN is not valid UTF-8"}},
		{name: "leading space", profile: Freja, field: "O", value: " ACME AB", wantErrs: []string{"O starts with a space"}},
		{name: "trailing space", profile: Freja, field: "OU", value: "Production ", wantErrs: []string{"OU ends with a space"}},
		{name: "both spaces", profile: Freja, field: "CN", value: " x ", wantErrs: []string{"starts with a space", "ends with a space"}},
		{name: "no-break space", profile: Freja, field: "O", value: "ACME AB\u00a0", wantErrs: []string{"ends with a space character (U+00A0)"}},
		{name: "inner space fine", profile: Freja, field: "O", value: "ACME  AB"},
		// Required and optional.
		{name: "O required", profile: Freja, field: "O", value: "", wantErrs: []string{"O is required"}},
		{name: "OU optional", profile: Freja, field: "OU", value: ""},
		{name: "CN optional", profile: Freja, field: "CN", value: ""},
		{name: "org id required", profile: Freja, field: "organizationIdentifier", value: "", wantErrs: []string{"organizationIdentifier is required"}},
		{name: "C required", profile: Freja, field: "C", value: "", wantErrs: []string{"C is required"}},
		// Country.
		{name: "SE", profile: Freja, field: "C", value: "SE"},
		{name: "lower case se", profile: Freja, field: "country", value: "se"},
		{name: "NO", profile: Freja, field: "C", value: "NO"},
		{name: "unassigned", profile: Freja, field: "C", value: "XX", wantErrs: []string{`C "XX" is not an ISO 3166-1 alpha-2 country code`}},
		{name: "UK", profile: Freja, field: "C", value: "UK", wantErrs: []string{"not an ISO 3166-1"}, wantHint: "GB"},
		{name: "three letters", profile: Freja, field: "C", value: "SWE", wantErrs: []string{"not an ISO 3166-1"}, wantHint: "SE"},
		{name: "digits", profile: Freja, field: "C", value: "46", wantErrs: []string{"not an ISO 3166-1"}},
		// Organisation number (default country SE).
		{name: "orgnr hyphen", profile: Freja, field: "organizationIdentifier", value: "556677-8881"},
		{name: "orgnr compact", profile: Freja, field: "orgId", value: "5566778881"},
		{name: "orgnr luhn", profile: Freja, field: "organizationIdentifier", value: "556677-8888",
			wantErrs: []string{"organizationIdentifier 556677-8888 does not check out"}, wantHint: "Bolagsverket"},
		{name: "orgnr short", profile: Freja, field: "organizationIdentifier", value: "55667788", wantErrs: []string{"is not a Swedish organisationsnummer"}},
		{name: "orgnr letters", profile: Freja, field: "organizationIdentifier", value: "55667A-8881", wantErrs: []string{"is not a Swedish organisationsnummer"}},
		// CAR.
		{name: "role bank", profile: CAR, field: "role", value: "bank"},
		{name: "role ctd", profile: CAR, field: "OU", value: "ctd"},
		{name: "role internal", profile: CAR, field: "OU", value: "internal"},
		{name: "role upper case", profile: CAR, field: "OU", value: "Bank", wantErrs: []string{`OU "Bank" is not a CAR role; the role must be one of bank, ctd, internal`}, wantHint: `"bank"`},
		{name: "role unknown", profile: CAR, field: "role", value: "partner", wantErrs: []string{"is not a CAR role"}, wantHint: "bank, ctd, internal"},
		{name: "role missing", profile: CAR, field: "role", value: "", wantErrs: []string{"OU is required"}, wantHint: "bank, ctd, internal"},
		{name: "org code", profile: CAR, field: "orgCode", value: "BANK01"},
		{name: "org code missing", profile: CAR, field: "CN", value: "", wantErrs: []string{"CN is required"}, wantHint: "rulebook"},
		{name: "CAR O fixed", profile: CAR, field: "O", value: "E-fakturabolaget"},
		{name: "CAR O other", profile: CAR, field: "O", value: "ACME AB", wantErrs: []string{`O must be "E-fakturabolaget" for CAR`}},
		{name: "CAR C fixed", profile: CAR, field: "C", value: "SE"},
		{name: "CAR C other", profile: CAR, field: "C", value: "NO", wantErrs: []string{`C must be "SE" for CAR`}},
		{name: "CAR allows & in code", profile: CAR, field: "CN", value: "A&B"},
		// Several problems in one value are all reported.
		{name: "many problems", profile: Freja, field: "O", value: " A.B. & Co\t" + long64,
			wantErrs: []string{"control character", "starts with a space", "is 75 characters long", `contains ".", "&", which`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkFieldCase(t, tc) })
	}
}

func TestValidateFieldUnknown(t *testing.T) {
	if err := ValidateField(Freja, "role", "bank"); err == nil || !errors.Is(err, ErrInvalidSubject) {
		t.Errorf("role is not a Freja field, got %v", err)
	}
	if err := ValidateField(CAR, "organizationIdentifier", "x"); err == nil {
		t.Errorf("organizationIdentifier is not a CAR field")
	}
	if err := ValidateField("acme", "O", "x"); !errors.Is(err, ErrUnknownProfile) {
		t.Errorf("unknown profile: got %v", err)
	}
}

func TestValidateOrgID(t *testing.T) {
	if err := ValidateOrgID("NO", "923609016"); err != nil {
		t.Errorf("a Norwegian number follows only the common rules, got %v", err)
	}
	if err := ValidateOrgID("se", "556677-8888"); err == nil || !strings.Contains(err.Error(), "does not check out") {
		t.Errorf("SE number with a bad check digit: got %v", err)
	}
	if err := ValidateOrgID("DK", " 12345678"); err == nil {
		t.Errorf("common rules apply to other countries")
	}
}

func TestFieldErrorShape(t *testing.T) {
	err := ValidateField(Freja, "O", "Smith & Sons AB")
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("errors.As(*FieldError) failed on %v", err)
	}
	want := FieldError{Field: "O", Value: "Smith & Sons AB", Reason: `contains "&", which Freja does not accept`, Hint: `write "and" or drop it`}
	if *fe != want {
		t.Errorf("got %+v\nwant %+v", *fe, want)
	}
	if fe.Error() != `O contains "&", which Freja does not accept` {
		t.Errorf("Error() = %q", fe.Error())
	}
	if !errors.Is(fe, ErrInvalidSubject) {
		t.Errorf("FieldError does not unwrap to ErrInvalidSubject")
	}
}

// The characters Freja refuses in one field are one problem, each hint once.
func TestForbiddenCharsMergedPerField(t *testing.T) {
	errs := forbiddenChars("O", "ACME (Sverige) (Norge) A.B.")
	if len(errs) != 1 {
		t.Fatalf("got %d problems, want 1: %v", len(errs), errs)
	}
	if want := `O contains "(", ")", ".", which Freja does not accept`; errs[0].Error() != want {
		t.Errorf("got %q, want %q", errs[0].Error(), want)
	}
	if n := strings.Count(errs[0].Hint, "drop the brackets"); n != 1 {
		t.Errorf("bracket hint appears %d times: %q", n, errs[0].Hint)
	}
	if forbiddenChars("O", "ACME AB") != nil {
		t.Error("a clean value has problems")
	}
}
