package csr

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxFieldLength is the most characters (runes) a subject value may have:
// the RFC 5280 upper bound for O, OU and CN (ub-organization-name etc.).
const MaxFieldLength = 64

// frejaForbidden lists the characters Freja does not accept in O and OU, each
// with a hint that fixes it.
var frejaForbidden = map[rune]string{
	'<':  "drop it",
	'>':  "drop it",
	'~':  `use "-" or drop it`,
	'!':  "drop it",
	'@':  "drop it; an e-mail address does not belong in the organisation name",
	'#':  `write "nr" or drop it`,
	'$':  "drop it",
	'%':  `write "procent" or "percent", or drop it`,
	'^':  "drop it",
	'*':  "drop it",
	'/':  `use "-" or a space instead`,
	'\\': `use "-" or a space instead`,
	'(':  `drop the brackets: write "ACME Sverige AB" not "ACME (Sverige) AB"`,
	')':  `drop the brackets: write "ACME Sverige AB" not "ACME (Sverige) AB"`,
	'?':  "drop it",
	'.':  `drop it: write "AB" not "A.B."`,
	',':  `drop it or use a space: write "ACME AB" not "ACME, AB"`,
	'&':  `write "and" or drop it`,
}

// FrejaForbiddenChars returns the characters Freja does not accept in O and
// OU, in the order its documentation lists them.
func FrejaForbiddenChars() string { return `<>~!@#$%^*/\()?.,&` }

// ValidateField checks one subject field with exactly the rules and messages
// the subject constructors use, for validating input as it is typed. field is
// a name from Profile.Fields; the aliases "country", "orgId", "unit", "org",
// "commonName" (Freja) and "role", "orgCode" (CAR) are accepted too. An empty
// value is accepted for optional fields only.
//
// Freja's organizationIdentifier is checked as for the default country SE;
// use ValidateOrgID when another country has been chosen.
//
// A rejected value gives a *ValidationError holding every problem found.
func ValidateField(p Profile, field, value string) error {
	if !p.known() {
		return fmt.Errorf("%w %q: use one of %s", ErrUnknownProfile, string(p), profileList())
	}
	name, ok := canonicalField(p, field)
	if !ok {
		return fmt.Errorf("%w: the %s profile has no field %q (its fields are %s)",
			ErrInvalidSubject, p.DisplayName(), field, strings.Join(p.Fields(), ", "))
	}
	_, errs := checkField(p, name, value, "SE")
	return asValidationError(p, errs)
}

// ValidateOrgID checks a Freja organizationIdentifier for the given country
// (case does not matter): a Swedish organisationsnummer for SE, the common
// field rules otherwise. It returns nil or a *ValidationError.
func ValidateOrgID(country, value string) error {
	_, errs := checkField(Freja, "organizationIdentifier", value, strings.ToUpper(country))
	return asValidationError(Freja, errs)
}

func asValidationError(p Profile, errs []*FieldError) error {
	if len(errs) == 0 {
		return nil
	}
	return &ValidationError{Profile: p, Fields: errs}
}

// canonicalField maps a field name or alias to the profile's field name.
func canonicalField(p Profile, field string) (string, bool) {
	switch strings.ToLower(field) {
	case "c", "country", "countryname":
		return "C", true
	case "o", "org", "organization", "organizationname":
		return "O", true
	case "ou", "unit", "organizationalunitname":
		return "OU", true
	case "cn", "commonname", "common-name":
		return "CN", true
	case "role":
		return "OU", p == CAR
	case "orgcode", "org-code":
		return "CN", p == CAR
	case "organizationidentifier", "2.5.4.97", "orgid", "org-id", "oi":
		return "organizationIdentifier", p == Freja
	}
	return "", false
}

// checkField applies every rule of the profile to one field and returns the
// normalised value and all problems found. country is the normalised country
// of the same subject, used for Freja's organizationIdentifier.
func checkField(p Profile, name, value, country string) (string, []*FieldError) {
	if value == "" {
		if hint, required := requiredHint(p, name); required {
			return "", []*FieldError{{Field: name, Reason: "is required", Hint: hint}}
		}
		return "", nil
	}
	errs := commonChecks(name, value)
	clean := len(errs) == 0
	if p == Freja && (name == "O" || name == "OU") && utf8.ValidString(value) {
		errs = append(errs, forbiddenChars(name, value)...)
	}
	if !clean {
		return value, errs
	}
	norm, fe := value, (*FieldError)(nil)
	switch {
	case p == Freja && name == "C":
		norm, fe = normalizeCountry(value)
	case p == Freja && name == "organizationIdentifier" && country == "SE":
		var err error
		if norm, err = NormalizeOrgNumber(value); err != nil {
			fe = err.(*FieldError)
		}
	case p == CAR && name == "C" && value != CARCountry:
		fe = &FieldError{Field: name, Value: value,
			Reason: fmt.Sprintf("must be %q for CAR, not %q", CARCountry, value),
			Hint:   "CAR certificates always have C=SE"}
	case p == CAR && name == "O" && value != CAROrganization:
		fe = &FieldError{Field: name, Value: value,
			Reason: fmt.Sprintf("must be %q for CAR, not %q", CAROrganization, value),
			Hint:   "O is the CA's organisation; your organisation code goes in CN"}
	case p == CAR && name == "OU":
		fe = checkRole(value)
	}
	if fe != nil {
		errs = append(errs, fe)
	}
	return norm, errs
}

