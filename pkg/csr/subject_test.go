package csr

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestNewFrejaSubject(t *testing.T) {
	s := mustFreja(t, FrejaInput{Country: "se", OrgID: "5566778881", Unit: "Production", Org: "ACME AB", CommonName: "Document signing service"})
	want := "C=SE, organizationIdentifier=556677-8881, OU=Production, O=ACME AB, CN=Document signing service"
	if got := s.String(); got != want {
		t.Errorf("String() = %q\nwant       %q", got, want)
	}
	tags := []int{asn1.TagPrintableString, asn1.TagUTF8String, asn1.TagUTF8String, asn1.TagUTF8String, asn1.TagUTF8String}
	for i, a := range s {
		if a.Tag != tags[i] || a.SameRDN {
			t.Errorf("attribute %d (%s): tag %d SameRDN %v", i, a.Name, a.Tag, a.SameRDN)
		}
	}
	if v, ok := s.Get("2.5.4.97"); !ok || v != "556677-8881" {
		t.Errorf("Get(2.5.4.97) = %q, %v", v, ok)
	}
	if v, ok := s.Get("organizationName"); !ok || v != "ACME AB" {
		t.Errorf("Get(organizationName) = %q, %v", v, ok)
	}
	if _, ok := s.Get("L"); ok {
		t.Errorf("Get(L) found a value")
	}

	minimal := mustFreja(t, FrejaInput{Country: "NO", OrgID: "923609016", Org: "Norsk Eksempel AS"})
	if got := minimal.String(); got != "C=NO, organizationIdentifier=923609016, O=Norsk Eksempel AS" {
		t.Errorf("optional fields left out: got %q", got)
	}
}

func TestNewFrejaSubjectCollectsEveryProblem(t *testing.T) {
	_, err := NewFrejaSubject(FrejaInput{Country: "XX", OrgID: " 1", Unit: "R&D", Org: "A.B. Company (Sweden)", CommonName: "ok\u202e"})
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("want *ValidationError, got %v", err)
	}
	fields := map[string]int{}
	for _, f := range verr.Fields {
		fields[f.Field]++
	}
	want := map[string]int{"C": 1, "organizationIdentifier": 1, "OU": 1, "O": 1, "CN": 1}
	for f, n := range want {
		if fields[f] != n {
			t.Errorf("%s: %d problems, want %d (all: %v)", f, fields[f], n, err)
		}
	}
	if verr.Profile != Freja || !errors.Is(err, ErrInvalidSubject) {
		t.Errorf("profile %q, Is(ErrInvalidSubject)=%v", verr.Profile, errors.Is(err, ErrInvalidSubject))
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "5 problems in the Freja subject: ") {
		t.Errorf("summary = %q", msg)
	}
	for f := range want {
		if !strings.Contains(msg, f+" ") {
			t.Errorf("summary does not name %s: %q", f, msg)
		}
	}
	if n := len(verr.Unwrap()); n != 5 {
		t.Errorf("Unwrap returned %d errors", n)
	}

	// The Luhn check applies when C is SE, whatever its case.
	_, err = NewFrejaSubject(FrejaInput{Country: "se", OrgID: "556677-8888", Org: "ACME AB"})
	if err == nil || !strings.HasPrefix(err.Error(), "organizationIdentifier 556677-8888 does not check out") {
		t.Errorf("got %v", err)
	}
	// An empty C is an error (the caller applies the default).
	if _, err = NewFrejaSubject(FrejaInput{OrgID: "556677-8881", Org: "ACME AB"}); err == nil || err.Error() != "C is required" {
		t.Errorf("empty C: got %v", err)
	}
}

