package verify

import (
	"crypto/x509"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/internal/testpki"
	"github.com/caronboard/caronboard/pkg/csr"
)

// want is the expected status (and optionally message fragments) of a check.
type want struct {
	status Status
	msg    []string
}

func TestCheckCertificate(t *testing.T) {
	p := loadPKI(t)
	rp, bank := p.RP, p.CARBank
	frejaCAs := shuffled(1, p.FrejaRoot.Cert, p.FrejaIssuing.Cert, p.FrejaIssuing.Cert, p.FrejaRoot.Cert, rp.Cert)
	rpCSR := makeCSR(t, rp, rp.Cert.RawSubject)
	bankCSR := makeCSR(t, bank, bank.Cert.RawSubject)
	allPass := map[string]want{}
	for _, id := range CheckIDs {
		allPass[id] = want{status: Pass}
	}
	tests := []struct {
		name string
		in   CertInput
		want map[string]want
		ok   bool
	}{
		{"good freja rp", CertInput{Leaf: rp.Cert, Others: frejaCAs, Roots: []*x509.Certificate{p.FrejaRoot.Cert},
			Key: rp.Key.Public(), Profile: csr.Freja, CSR: rpCSR, At: testpki.At}, allPass, true},
		{"good car bank", CertInput{Leaf: bank.Cert, Roots: []*x509.Certificate{p.CARCA.Cert},
			Key: bank.Key.Public(), Profile: csr.CAR, CSR: bankCSR, At: testpki.At}, allPass, true},
		{"private key accepted", CertInput{Leaf: rp.Cert, Key: rp.Key, At: testpki.At},
			map[string]want{CheckKeyMatch: {status: Pass}}, true},
		{"wrong key", CertInput{Leaf: rp.Cert, Key: bank.Key.Public(), At: testpki.At},
			map[string]want{CheckKeyMatch: {Fail, []string{"the key does not belong to this certificate"}}}, false},
		{"missing issuing CA", CertInput{Leaf: rp.Cert, Others: []*x509.Certificate{p.FrejaRoot.Cert}, Roots: []*x509.Certificate{p.FrejaRoot.Cert}, At: testpki.At},
			map[string]want{CheckChain: {Fail, []string{"no certificate for the issuer CN=Test Freja Issuing CA of the leaf"}}}, false},
		{"wrong root", CertInput{Leaf: rp.Cert, Others: frejaCAs, Roots: []*x509.Certificate{p.CARCA.Cert}, At: testpki.At},
			map[string]want{CheckChain: {Fail, []string{"ends at CN=Test Freja Root CA", "CN=Test CAR CA"}}}, false},
		{"expired: chain still judged", CertInput{Leaf: p.RPExpired.Cert, Others: frejaCAs, Roots: []*x509.Certificate{p.FrejaRoot.Cert}, Profile: csr.Freja, At: testpki.At},
			map[string]want{
				CheckValidity: {Fail, []string{"expired on 2021-01-01"}},
				CheckChain:    {Pass, []string{"CN=Expired → CN=Test Freja Issuing CA → CN=Test Freja Root CA"}},
				CheckSubject:  {status: Pass}, CheckClientAuth: {status: Pass},
			}, false},
		{"expires in 10 days", CertInput{Leaf: rp.Cert, Others: frejaCAs, Roots: []*x509.Certificate{p.FrejaRoot.Cert}, At: rp.Cert.NotAfter.Add(-10 * 24 * time.Hour)},
			map[string]want{CheckValidity: {Warn, []string{"expires in 10 days, on 2099-12-31"}}, CheckChain: {status: Pass}}, true},
		{"custom expiry warning", CertInput{Leaf: rp.Cert, At: rp.Cert.NotAfter.Add(-10 * 24 * time.Hour), ExpiryWarning: 5 * 24 * time.Hour},
			map[string]want{CheckValidity: {status: Pass}}, true},
		{"not yet valid", CertInput{Leaf: rp.Cert, At: rp.Cert.NotBefore.Add(-48 * time.Hour)},
			map[string]want{CheckValidity: {Fail, []string{"not valid yet", "in 2 days"}}}, false},
		{"no clientAuth", CertInput{Leaf: p.RPNoClientAuth.Cert, Others: frejaCAs, Roots: []*x509.Certificate{p.FrejaRoot.Cert}, At: testpki.At},
			map[string]want{CheckClientAuth: {Fail, []string{"emailProtection"}}, CheckChain: {status: Pass}}, false},
		{"car cert, freja profile", CertInput{Leaf: bank.Cert, Profile: csr.Freja, At: testpki.At},
			map[string]want{CheckSubject: {Fail, []string{"Freja", "organizationIdentifier is missing"}}, CheckKeySize: {status: Pass}}, false},
		{"freja cert, car profile", CertInput{Leaf: rp.Cert, Profile: csr.CAR, At: testpki.At},
			map[string]want{CheckKeySize: {Fail, []string{"2048", "4096"}}, CheckSubject: {Fail, []string{"CAR"}}}, false},
		{"no profile", CertInput{Leaf: rp.Cert, At: testpki.At},
			map[string]want{CheckKeySize: {Pass, []string{"RSA 2048-bit"}}, CheckSubject: {status: Skip},
				CheckKeyMatch: {status: Skip}, CheckCSRMatch: {status: Skip}, CheckChain: {status: Skip}}, true},
		{"no CA: chain skipped but shown", CertInput{Leaf: rp.Cert, Others: frejaCAs, At: testpki.At},
			map[string]want{CheckChain: {Skip, []string{"--ca"}}}, true},
		{"csr of another key", CertInput{Leaf: rp.Cert, CSR: makeCSR(t, bank, rp.Cert.RawSubject), At: testpki.At},
			map[string]want{CheckCSRMatch: {Fail, []string{"this certificate was not issued for that CSR"}}}, false},
		{"freja csr with another O", CertInput{Leaf: rp.Cert, Profile: csr.Freja, At: testpki.At,
			CSR: makeCSR(t, rp, frejaSubject(t, csr.FrejaInput{Country: "SE", OrgID: "5566778881", Org: "ACME Holding AB"}))},
			map[string]want{CheckCSRMatch: {Fail, []string{`O is "ACME AB" in the certificate but "ACME Holding AB" in the CSR`}}}, false},
		{"freja csr, orgnr without hyphen, profile detected", CertInput{Leaf: rp.Cert, At: testpki.At,
			CSR: makeCSR(t, rp, frejaSubject(t, csr.FrejaInput{Country: "SE", OrgID: "5566778881", Org: "ACME AB"}))},
			map[string]want{CheckCSRMatch: {Pass, []string{"organizationIdentifier and O"}}}, true},
		{"car csr with another role", CertInput{Leaf: bank.Cert, Profile: csr.CAR, At: testpki.At, CSR: makeCSR(t, bank, carSubject(t, "BANK01", "ctd"))},
			map[string]want{CheckCSRMatch: {Fail, []string{`OU is "bank" in the certificate but "ctd" in the CSR`}}}, false},
		{"car csr with another code", CertInput{Leaf: bank.Cert, Profile: csr.CAR, At: testpki.At, CSR: makeCSR(t, bank, carSubject(t, "BANK02", "bank"))},
			map[string]want{CheckCSRMatch: {Fail, []string{`CN is "BANK01"`}}}, false},
		{"no certificate", CertInput{At: testpki.At}, map[string]want{CheckChain: {status: Fail}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := CheckCertificate(tt.in)
			ids := make([]string, len(r.Checks))
			for i, c := range r.Checks {
				ids[i] = c.ID
			}
			if !slices.Equal(ids, CheckIDs) {
				t.Fatalf("checks %v, want %v", ids, CheckIDs)
			}
			for id, w := range tt.want {
				c, _ := r.Check(id)
				if c.Status != w.status {
					t.Errorf("%s: %s %q (hint %q), want %s", id, c.Status, c.Message, c.Hint, w.status)
				}
				for _, m := range w.msg {
					if !strings.Contains(c.Message, m) {
						t.Errorf("%s: message %q does not contain %q", id, c.Message, m)
					}
				}
				if c.Status != Pass && c.Hint == "" {
					t.Errorf("%s: %s without a hint", id, c.Status)
				}
			}
			if r.OK() != tt.ok {
				t.Errorf("OK() = %v, want %v; checks %+v", r.OK(), tt.ok, r.Checks)
			}
		})
	}
}

