package csr

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// ASN.1 string tags encoding/asn1 does not name.
const (
	tagVisibleString   = 26
	tagUniversalString = 28
)

// defaultTag is the string type OpenSSL 3 (string_mask utf8only) gives an
// attribute: its ASN1_STRING_TABLE entry where one exists, else UTF8String.
func defaultTag(oid asn1.ObjectIdentifier) int {
	switch AttributeName(oid) {
	case "C", "serialNumber", "dnQualifier", "jurisdictionC":
		return asn1.TagPrintableString
	case "emailAddress", "DC":
		return asn1.TagIA5String
	}
	return asn1.TagUTF8String
}

func isStringTag(tag int) bool {
	switch tag {
	case asn1.TagUTF8String, asn1.TagPrintableString, asn1.TagIA5String, asn1.TagNumericString,
		asn1.TagT61String, asn1.TagBMPString, tagVisibleString, tagUniversalString:
		return true
	}
	return false
}

// RDNSequence returns the subject as a pkix.RDNSequence whose values are
// asn1.RawValue carrying the exact string type, so that asn1.Marshal
// reproduces OpenSSL's encoding. (pkix.Name.FillFromRDNSequence expects
// plain strings and skips such values; to get a pkix.Name, marshal the
// sequence and let x509 or asn1 parse it.) A value that cannot be encoded with its tag
// falls back to UTF8String here; Marshal reports it as an error instead.
func (s Subject) RDNSequence() pkix.RDNSequence {
	seq, _ := s.rdnSequence(false)
	return seq
}

// Marshal returns the DER encoding of the subject as an X.509 Name: one SET
// per RDN, in order.
func (s Subject) Marshal() ([]byte, error) {
	seq, err := s.rdnSequence(true)
	if err != nil {
		return nil, err
	}
	der, err := asn1.Marshal(seq)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidSubject, err)
	}
	return der, nil
}

func (s Subject) rdnSequence(strict bool) (pkix.RDNSequence, error) {
	var seq pkix.RDNSequence
	for i, a := range s {
		if len(a.Type) < 2 {
			return nil, fmt.Errorf("%w: attribute %d has no type", ErrInvalidSubject, i+1)
		}
		v, err := encodeValue(a)
		if err != nil {
			if strict {
				return nil, err
			}
			v = asn1.RawValue{Tag: asn1.TagUTF8String, Bytes: []byte(a.Value)}
		}
		atv := pkix.AttributeTypeAndValue{Type: a.Type, Value: v}
		if a.SameRDN && len(seq) > 0 {
			seq[len(seq)-1] = append(seq[len(seq)-1], atv)
		} else {
			seq = append(seq, pkix.RelativeDistinguishedNameSET{atv})
		}
	}
	return seq, nil
}

// encodeValue encodes an attribute's value with its string type.
func encodeValue(a Attribute) (asn1.RawValue, error) {
	tag := a.Tag
	if tag == 0 {
		tag = defaultTag(a.Type)
	}
	v := a.Value
	bad := func(what string) (asn1.RawValue, error) {
		return asn1.RawValue{}, &FieldError{Field: AttributeName(a.Type), Value: v,
			Reason: "cannot be written as " + what, Hint: "use UTF8String (the default) for this value"}
	}
	ok := true
	var body []byte
	switch tag {
	case asn1.TagUTF8String:
		ok, body = utf8.ValidString(v), []byte(v)
	case asn1.TagPrintableString:
		ok, body = allBytes(v, isPrintableChar), []byte(v)
	case asn1.TagIA5String:
		ok, body = allBytes(v, func(c byte) bool { return c < 0x80 }), []byte(v)
	case asn1.TagNumericString:
		ok, body = allBytes(v, func(c byte) bool { return c == ' ' || (c >= '0' && c <= '9') }), []byte(v)
	case tagVisibleString:
		ok, body = allBytes(v, func(c byte) bool { return c >= 0x20 && c < 0x7f }), []byte(v)
	case asn1.TagT61String, asn1.TagBMPString, tagUniversalString:
		ok, body = encodeWide(tag, v)
	default:
		der, err := hex.DecodeString(strings.TrimPrefix(v, "#"))
		if !strings.HasPrefix(v, "#") || err != nil || !isSingleDER(der) {
			return bad(fmt.Sprintf("ASN.1 tag %d (expected #hex of its DER)", tag))
		}
		return asn1.RawValue{FullBytes: der}, nil
	}
	if !ok {
		return bad(tagName(tag))
	}
	return asn1.RawValue{Tag: tag, Bytes: body}, nil
}

func encodeWide(tag int, v string) (bool, []byte) {
	if !utf8.ValidString(v) {
		return false, nil
	}
	var out []byte
	for _, r := range v {
		switch {
		case tag == asn1.TagT61String && r <= 0xff:
			out = append(out, byte(r))
		case tag == asn1.TagBMPString && r <= 0xffff && !utf16.IsSurrogate(r):
			out = append(out, byte(r>>8), byte(r))
		case tag == tagUniversalString:
			out = append(out, byte(r>>24), byte(r>>16), byte(r>>8), byte(r))
		default:
			return false, nil
		}
	}
	return true, out
}

func isSingleDER(b []byte) bool {
	var rv asn1.RawValue
	rest, err := asn1.Unmarshal(b, &rv)
	return err == nil && len(rest) == 0
}

func allBytes(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// isPrintableChar reports the PrintableString alphabet, plus '*' and '&',
// which encoding/asn1 also accepts from real-world certificates.
func isPrintableChar(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		strings.IndexByte(" '()+,-./:=?*&", c) >= 0
}

func tagName(tag int) string {
	switch tag {
	case asn1.TagUTF8String:
		return "UTF8String"
	case asn1.TagPrintableString:
		return "PrintableString"
	case asn1.TagIA5String:
		return "IA5String"
	case asn1.TagNumericString:
		return "NumericString"
	case asn1.TagT61String:
		return "TeletexString"
	case asn1.TagBMPString:
		return "BMPString"
	case tagVisibleString:
		return "VisibleString"
	case tagUniversalString:
		return "UniversalString"
	}
	return fmt.Sprintf("ASN.1 tag %d", tag)
}
