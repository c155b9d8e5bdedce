package csr

import (
	"fmt"
	"strings"
)

// NormalizeOrgNumber checks a Swedish organisationsnummer and returns it in
// the form NNNNNN-NNNN. It accepts 10 digits written as NNNNNNNNNN or
// NNNNNN-NNNN; the last digit must be the Luhn check digit of the first
// nine. A rejected number gives a *FieldError for the field
// "organizationIdentifier" that says the number does not check out, without
// suggesting another number: the one with a "fixed" check digit belongs to
// some other organisation.
func NormalizeOrgNumber(s string) (string, error) {
	digits, ok := orgNumberDigits(s)
	if !ok {
		return "", &FieldError{Field: "organizationIdentifier", Value: s,
			Reason: fmt.Sprintf("%q is not a Swedish organisationsnummer, which is 10 digits written NNNNNN-NNNN", s),
			Hint:   orgNumberShapeHint(s)}
	}
	norm := digits[:6] + "-" + digits[6:]
	want := luhnCheckDigit(digits[:9])
	if digits[9] != want {
		// Never suggest a "corrected" number: changing the last digit gives
		// a number that checks out but belongs to some other organisation
		// (or none); the mistake may be in any digit.
		return "", &FieldError{Field: "organizationIdentifier", Value: s,
			Reason: fmt.Sprintf("%s does not check out: its last digit is not the Luhn check digit of the other nine", norm),
			Hint: "compare the number with Bolagsverket's register (bolagsverket.se) or your registration certificate; " +
				"a mistyped digit anywhere makes the check fail"}
	}
	return norm, nil
}

// orgNumberDigits returns the 10 digits of NNNNNNNNNN or NNNNNN-NNNN.
func orgNumberDigits(s string) (string, bool) {
	switch {
	case len(s) == 10 && allDigits(s):
		return s, true
	case len(s) == 11 && s[6] == '-' && allDigits(s[:6]) && allDigits(s[7:]):
		return s[:6] + s[7:], true
	}
	return "", false
}

// orgNumberShapeHint recognises the usual look-alikes of an organisationsnummer.
func orgNumberShapeHint(s string) string {
	compact := strings.NewReplacer("-", "", " ", "").Replace(s)
	up := strings.ToUpper(compact)
	switch {
	case len(compact) == 12 && allDigits(compact) && strings.HasPrefix(compact, "16"):
		return fmt.Sprintf("drop the leading 16: write %s-%s", compact[2:8], compact[8:])
	case len(compact) == 12 && allDigits(compact) && (strings.HasPrefix(compact, "19") || strings.HasPrefix(compact, "20")):
		return fmt.Sprintf("write the 10-digit form without the century: %s-%s", compact[2:8], compact[8:])
	case len(up) == 14 && strings.HasPrefix(up, "SE") && strings.HasSuffix(up, "01") && allDigits(up[2:]):
		return fmt.Sprintf("that is a VAT number; the organisationsnummer is the 10 digits inside it: %s-%s", up[2:8], up[8:12])
	case len(compact) == 10 && allDigits(compact):
		return fmt.Sprintf("write it as %s-%s", compact[:6], compact[6:])
	}
	return "write the 10 digits as NNNNNN-NNNN, e.g. 556677-8881"
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// luhnCheckDigit returns the Luhn (mod 10) check digit for a digit string,
// weighting the first digit by 2, as Swedish organisationsnummer do.
func luhnCheckDigit(digits string) byte {
	sum := 0
	for i := 0; i < len(digits); i++ {
		d := int(digits[i] - '0')
		if i%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}