func carSubject(t testing.TB, code, role string) []byte {
	t.Helper()
	s, err := csr.NewCARSubject(csr.CARInput{OrgCode: code, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	der, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestReportDescribesCertificate(t *testing.T) {
	p := loadPKI(t)
	r := CheckCertificate(CertInput{Leaf: p.RP.Cert, Others: []*x509.Certificate{p.FrejaIssuing.Cert},
		Roots: []*x509.Certificate{p.FrejaRoot.Cert}, At: testpki.At})
	if r.Subject != "C=SE, organizationIdentifier=556677-8881, OU=Production, O=ACME AB, CN=Document signing service" {
		t.Errorf("Subject = %q", r.Subject)
	}
	if !strings.HasSuffix(r.Issuer, "CN=Test Freja Issuing CA") {
		t.Errorf("Issuer = %q", r.Issuer)
	}
	fp, _ := csr.PublicKeyFingerprint(p.RP.Key.Public())
	if r.PublicKeySHA256 != fp || r.KeyAlgorithm != "RSA" || r.KeyBits != 2048 {
		t.Errorf("key %s %d %s, want RSA 2048 %s", r.KeyAlgorithm, r.KeyBits, r.PublicKeySHA256, fp)
	}
	if r.Serial != strings.ToUpper(p.RP.Cert.SerialNumber.Text(16)) || !r.NotAfter.Equal(p.RP.Cert.NotAfter) {
		t.Errorf("serial %s, not after %v", r.Serial, r.NotAfter)
	}
	if len(r.Chain) != 3 || len(r.ChainSubjects) != 3 || !strings.HasSuffix(r.ChainSubjects[2], "CN=Test Freja Root CA") {
		t.Errorf("chain %q", r.ChainSubjects)
	}
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"id":"key_match","status":"skip"`, `"chain_subjects":[`, `"public_key_sha256":"`} {
		if !strings.Contains(string(out), s) {
			t.Errorf("JSON %s lacks %s", out, s)
		}
	}
}

func TestCheckCertificateCrafted(t *testing.T) {
	p := loadPKI(t)
	roots := []*x509.Certificate{p.FrejaRoot.Cert}
	others := []*x509.Certificate{p.FrejaIssuing.Cert}
	noEKU := issueCert(t, &x509.Certificate{KeyUsage: x509.KeyUsageDigitalSignature}, p.RP.Cert.RawSubject, p.RP.Key.Public(), p.FrejaIssuing)
	sha1 := issueCert(t, &x509.Certificate{SignatureAlgorithm: x509.SHA1WithRSA, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
		p.RP.Cert.RawSubject, p.RP.Key.Public(), p.FrejaIssuing)
	printable := issueCert(t, &x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
		printableSubject(t, p.RP.Cert.RawSubject), p.RP.Key.Public(), p.FrejaIssuing)

	tests := []struct {
		name string
		leaf *x509.Certificate
		want map[string]want
	}{
		{"no EKU", noEKU, map[string]want{CheckClientAuth: {Warn, []string{"no extended key usage"}}, CheckChain: {status: Pass}}},
		{"SHA-1", sha1, map[string]want{CheckSignatureAlgorithm: {Fail, []string{"SHA1-RSA"}}, CheckChain: {Fail, []string{"SHA1-RSA"}}}},
		{"PrintableString subject", printable, map[string]want{CheckSubject: {status: Pass}, CheckChain: {status: Pass}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := CheckCertificate(CertInput{Leaf: tt.leaf, Others: others, Roots: roots, Profile: csr.Freja, At: testpki.At})
			for id, w := range tt.want {
				c, _ := r.Check(id)
				if c.Status != w.status {
					t.Errorf("%s: %s %q, want %s", id, c.Status, c.Message, w.status)
				}
				for _, m := range w.msg {
					if !strings.Contains(c.Message, m) {
						t.Errorf("%s: message %q does not contain %q", id, c.Message, m)
					}
				}
			}
		})
	}
}

// printableSubject re-encodes a Name with every value as PrintableString,
// as some CAs do.
func printableSubject(t testing.TB, raw []byte) []byte {
	t.Helper()
	s, err := csr.ParseName(raw)
	if err != nil {
		t.Fatal(err)
	}
	for i := range s {
		s[i].Tag = 19 // PrintableString
	}
	der, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if lint := csr.LintSubject(der, csr.Freja); len(lint) == 0 {
		t.Fatal("a PrintableString subject should give lint warnings")
	}
	return der
}
