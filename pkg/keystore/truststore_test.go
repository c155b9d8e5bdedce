package keystore

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"strings"
	"testing"
)

func TestTrustStoreAliases(t *testing.T) {
	cert := func(cn string, org ...string) *x509.Certificate {
		return &x509.Certificate{Subject: pkix.Name{CommonName: cn, Organization: org}}
	}
	tests := []struct {
		name  string
		certs []*x509.Certificate
		want  []string
	}{
		{"common name", []*x509.Certificate{cert("Freja eID Root CA v1")}, []string{"freja-eid-root-ca-v1"}},
		{"punctuation runs", []*x509.Certificate{cert("  RSA -- Test / Root CA!! ")}, []string{"rsa-test-root-ca"}},
		{"accents", []*x509.Certificate{cert("Företag Åkerö CA")}, []string{"foretag-akero-ca"}},
		{"organisation when no CN", []*x509.Certificate{cert("", "E-fakturabolaget")}, []string{"e-fakturabolaget"}},
		{"nothing usable", []*x509.Certificate{cert("中文")}, []string{"ca"}},
		{"unique, case-insensitively", []*x509.Certificate{cert("Root CA"), cert("ROOT CA"), cert("root ca")}, []string{"root-ca", "root-ca-2", "root-ca-3"}},
		{"long names cut", []*x509.Certificate{cert(strings.Repeat("a", 100))}, []string{strings.Repeat("a", 64)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TrustStoreAliases(tt.certs)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTrustStoreRoundTrip(t *testing.T) {
	p := testPKI(t)
	cas := []*x509.Certificate{p.FrejaRoot.Cert, p.FrejaIssuing.Cert, p.CARCA.Cert}
	for _, tt := range []struct {
		name     string
		password string
		kind     P12Kind
	}{
		{"modern with a password", testP12Password, P12KindSealed},
		{"password-less", "", P12KindTrustStore},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data, err := EncodeTrustStore(cas, tt.password)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeTrustStore(data, tt.password)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(cas) {
				t.Fatalf("%d certificates, want %d", len(got), len(cas))
			}
			for i := range got {
				if !got[i].Equal(cas[i]) {
					t.Errorf("certificate %d differs", i)
				}
			}
			s, err := InspectPKCS12Kind(data)
			if err != nil || s.Kind != tt.kind {
				t.Errorf("kind %q (%v), want %q", s.Kind, err, tt.kind)
			}
			if tt.password != "" {
				if _, err := DecodeTrustStore(data, "wrong"); !errors.Is(err, ErrWrongPassphrase) {
					t.Errorf("wrong passphrase: got %v", err)
				}
				if !strings.HasPrefix(s.Info.CertEncryption, "PBES2 AES-256-CBC") || s.Info.MACAlgorithm != "HMAC-SHA256" {
					t.Errorf("not Modern2023: %+v", s.Info)
				}
			} else if s.FriendlyName != TrustStoreAliases(cas)[0] || s.VisibleCerts != 3 {
				t.Errorf("visible alias %q, %d certificates", s.FriendlyName, s.VisibleCerts)
			}
		})
	}
}

func TestTrustStoreRefusals(t *testing.T) {
	p := testPKI(t)
	if _, err := EncodeTrustStore([]*x509.Certificate{p.RP.Cert}, "x"); !errors.Is(err, ErrNotTrustStore) {
		t.Errorf("a client certificate in a trust store: got %v", err)
	}
	if _, err := EncodeTrustStore(nil, "x"); err == nil {
		t.Error("an empty trust store was built")
	}
	if _, err := EncodeTrustStore([]*x509.Certificate{p.FrejaRoot.Cert}, "pass 😀"); !errors.Is(err, ErrInvalidPassphrase) {
		t.Errorf("emoji passphrase: got %v", err)
	}
	keystore := encodeRP(t, P12Modern, "")
	if _, err := DecodeTrustStore(keystore, testP12Password); !errors.Is(err, ErrNotTrustStore) {
		t.Errorf("a keystore read as a trust store: got %v", err)
	}
	if s, err := InspectPKCS12Kind(keystore); err != nil || s.Kind != P12KindKeystore || s.FriendlyName != "Document signing service" {
		t.Errorf("keystore kind %+v, %v", s, err)
	}
	if _, err := DecodeTrustStore([]byte("not a PKCS#12 file"), ""); !errors.Is(err, ErrMalformedPKCS12) {
		t.Errorf("garbage: got %v", err)
	}
}

// TestKeytoolListsOurTrustStore proves that Java 17's keytool reads both
// forms as trustedCertEntry under our aliases.
func TestKeytoolListsOurTrustStore(t *testing.T) {
	requireTool(t, "keytool")
	p := testPKI(t)
	cas := []*x509.Certificate{p.FrejaRoot.Cert, p.CARCA.Cert}
	dir := t.TempDir()
	passFile := writeTestFile(t, dir, "pass.txt", []byte(testP12Password))
	for _, password := range []string{testP12Password, ""} {
		data, err := EncodeTrustStore(cas, password)
		if err != nil {
			t.Fatal(err)
		}
		path := writeTestFile(t, dir, "ts"+itoa(len(password))+".p12", data)
		args := []string{"-list", "-storetype", "PKCS12", "-keystore", path}
		if password != "" {
			args = append(args, "-storepass:file", passFile)
		} else {
			args = append(args, "-storepass", "anything") // no MAC: any password lists it
		}
		out, err := keytool(t, args...)
		if err != nil {
			t.Fatalf("keytool: %v\n%s", err, out)
		}
		for _, alias := range TrustStoreAliases(cas) {
			if !strings.Contains(out, alias+", ") || strings.Count(out, "trustedCertEntry") != 2 {
				t.Errorf("keytool does not list %s as trustedCertEntry:\n%s", alias, out)
			}
		}
	}
	// openssl reads the modern one too.
	data, err := EncodeTrustStore(cas, testP12Password)
	if err != nil {
		t.Fatal(err)
	}
	path := writeTestFile(t, dir, "modern.p12", data)
	out, err := openssl(t, "pkcs12", "-in", path, "-nokeys", "-passin", "file:"+passFile)
	if err != nil || strings.Count(out, "BEGIN CERTIFICATE") != 2 {
		t.Errorf("openssl pkcs12: %v\n%s", err, out)
	}
}
