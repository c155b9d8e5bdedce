package csr

import (
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// rawATV and rdnSET mirror pkix.AttributeTypeAndValue and
// pkix.RelativeDistinguishedNameSET but keep each value's tag. encoding/asn1
// treats a slice type whose name ends in "SET" as a SET OF.
type rawATV struct {
	Type  asn1.ObjectIdentifier
	Value asn1.RawValue
}

type rdnSET []rawATV

// ParseName decodes a DER X.509 Name (a CSR's RawSubject, a certificate's
// RawSubject or RawIssuer) into a Subject that keeps the order of the RDNs,
// the attribute names and each value's string type. Trailing bytes, an empty
// RDN, a string that is not valid for its type or DER that is not a Name give
// an error wrapping ErrMalformedName.
func ParseName(raw []byte) (Subject, error) {
	var seq []rdnSET
	rest, err := asn1.Unmarshal(raw, &seq)
	if err != nil {
		return nil, fmt.Errorf("%w: the data is not a DER-encoded name (%v)", ErrMalformedName, err)
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("%w: %d bytes follow the name", ErrMalformedName, len(rest))
	}
	s := Subject{}
	for i, rdn := range seq {
		if len(rdn) == 0 {
			return nil, fmt.Errorf("%w: RDN %d is empty", ErrMalformedName, i+1)
		}
		for j, atv := range rdn {
			v, tag, err := decodeValue(atv.Value)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %v", ErrMalformedName, AttributeName(atv.Type), err)
			}
			s = append(s, Attribute{Type: atv.Type, Name: AttributeName(atv.Type), Value: v, Tag: tag, SameRDN: j > 0})
		}
	}
	return s, nil
}

// FormatName prints a DER Name as Subject.String does. It never fails: data
// that is not a Name is described as such, with the start of its hex.
func FormatName(raw []byte) string {
	s, err := ParseName(raw)
	if err != nil {
		h := raw
		if len(h) > 32 {
			h = h[:32]
		}
		more := ""
		if len(raw) > len(h) {
			more = "…"
		}
		return fmt.Sprintf("(unreadable name, %d bytes: %s%s)", len(raw), hex.EncodeToString(h), more)
	}
	return s.String()
}

// decodeValue turns an attribute value into text and its tag. Values that
// are not strings become "#" and the hex of their DER, as in RFC 4514.
func decodeValue(rv asn1.RawValue) (string, int, error) {
	if rv.Class != asn1.ClassUniversal || rv.IsCompound {
		return "#" + hex.EncodeToString(rv.FullBytes), TagRaw, nil
	}
	if !isStringTag(rv.Tag) {
		return "#" + hex.EncodeToString(rv.FullBytes), rv.Tag, nil
	}
	b := rv.Bytes
	switch rv.Tag {
	case asn1.TagUTF8String:
		if !utf8.Valid(b) {
			return "", 0, fmt.Errorf("UTF8String is not valid UTF-8")
		}
		return string(b), rv.Tag, nil
	case asn1.TagT61String: // read as Latin-1, as most software does
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return string(r), rv.Tag, nil
	case asn1.TagBMPString:
		if len(b)%2 != 0 {
			return "", 0, fmt.Errorf("BMPString has an odd length")
		}
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
		return string(utf16.Decode(u)), rv.Tag, nil
	case tagUniversalString:
		if len(b)%4 != 0 {
			return "", 0, fmt.Errorf("UniversalString length is not a multiple of 4")
		}
		r := make([]rune, len(b)/4)
		for i := range r {
			r[i] = rune(uint32(b[4*i])<<24 | uint32(b[4*i+1])<<16 | uint32(b[4*i+2])<<8 | uint32(b[4*i+3]))
			if !utf8.ValidRune(r[i]) {
				return "", 0, fmt.Errorf("UniversalString holds an invalid character")
			}
		}
		return string(r), rv.Tag, nil
	}
	// PrintableString, IA5String, NumericString, VisibleString: ASCII.
	if !allBytes(string(b), func(c byte) bool { return c < 0x80 }) {
		return "", 0, fmt.Errorf("%s holds non-ASCII bytes", tagName(rv.Tag))
	}
	return string(b), rv.Tag, nil
}
