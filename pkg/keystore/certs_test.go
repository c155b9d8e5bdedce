package keystore

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/internal/testpki"
)

const pkiDir = "../../testdata/pki"

var (
	pkiOnce sync.Once
	pki     *testpki.PKI
	pkiErr  error
)

// testPKI loads the committed test PKI once.
func testPKI(t testing.TB) *testpki.PKI {
	t.Helper()
	pkiOnce.Do(func() { pki, pkiErr = testpki.Load(pkiDir) })
	if pkiErr != nil {
		t.Fatalf("loading the test PKI: %v", pkiErr)
	}
	return pki
}

// rpChain is the relying party's chain: leaf, issuing CA, root.
func rpChain(t testing.TB) []*x509.Certificate {
	p := testPKI(t)
	return []*x509.Certificate{p.RP.Cert, p.FrejaIssuing.Cert, p.FrejaRoot.Cert}
}

func certPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// checkPlainWords fails when an error message carries parser jargon.
func checkPlainWords(t testing.TB, err error) {
	t.Helper()
	msg := err.Error()
	for _, jargon := range []string{"asn1:", "structure error", "x509:", "pkcs12:", "zip:", "tags don't match"} {
		if strings.Contains(msg, jargon) {
			t.Errorf("error %q contains %q", msg, jargon)
		}
	}
}

func TestParseCertificates(t *testing.T) {
	p := testPKI(t)
	leaf, issuing, root := certPEM(p.RP.Cert), certPEM(p.FrejaIssuing.Cert), certPEM(p.FrejaRoot.Cert)
	keyPEM, err := os.ReadFile(filepath.Join(pkiDir, "rp.key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want []*x509.Certificate
		err  error
		msg  string
	}{
		{"one PEM", leaf, []*x509.Certificate{p.RP.Cert}, nil, ""},
		{"DER", p.FrejaRoot.Cert.Raw, []*x509.Certificate{p.FrejaRoot.Cert}, nil, ""},
		{"chain in file order", bytes.Join([][]byte{issuing, root}, nil), []*x509.Certificate{p.FrejaIssuing.Cert, p.FrejaRoot.Cert}, nil, ""},
		{"BOM and CRLF", bomCRLF(append(append([]byte{}, leaf...), issuing...)), []*x509.Certificate{p.RP.Cert, p.FrejaIssuing.Cert}, nil, ""},
		{"UTF-16", utf16LE(root), []*x509.Certificate{p.FrejaRoot.Cert}, nil, ""},
		{"text between blocks", []byte("subject=CN=leaf\n" + string(leaf) + "\nissuer: whoever\n  " + string(root) + "trailer\n"), []*x509.Certificate{p.RP.Cert, p.FrejaRoot.Cert}, nil, ""},
		{"key given instead", keyPEM, nil, ErrNotCertificate, "PRIVATE KEY"},
		{"certificate and key", append(append([]byte{}, leaf...), keyPEM...), nil, ErrNotCertificate, "--key"},
		{"CSR", csrFor(t, referenceKey(t, 2048)), nil, ErrNotCertificate, "CERTIFICATE REQUEST"},
		{"PKCS7 PEM", []byte("-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n"), nil, ErrNotCertificate, "openssl pkcs7"},
		{"DER key", pemBody(t, keyPEM), nil, ErrNotCertificate, "private key"},
		{"empty", []byte(" \n"), nil, ErrNotCertificate, "empty"},
		{"garbage", []byte("hello, this is not a certificate"), nil, ErrNotCertificate, "neither"},
		{"binary garbage", []byte{0xde, 0xad, 0xbe, 0xef}, nil, ErrNotCertificate, ""},
		{"truncated DER", p.RP.Cert.Raw[:len(p.RP.Cert.Raw)-10], nil, ErrMalformedCertificate, "damaged"},
		{"DER with a flipped byte", flip(p.RP.Cert.Raw, 4), nil, ErrMalformedCertificate, ""},
		{"cut PEM", leaf[:len(leaf)-40], nil, ErrMalformedCertificate, "incomplete"},
		{"second of two damaged", append(append([]byte{}, leaf...), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{0x30, 0x03, 0x02, 0x01, 0x01}})...), nil, ErrMalformedCertificate, "certificate 2 of 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCertificates(tt.data)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("got %v, want %v", err, tt.err)
				}
				if !strings.Contains(err.Error(), tt.msg) {
					t.Errorf("message %q does not mention %q", err, tt.msg)
				}
				checkPlainWords(t, err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d certificates, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if !got[i].Equal(tt.want[i]) {
					t.Errorf("certificate %d is %s", i, got[i].Subject)
				}
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte{}, b...)
	c[i] ^= 0xff
	return c
}

func TestReadCertificates(t *testing.T) {
	certs, err := ReadCertificates(filepath.Join(pkiDir, "freja-root.pem"))
	if err != nil || len(certs) != 1 || certs[0].Subject.CommonName != "Test Freja Root CA" {
		t.Fatalf("got %v, %v", certs, err)
	}
	key := filepath.Join(pkiDir, "rp.key.pem")
	if _, err := ReadCertificates(key); !errors.Is(err, ErrNotCertificate) || !strings.Contains(err.Error(), key) {
		t.Errorf("a key file: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "none.cer")
	if _, err := ReadCertificates(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
	big := writeTestFile(t, t.TempDir(), "big.pem", make([]byte, MaxInputSize+1))
	if _, err := ReadCertificates(big); !errors.Is(err, safefile.ErrTooLarge) {
		t.Errorf("a large file: %v", err)
	}
}
