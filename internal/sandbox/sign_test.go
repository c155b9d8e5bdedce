package sandbox

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
)

func TestSignCAR(t *testing.T) {
	now := initNow.Add(time.Hour)
	cert, err := sb.Sign(carRequest(t, carKey, "bank", "BANK01"), csr.CAR, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := csr.FormatName(cert.RawSubject); got != "C=SE, O=E-fakturabolaget, OU=bank, CN=BANK01" {
		t.Errorf("subject %q", got)
	}
	subj, _ := csr.ParseName(cert.RawSubject)
	for _, a := range subj {
		want := asn1.TagUTF8String
		if a.Name == "C" {
			want = asn1.TagPrintableString
		}
		if a.Tag != want {
			t.Errorf("%s encoded with tag %d, want %d", a.Name, a.Tag, want)
		}
	}
	if findings := csr.LintSubject(cert.RawSubject, csr.CAR); len(findings) > 0 {
		t.Errorf("issued subject breaks the CAR rules: %v", findings)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: sb.CAPool(), CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("does not chain to ca.pem for clientAuth: %v", err)
	}
	if !slices.Equal(cert.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}) || cert.IsCA ||
		cert.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment {
		t.Errorf("usage: eku %v, ku %v, CA %v", cert.ExtKeyUsage, cert.KeyUsage, cert.IsCA)
	}
	if !cert.NotBefore.Equal(now.Add(-time.Minute)) || !cert.NotAfter.Equal(now.AddDate(1, 0, 0)) {
		t.Errorf("valid %v to %v, want one year from %v", cert.NotBefore, cert.NotAfter, now)
	}
	if cert.SerialNumber.Sign() <= 0 || cert.SerialNumber.BitLen() > 63 {
		t.Errorf("serial %v", cert.SerialNumber)
	}
	if len(cert.SubjectKeyId) == 0 || !bytes.Equal(cert.AuthorityKeyId, sb.CA.SubjectKeyId) {
		t.Errorf("key identifiers: subject %x, authority %x (CA %x)", cert.SubjectKeyId, cert.AuthorityKeyId, sb.CA.SubjectKeyId)
	}
}

func TestSignCARWritesFixedFields(t *testing.T) {
	// O as PrintableString is only a lint warning; the CA writes C and O
	// itself, with OpenSSL's string types.
	subj := csr.Subject{
		{Type: csr.OIDCountry, Name: "C", Value: "SE"},
		{Type: csr.OIDOrganization, Name: "O", Value: "E-fakturabolaget", Tag: asn1.TagPrintableString},
		{Type: csr.OIDOrganizationalUnit, Name: "OU", Value: "ctd"},
		{Type: csr.OIDCommonName, Name: "CN", Value: "CTD77"},
	}
	req := request(t, carKey, subj)
	if f := csr.Lint(req, csr.CAR); len(f) == 0 || csr.HasErrors(f) {
		t.Fatalf("want only warnings, got %v", f)
	}
	cert, err := sb.Sign(req, csr.CAR, initNow)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := rawName("C", "SE", "O", "E-fakturabolaget", "OU", "ctd", "CN", "CTD77")
	if !bytes.Equal(cert.RawSubject, want) || bytes.Equal(cert.RawSubject, req.RawSubject) {
		t.Errorf("subject %s not re-encoded by the CA", csr.FormatName(cert.RawSubject))
	}
}

func TestSignFrejaKeepsSubject(t *testing.T) {
	subj, err := csr.NewFrejaSubject(csr.FrejaInput{Country: "SE", OrgID: "5566778881", Unit: "Production", Org: "ACME AB", CommonName: "Document signing service"})
	if err != nil {
		t.Fatal(err)
	}
	req := request(t, smallKey, subj)
	cert, err := sb.Sign(req, csr.Freja, initNow)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(cert.RawSubject, req.RawSubject) {
		t.Errorf("subject %s, want %s", csr.FormatName(cert.RawSubject), csr.FormatName(req.RawSubject))
	}
}

func TestSignRejects(t *testing.T) {
	badRole := csr.Subject{
		{Type: csr.OIDCountry, Name: "C", Value: "SE"},
		{Type: csr.OIDOrganization, Name: "O", Value: "E-fakturabolaget"},
		{Type: csr.OIDOrganizationalUnit, Name: "OU", Value: "Bank"},
		{Type: csr.OIDCommonName, Name: "CN", Value: "BANK01"},
	}
	for _, tc := range []struct {
		name string
		req  *x509.CertificateRequest
	}{
		{"2048-bit key for CAR", carRequest(t, smallKey, "bank", "BANK01")},
		{"OU=Bank", request(t, carKey, badRole)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sb.Sign(tc.req, csr.CAR, initNow)
			var re *RejectedError
			if !errors.As(err, &re) || !errors.Is(err, ErrRejected) {
				t.Fatalf("Sign: %v, want *RejectedError", err)
			}
			lint := csr.Lint(tc.req, csr.CAR)
			if !slices.Equal(re.Findings, lint) {
				t.Errorf("findings %v, want csr.Lint's %v", re.Findings, lint)
			}
			for _, f := range re.Errors() {
				if !strings.Contains(err.Error(), f.Message) {
					t.Errorf("message %q lacks %q", err, f.Message)
				}
			}
		})
	}
}

func TestSignTampered(t *testing.T) {
	req := carRequest(t, carKey, "bank", "BANK01")
	der := bytes.Clone(req.Raw)
	der[len(der)-1] ^= 0xff // the last byte of the signature
	bad, err := x509.ParseCertificateRequest(der)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Sign(bad, csr.CAR, initNow); !errors.Is(err, csr.ErrBadSignature) {
		t.Fatalf("Sign(tampered): %v", err)
	}
}

func TestSignExpiredCA(t *testing.T) {
	if _, err := sb.Sign(carRequest(t, carKey, "bank", "BANK01"), csr.CAR, initNow.AddDate(11, 0, 0)); !errors.Is(err, ErrExpired) {
		t.Fatalf("Sign after the CA's end: %v", err)
	}
}
