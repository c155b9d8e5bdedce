package csr

import (
	"encoding/asn1"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// attrName pairs an attribute type with its short name (as OpenSSL prints
// it) and the other names it is known by.
type attrName struct {
	oid     asn1.ObjectIdentifier
	short   string
	aliases []string
}

// Common attribute OIDs.
var (
	OIDCountry                = asn1.ObjectIdentifier{2, 5, 4, 6}
	OIDOrganization           = asn1.ObjectIdentifier{2, 5, 4, 10}
	OIDOrganizationalUnit     = asn1.ObjectIdentifier{2, 5, 4, 11}
	OIDCommonName             = asn1.ObjectIdentifier{2, 5, 4, 3}
	OIDOrganizationIdentifier = asn1.ObjectIdentifier{2, 5, 4, 97}
)

var attrNames = []attrName{
	{OIDCountry, "C", []string{"countryName"}},
	{asn1.ObjectIdentifier{2, 5, 4, 8}, "ST", []string{"stateOrProvinceName", "S"}},
	{asn1.ObjectIdentifier{2, 5, 4, 7}, "L", []string{"localityName"}},
	{OIDOrganization, "O", []string{"organizationName"}},
	{OIDOrganizationalUnit, "OU", []string{"organizationalUnitName"}},
	{OIDCommonName, "CN", []string{"commonName"}},
	{OIDOrganizationIdentifier, "organizationIdentifier", []string{"OI", "orgId"}},
	{asn1.ObjectIdentifier{2, 5, 4, 5}, "serialNumber", nil},
	{asn1.ObjectIdentifier{2, 5, 4, 4}, "SN", []string{"surname"}},
	{asn1.ObjectIdentifier{2, 5, 4, 42}, "GN", []string{"givenName"}},
	{asn1.ObjectIdentifier{2, 5, 4, 43}, "initials", nil},
	{asn1.ObjectIdentifier{2, 5, 4, 44}, "generationQualifier", nil},
	{asn1.ObjectIdentifier{2, 5, 4, 12}, "title", nil},
	{asn1.ObjectIdentifier{2, 5, 4, 13}, "description", nil},
	{asn1.ObjectIdentifier{2, 5, 4, 9}, "street", []string{"streetAddress"}},
	{asn1.ObjectIdentifier{2, 5, 4, 17}, "postalCode", nil},
	{asn1.ObjectIdentifier{2, 5, 4, 15}, "businessCategory", nil},
	{asn1.ObjectIdentifier{2, 5, 4, 41}, "name", nil},
	{asn1.ObjectIdentifier{2, 5, 4, 46}, "dnQualifier", nil},
	{asn1.ObjectIdentifier{2, 5, 4, 65}, "pseudonym", nil},
	{asn1.ObjectIdentifier{2, 5, 4, 72}, "role", nil},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}, "emailAddress", []string{"E", "email"}},
	{asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 25}, "DC", []string{"domainComponent"}},
	{asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}, "UID", []string{"userId"}},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3}, "jurisdictionC", []string{"jurisdictionCountryName"}},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 2}, "jurisdictionST", []string{"jurisdictionStateOrProvinceName"}},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 1}, "jurisdictionL", []string{"jurisdictionLocalityName"}},
}

// AttributeName returns the short name of an attribute type ("C", "O",
// "organizationIdentifier", …) or its dotted form when it has none.
func AttributeName(oid asn1.ObjectIdentifier) string {
	for _, n := range attrNames {
		if n.oid.Equal(oid) {
			return n.short
		}
	}
	return oid.String()
}

// AttributeType returns the attribute type for a short name, a long name or
// a dotted OID ("CN", "commonName", "2.5.4.3"); names are matched without
// regard to case.
func AttributeType(name string) (asn1.ObjectIdentifier, bool) {
	for _, n := range attrNames {
		if strings.EqualFold(name, n.short) {
			return n.oid, true
		}
		for _, a := range n.aliases {
			if strings.EqualFold(name, a) {
				return n.oid, true
			}
		}
	}
	return parseDottedOID(name)
}

func parseDottedOID(s string) (asn1.ObjectIdentifier, bool) {
	parts := strings.Split(s, ".")
	if len(parts) < 2 {
		return nil, false
	}
	oid := make(asn1.ObjectIdentifier, len(parts))
	for i, p := range parts {
		if !allDigits(p) || len(p) > 9 || (len(p) > 1 && p[0] == '0') {
			return nil, false
		}
		for _, c := range p {
			oid[i] = oid[i]*10 + int(c-'0')
		}
	}
	if oid[0] > 2 || (oid[0] < 2 && oid[1] > 39) {
		return nil, false
	}
	return oid, true
}

// String prints the subject in order, one RDN after another, as
// "C=SE, organizationIdentifier=556677-8881, OU=Production, O=ACME AB".
// Attributes of a multi-valued RDN are joined with "+". Values are escaped as
// in RFC 4514 (",", "+", quotes, backslash, …), and control, bidirectional
// and other invisible characters are shown as \XX hex pairs, so a hostile
// name cannot disguise itself on a terminal.
func (s Subject) String() string {
	var b strings.Builder
	for i, a := range s {
		if i > 0 {
			if a.SameRDN {
				b.WriteByte('+')
			} else {
				b.WriteString(", ")
			}
		}
		name := a.Name
		if name == "" {
			name = AttributeName(a.Type)
		}
		b.WriteString(name)
		b.WriteByte('=')
		if isStringTag(a.Tag) || a.Tag == 0 {
			b.WriteString(escapeValue(a.Value))
		} else {
			b.WriteString(a.Value) // "#hex" of a non-string value
		}
	}
	return b.String()
}

// escapeValue escapes a value for printing, after RFC 4514.
func escapeValue(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); {
		r, size := utf8.DecodeRuneInString(v[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\%02X`, v[i])
		case strings.ContainsRune(`,+"\<>;`, r),
			(r == '#' || r == ' ') && i == 0,
			r == ' ' && i+size == len(v):
			b.WriteByte('\\')
			b.WriteRune(r)
		case isControl(r) || isBidiControl(r) || (!unicode.IsPrint(r) && r != ' '):
			for _, c := range []byte(v[i : i+size]) {
				fmt.Fprintf(&b, `\%02X`, c)
			}
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}
