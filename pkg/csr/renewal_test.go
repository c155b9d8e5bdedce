package csr

import (
	"bytes"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"testing"
)

func nameDER(t *testing.T, pairs ...any) []byte {
	t.Helper()
	var rdns pkix.RDNSequence
	for i := 0; i < len(pairs); i += 2 {
		rdns = append(rdns, pkix.RelativeDistinguishedNameSET{{Type: pairs[i].(asn1.ObjectIdentifier), Value: pairs[i+1]}})
	}
	b, err := asn1.Marshal(rdns)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRenewalSubject(t *testing.T) {
	frejaSubj, _ := NewFrejaSubject(FrejaInput{Country: "SE", OrgID: "556677-8881", Unit: "Production", Org: "ACME AB", CommonName: "Signing"})
	frejaDER, _ := frejaSubj.Marshal()
	carSubj, _ := NewCARSubject(CARInput{OrgCode: "BANK01", Role: "bank"})
	carDER, _ := carSubj.Marshal()
	cases := []struct {
		name    string
		raw     []byte
		p       Profile
		want    Profile
		same    bool     // the rebuilt subject is the certificate's byte for byte
		fields  []string // invalid fields, in order
		dropped int
		wantErr error
	}{
		{name: "freja canonical", raw: frejaDER, want: Freja, same: true},
		{name: "car canonical", raw: carDER, want: CAR, same: true},
		{name: "freja given", raw: frejaDER, p: Freja, want: Freja, same: true},
		{name: "freja other order", raw: nameDER(t, OIDCommonName, "Signing", OIDOrganizationIdentifier, "556677-8881", OIDOrganizationalUnit, "Production", OIDOrganization, "ACME AB", OIDCountry, "SE"), want: Freja},
		{name: "freja with L", raw: nameDER(t, OIDCountry, "SE", asn1.ObjectIdentifier{2, 5, 4, 7}, "Stockholm", OIDOrganizationIdentifier, "556677-8881", OIDOrganization, "ACME AB"), want: Freja, dropped: 1},
		{name: "freja forbidden and bad check digit", raw: nameDER(t, OIDCountry, "SE", OIDOrganizationIdentifier, "556677-8882", OIDOrganization, "ACME & Co."), want: Freja,
			fields: []string{"organizationIdentifier", "O"}}, // "&" and "." are one problem of O
		{name: "car bad role", raw: nameDER(t, OIDCountry, "SE", OIDOrganization, "E-fakturabolaget", OIDOrganizationalUnit, "broker", OIDCommonName, "X1"), want: CAR, fields: []string{"OU"}},
		{name: "two OUs", raw: nameDER(t, OIDCountry, "SE", OIDOrganizationIdentifier, "556677-8881", OIDOrganizationalUnit, "A", OIDOrganizationalUnit, "B", OIDOrganization, "ACME AB"), want: Freja, fields: []string{"OU"}},
		{name: "neither profile", raw: nameDER(t, OIDCommonName, "example.com"), wantErr: ErrUnknownProfile},
		{name: "not a name", raw: []byte{1, 2, 3}, wantErr: ErrMalformedName},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := NewRenewal(c.raw, c.p)
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("err %v, want %v", err, c.wantErr)
				}
				return
			}
			if err != nil || r.Profile != c.want || len(r.Dropped) != c.dropped {
				t.Fatalf("%+v %v", r, err)
			}
			s, err := r.Subject()
			if len(c.fields) > 0 {
				var ve *ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("want a ValidationError, got %v", err)
				}
				var got []string
				for _, f := range ve.Fields {
					got = append(got, f.Field)
					if f.Hint == "" {
						t.Errorf("%s has no hint", f.Field)
					}
				}
				if len(got) != len(c.fields) {
					t.Errorf("fields %v, want %v", got, c.fields)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			der, _ := s.Marshal()
			if c.same != bytes.Equal(der, c.raw) {
				t.Errorf("byte-identical %v, want %v", !c.same, c.same)
			}
		})
	}
}

// FuzzNewRenewal reads any bytes as a certificate's subject.
func FuzzNewRenewal(f *testing.F) {
	s, _ := NewFrejaSubject(FrejaInput{Country: "SE", OrgID: "556677-8881", Org: "ACME AB"})
	der, _ := s.Marshal()
	f.Add(der)
	c, _ := NewCARSubject(CARInput{OrgCode: "BANK01", Role: "bank"})
	der, _ = c.Marshal()
	f.Add(der)
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := NewRenewal(raw, "")
		if err != nil {
			return
		}
		if s, err := r.Subject(); err == nil {
			if _, err := s.Marshal(); err != nil {
				t.Fatalf("a valid renewal subject does not encode: %v", err)
			}
		}
	})
}
