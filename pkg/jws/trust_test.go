package jws

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"strings"
	"testing"
)

func TestX5T(t *testing.T) {
	sum := sha1.Sum(pki.Signer.Cert.Raw)
	if got, want := X5T(pki.Signer.Cert), base64.RawURLEncoding.EncodeToString(sum[:]); got != want || got != pki.Signer.X5T {
		t.Fatalf("X5T %s, want %s", got, want)
	}
}

func TestParseCertificates(t *testing.T) {
	two := append(pki.Signer.PEM(), pki.Other.PEM()...)
	crlf := bytes.ReplaceAll(two, []byte("\n"), []byte("\r\n"))
	withKey := append([]byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), pki.Signer.PEM()...)
	tests := []struct {
		name string
		data []byte
		n    int
		code string
	}{
		{"PEM", pki.Signer.PEM(), 1, ""},
		{"two PEM blocks", two, 2, ""},
		{"CRLF", crlf, 2, ""},
		{"BOM", append([]byte("\xef\xbb\xbf"), pki.Signer.PEM()...), 1, ""},
		{"text around PEM", append([]byte("subject=...\n"), pki.Signer.PEM()...), 1, ""},
		{"key block beside the certificate refused", withKey, 0, CodeBadCertificate},
		{"DER", pki.Signer.Cert.Raw, 1, ""},
		{"garbage", []byte("hello"), 0, CodeBadCertificate},
		{"PEM without certificate", []byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), 0, CodeBadCertificate},
		{"damaged PEM certificate", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), 0, CodeBadCertificate},
		{"empty", nil, 0, CodeBadCertificate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			certs, err := ParseCertificates(tt.data)
			if tt.code != "" {
				wantCode(t, err, tt.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(certs) != tt.n || X5T(certs[0]) != pki.Signer.X5T {
				t.Fatalf("got %d certificates", len(certs))
			}
		})
	}
}

func TestTrustStoreAdd(t *testing.T) {
	s := NewTrustStore()
	for _, tt := range []struct {
		name string
		data []byte
		code string
	}{
		{"root CA", pki.Root.PEM(), CodeCACertificate},
		{"ECDSA", pki.ECDSA.PEM(), CodeNotRSA},
		{"1024-bit", pki.Weak.PEM(), CodeWeakKey},
		{"good and CA together: nothing added", append(pki.Signer.PEM(), pki.Root.PEM()...), CodeCACertificate},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.AddBytes(tt.data, "", SourceUser)
			wantCode(t, err, tt.code)
			if s.Len() != 0 {
				t.Fatalf("%d certificates added", s.Len())
			}
		})
	}
	added, err := s.AddBytes(append(pki.Signer.PEM(), pki.Other.PEM()...), "", SourceUser)
	if err != nil || len(added) != 2 || s.Len() != 2 {
		t.Fatalf("added %d, %v", len(added), err)
	}
	again, err := s.Add(pki.Signer.Cert, EnvFrejaTest, SourceFlag)
	if err != nil || again != added[0] || again.Source != SourceUser || s.Len() != 2 {
		t.Fatalf("adding twice: %+v %v", again, err)
	}
	c, err := s.lookup(pki.Other.X5T, EnvAny, true)
	if err != nil || c.PublicKey().N.Cmp(pki.Other.RSAKey().N) != 0 {
		t.Fatalf("lookup: %v", err)
	}
	if !c.ValidAt(now) || c.ValidAt(mustTime("2019-01-01T00:00:00Z")) {
		t.Fatal("ValidAt")
	}
}

func TestEmbeddedTrust(t *testing.T) {
	s, err := EmbeddedTrust()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"HwMHK_gb3_iuNF1advMtlG0-fUs": EnvFrejaTest, // test JWS 2017
		"onjnxVgI3oUzWQMLciD7sQZ4mqM": EnvFrejaProd, // production JWS v1
		"sH80ooAuG89kS13l_R_OvML3WZA": EnvFrejaTest, // the documentation's example (its x5t is printed there)
	}
	if s.Len() != len(want) {
		t.Fatalf("%d embedded certificates, want %d", s.Len(), len(want))
	}
	for _, c := range s.Certificates() {
		if want[c.X5T] != c.Environment || c.Source != SourceEmbedded || c.Note == "" {
			t.Errorf("%s: environment %q source %q note %q", c.X5T, c.Environment, c.Source, c.Note)
		}
	}
	c, _ := s.Lookup("onjnxVgI3oUzWQMLciD7sQZ4mqM", EnvFrejaProd)
	if got := SubjectString(c.Certificate); !strings.HasPrefix(got, "CN=Freja eID JWS Signing v1, organizationIdentifier=559110-4806") {
		t.Errorf("subject %q", got)
	}
	if _, err := s.Lookup("onjnxVgI3oUzWQMLciD7sQZ4mqM", EnvFrejaTest); CodeOf(err) != CodeUnknownX5T {
		t.Errorf("production certificate found under freja-test: %v", err)
	}
}
