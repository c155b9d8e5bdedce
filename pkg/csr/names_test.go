package csr

import (
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestParseNameRoundTrip(t *testing.T) {
	der, _ := hex.DecodeString(acmeNameHex)
	s, err := ParseName(der)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.String(); got != "C=SE, organizationIdentifier=556677-8881, OU=Production, O=ACME AB, CN=Document signing service" {
		t.Errorf("String() = %q", got)
	}
	if s[0].Tag != asn1.TagPrintableString || s[1].Tag != asn1.TagUTF8String || s[1].Name != "organizationIdentifier" {
		t.Errorf("tags or names lost: %+v", s[:2])
	}
	again, err := s.Marshal()
	if err != nil || hex.EncodeToString(again) != acmeNameHex {
		t.Errorf("re-marshal differs: %x, %v", again, err)
	}
	if FormatName(der) != s.String() {
		t.Errorf("FormatName differs from String")
	}
}

func TestSubjectStringNamesAndEscaping(t *testing.T) {
	a := func(name, v string) Attribute {
		oid, ok := AttributeType(name)
		if !ok {
			t.Fatalf("no OID for %s", name)
		}
		return Attribute{Type: oid, Value: v}
	}
	cases := []struct {
		subj Subject
		want string
	}{
		{Subject{a("C", "SE"), a("ST", "Stockholms län"), a("L", "Stockholm"), a("street", "Gatan 1"), a("postalCode", "111 22")},
			"C=SE, ST=Stockholms län, L=Stockholm, street=Gatan 1, postalCode=111 22"},
		{Subject{a("serialNumber", "123"), a("emailAddress", "a@b.se"), a("DC", "example"), a("UID", "u1"), a("title", "CTO"), a("GN", "Åsa"), a("SN", "Öst")},
			"serialNumber=123, emailAddress=a@b.se, DC=example, UID=u1, title=CTO, GN=Åsa, SN=Öst"},
		{Subject{{Type: asn1.ObjectIdentifier{1, 2, 3, 4}, Value: "x"}}, "1.2.3.4=x"},
		{Subject{a("CN", "a, b+c"), a("O", `q"\<>;`)}, `CN=a\, b\+c, O=q\"\\\<\>\;`},
		{Subject{a("CN", "#x"), a("O", " padded ")}, `CN=\#x, O=\ padded\ `},
		{Subject{a("CN", "evil\x1b[2J"), a("O", "AB\u202eCD"), a("OU", "bad\xffbyte")}, `CN=evil\1B[2J, O=AB\E2\80\AECD, OU=bad\FFbyte`},
		{Subject{a("OU", "Sales"), {Type: OIDCommonName, Value: "Ann", SameRDN: true}, a("O", "X")}, "OU=Sales+CN=Ann, O=X"},
		{Subject{}, ""},
	}
	for _, tc := range cases {
		if got := tc.subj.String(); got != tc.want {
			t.Errorf("String() = %q\nwant       %q", got, tc.want)
		}
	}
}

func TestAttributeType(t *testing.T) {
	for name, want := range map[string]string{
		"CN": "2.5.4.3", "commonName": "2.5.4.3", "cn": "2.5.4.3", "organizationIdentifier": "2.5.4.97",
		"OI": "2.5.4.97", "2.5.4.97": "2.5.4.97", "emailAddress": "1.2.840.113549.1.9.1", "1.3.6.1.4.1.99999": "1.3.6.1.4.1.99999",
	} {
		oid, ok := AttributeType(name)
		if !ok || oid.String() != want {
			t.Errorf("AttributeType(%q) = %v, %v; want %s", name, oid, ok, want)
		}
	}
	for _, bad := range []string{"", "X", "1", "3.1", "1.40", "1..2", "01.2", "1.2.a"} {
		if oid, ok := AttributeType(bad); ok {
			t.Errorf("AttributeType(%q) = %v, want no match", bad, oid)
		}
	}
}

func TestParseNameMultiValuedAndOddTypes(t *testing.T) {
	subj := Subject{
		{Type: OIDCountry, Value: "SE"},
		{Type: OIDCommonName, Value: "Ann"},
		{Type: OIDOrganizationalUnit, Value: "Sales", SameRDN: true},
		{Type: OIDOrganization, Value: "Åkesson", Tag: asn1.TagBMPString},
		{Type: OIDOrganization, Value: "Ö", Tag: tagUniversalString},
		{Type: OIDOrganization, Value: "Café", Tag: asn1.TagT61String},
		{Type: asn1.ObjectIdentifier{1, 2, 3}, Value: "#020105", Tag: asn1.TagInteger},
	}
	der, err := subj.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseName(der)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(subj) {
		t.Fatalf("got %d attributes", len(back))
	}
	for i := range subj {
		if back[i].Value != subj[i].Value || back[i].SameRDN != subj[i].SameRDN || back[i].Tag != defaultOr(subj[i]) {
			t.Errorf("attribute %d: got %+v, want %+v", i, back[i], subj[i])
		}
	}
	if got := back.String(); got != "C=SE, CN=Ann+OU=Sales, O=Åkesson, O=Ö, O=Café, 1.2.3=#020105" {
		t.Errorf("String() = %q", got)
	}
}

func TestMarshalSortsMultiValuedRDN(t *testing.T) {
	// DER orders the members of a SET by their encoding: CN (2.5.4.3) before OU (2.5.4.11).
	der, err := Subject{{Type: OIDOrganizationalUnit, Value: "Sales"}, {Type: OIDCommonName, Value: "Ann", SameRDN: true}}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if got := FormatName(der); got != "CN=Ann+OU=Sales" {
		t.Errorf("got %q", got)
	}
}

func defaultOr(a Attribute) int {
	if a.Tag == 0 {
		return defaultTag(a.Type)
	}
	return a.Tag
}

func TestParseNameRejects(t *testing.T) {
	good, _ := hex.DecodeString(acmeNameHex)
	cases := map[string][]byte{
		"empty input":    {},
		"trailing bytes": append(append([]byte{}, good...), 0x00),
		"not a sequence": {0x04, 0x01, 0x00},
		"truncated":      good[:len(good)-3],
		"empty RDN":      {0x30, 0x02, 0x31, 0x00},
		"bad UTF-8":      {0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x01, 0xff},
		"odd BMPString":  {0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x1e, 0x01, 0x41},
		"8-bit IA5":      {0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x16, 0x01, 0xc5},
	}
	for name, der := range cases {
		if _, err := ParseName(der); !errors.Is(err, ErrMalformedName) {
			t.Errorf("%s: err = %v, want ErrMalformedName", name, err)
		}
		if s := FormatName(der); !strings.HasPrefix(s, "(unreadable name") {
			t.Errorf("%s: FormatName = %q", name, s)
		}
	}
	if s, err := ParseName([]byte{0x30, 0x00}); err != nil || len(s) != 0 || s.String() != "" {
		t.Errorf("empty name: %v, %v", s, err)
	}
	long := FormatName(make([]byte, 100))
	if !strings.Contains(long, "100 bytes") || !strings.HasSuffix(long, "…)") {
		t.Errorf("FormatName of 100 bytes = %q", long)
	}
}