func TestNewCARSubject(t *testing.T) {
	s, err := NewCARSubject(CARInput{OrgCode: "BANK01", Role: "bank"})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.String(); got != "C=SE, O=E-fakturabolaget, OU=bank, CN=BANK01" {
		t.Errorf("String() = %q", got)
	}
	_, err = NewCARSubject(CARInput{OrgCode: "", Role: "BANK"})
	var verr *ValidationError
	if !errors.As(err, &verr) || len(verr.Fields) != 2 || verr.Fields[0].Field != "OU" || verr.Fields[1].Field != "CN" {
		t.Fatalf("want OU and CN problems, got %v", err)
	}
	if verr.Fields[0].Hint != `write it in lower case: "bank"` {
		t.Errorf("hint = %q", verr.Fields[0].Hint)
	}
}

// The DER of OpenSSL 3's `-subj "/C=SE/2.5.4.97=556677-8881/OU=Production/O=ACME AB/CN=Document signing service"`.
const acmeNameHex = "306d310b30090603550406130253453114301206035504610c0b3535363637372d38383831" +
	"31133011060355040b0c0a50726f64756374696f6e3110300e060355040a0c0741434d45204142" +
	"3121301f06035504030c18446f63756d656e74207369676e696e672073657276696365"

func TestMarshalMatchesOpenSSL(t *testing.T) {
	der, err := mustFreja(t, acmeInput).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(der); got != acmeNameHex {
		t.Errorf("Marshal =\n%s\nwant\n%s", got, acmeNameHex)
	}
	// RDNSequence marshals the same way.
	seq := mustFreja(t, acmeInput).RDNSequence()
	if len(seq) != 5 || len(seq[0]) != 1 {
		t.Fatalf("RDNSequence shape: %v", seq)
	}
	der2, err := asn1.Marshal(seq)
	if err != nil || hex.EncodeToString(der2) != acmeNameHex {
		t.Errorf("asn1.Marshal(RDNSequence()) = %x, %v", der2, err)
	}
	// Go's own parser reads every field back.
	var rdns pkix.RDNSequence
	if _, err := asn1.Unmarshal(der, &rdns); err != nil {
		t.Fatal(err)
	}
	var name pkix.Name
	name.FillFromRDNSequence(&rdns)
	if name.Country[0] != "SE" || name.Organization[0] != "ACME AB" || name.OrganizationalUnit[0] != "Production" ||
		name.CommonName != "Document signing service" || len(name.Names) != 5 {
		t.Errorf("pkix.Name view: %+v", name)
	}
}

func TestMarshalStringTypes(t *testing.T) {
	cases := []struct {
		attr    Attribute
		wantErr bool
	}{
		{Attribute{Type: OIDOrganization, Value: "Åkesson", Tag: asn1.TagUTF8String}, false},
		{Attribute{Type: OIDOrganization, Value: "Åkesson", Tag: asn1.TagPrintableString}, true},
		{Attribute{Type: OIDOrganization, Value: "ACME AB", Tag: asn1.TagPrintableString}, false},
		{Attribute{Type: OIDOrganization, Value: "Åkesson", Tag: asn1.TagBMPString}, false},
		{Attribute{Type: OIDOrganization, Value: "Åkesson", Tag: asn1.TagT61String}, false},
		{Attribute{Type: OIDOrganization, Value: "😀", Tag: asn1.TagBMPString}, true},
		{Attribute{Type: OIDOrganization, Value: "x@y", Tag: asn1.TagIA5String}, false},
		{Attribute{Type: OIDOrganization, Value: "\xff", Tag: asn1.TagUTF8String}, true},
		{Attribute{Type: OIDOrganization, Value: "#020101", Tag: asn1.TagInteger}, false},
		{Attribute{Type: OIDOrganization, Value: "#zz", Tag: asn1.TagInteger}, true},
		{Attribute{Type: nil, Value: "x"}, true},
	}
	for _, tc := range cases {
		der, err := Subject{tc.attr}.Marshal()
		if (err != nil) != tc.wantErr {
			t.Errorf("%+v: err = %v, want error %v", tc.attr, err, tc.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		back, err := ParseName(der)
		if err != nil || len(back) != 1 || back[0].Value != tc.attr.Value || back[0].Tag != tc.attr.Tag {
			t.Errorf("%+v: round trip gave %+v, %v", tc.attr, back, err)
		}
	}
}