// requiredHint reports whether the field must be present and how to fill it.
func requiredHint(p Profile, name string) (string, bool) {
	switch {
	case p == Freja && name == "C":
		return "give the two-letter ISO code of the organisation's country, e.g. SE", true
	case p == Freja && name == "organizationIdentifier":
		return "give the organisation number from the company register, e.g. 556677-8881", true
	case p == Freja && name == "O":
		return "give the organisation's legal name, as registered, e.g. ACME AB", true
	case p == CAR && name == "C":
		return `CAR certificates always have C=SE`, true
	case p == CAR && name == "O":
		return `CAR certificates always have O=E-fakturabolaget`, true
	case p == CAR && name == "OU":
		return "give your role: one of " + strings.Join(CARRoles, ", "), true
	case p == CAR && name == "CN":
		return "give your organisation code as specified in the E-faktura rulebook", true
	}
	return "", false
}

func checkRole(v string) *FieldError {
	for _, r := range CARRoles {
		if v == r {
			return nil
		}
	}
	fe := &FieldError{Field: "OU", Value: v,
		Reason: fmt.Sprintf("%q is not a CAR role; the role must be one of %s", v, strings.Join(CARRoles, ", ")),
		Hint:   "use one of " + strings.Join(CARRoles, ", ") + " (lower case)"}
	for _, r := range CARRoles {
		if strings.EqualFold(v, r) {
			fe.Hint = fmt.Sprintf("write it in lower case: %q", r)
		}
	}
	return fe
}

// forbiddenChars reports the distinct characters Freja refuses in one
// field as a single problem: every character in the order it first appears,
// and each distinct hint once (the two brackets share one).
func forbiddenChars(name, v string) []*FieldError {
	var chars, hints []string
	seen := map[rune]bool{}
	seenHint := map[string]bool{}
	for _, r := range v {
		hint, bad := frejaForbidden[r]
		if !bad || seen[r] {
			continue
		}
		seen[r] = true
		chars = append(chars, fmt.Sprintf(`"%c"`, r))
		if !seenHint[hint] {
			seenHint[hint] = true
			hints = append(hints, hint)
		}
	}
	if len(chars) == 0 {
		return nil
	}
	return []*FieldError{{Field: name, Value: v,
		Reason: fmt.Sprintf(`contains %s, which Freja does not accept`, strings.Join(chars, ", ")),
		Hint:   strings.Join(hints, "; ")}}
}

// commonChecks applies the rules shared by every field of every profile to a
// non-empty value.
func commonChecks(name, v string) []*FieldError {
	mk := func(reason, hint string) *FieldError {
		return &FieldError{Field: name, Value: v, Reason: reason, Hint: hint}
	}
	if !utf8.ValidString(v) {
		return []*FieldError{mk("is not valid UTF-8", "type the value again, or save the file as UTF-8 text")}
	}
	var errs []*FieldError
	var nul, ctrl, bidi bool
	for _, r := range v {
		switch {
		case r == 0 && !nul:
			nul = true
			errs = append(errs, mk("contains a NUL character (U+0000)", "remove it; NUL can cut the name short in other programs"))
		case r != 0 && isControl(r) && !ctrl:
			ctrl = true
			errs = append(errs, mk("contains the control character "+runeName(r), "remove it; a field is one line of plain text"))
		case isBidiControl(r) && !bidi:
			bidi = true
			errs = append(errs, mk("contains the invisible bidirectional control "+runeName(r),
				"remove it; it makes the text display differently from what it is"))
		}
	}
	errs = append(errs, invisibleChecks(mk, v)...)
	if r, _ := utf8.DecodeRuneInString(v); isSpace(r) {
		errs = append(errs, mk("starts with "+spaceName(r), "remove the space at the start"))
	}
	if r, _ := utf8.DecodeLastRuneInString(v); isSpace(r) {
		errs = append(errs, mk("ends with "+spaceName(r), "remove the space at the end"))
	}
	if n := utf8.RuneCountInString(v); n > MaxFieldLength {
		errs = append(errs, mk(fmt.Sprintf("is %d characters long; the limit is %d", n, MaxFieldLength),
			fmt.Sprintf("shorten it to %d characters or fewer", MaxFieldLength)))
	}
	return errs
}

// isControl reports C0 and C1 control characters and DEL.
func isControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) }

// isBidiControl reports the invisible characters that steer bidirectional
// display, Unicode's Bidi_Control set: the embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069) and the marks (U+200E, U+200F, U+061C).
func isBidiControl(r rune) bool { return unicode.Is(unicode.Bidi_Control, r) }

// isSpace reports white space that is not also a control character.
func isSpace(r rune) bool { return unicode.IsSpace(r) && !isControl(r) }

func spaceName(r rune) string {
	if r == ' ' {
		return "a space"
	}
	return fmt.Sprintf("a space character (%U)", r)
}

var runeNames = map[rune]string{
	'\t': "tab", '\n': "line feed", '\r': "carriage return", 0x1b: "escape", 0x7f: "delete",
	0x202a: "LEFT-TO-RIGHT EMBEDDING", 0x202b: "RIGHT-TO-LEFT EMBEDDING", 0x202c: "POP DIRECTIONAL FORMATTING",
	0x202d: "LEFT-TO-RIGHT OVERRIDE", 0x202e: "RIGHT-TO-LEFT OVERRIDE", 0x2066: "LEFT-TO-RIGHT ISOLATE",
	0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE", 0x2069: "POP DIRECTIONAL ISOLATE",
	0x200e: "LEFT-TO-RIGHT MARK", 0x200f: "RIGHT-TO-LEFT MARK", 0x061c: "ARABIC LETTER MARK",
}

func runeName(r rune) string {
	if n, ok := runeNames[r]; ok {
		return fmt.Sprintf("%U (%s)", r, n)
	}
	return fmt.Sprintf("%U", r)
}
