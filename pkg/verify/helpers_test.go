package verify

import (
	"archive/zip"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/caronboard/caronboard/internal/testpki"
	"github.com/caronboard/caronboard/pkg/csr"
)

var (
	pkiOnce sync.Once
	pki     *testpki.PKI
	pkiErr  error
)

// loadPKI returns the test PKI from testdata/pki, read once.
func loadPKI(t testing.TB) *testpki.PKI {
	t.Helper()
	pkiOnce.Do(func() { pki, pkiErr = testpki.Load("../../testdata/pki") })
	if pkiErr != nil {
		t.Fatal(pkiErr)
	}
	return pki
}

// shuffled returns a shuffled copy, with a fixed seed per call site.
func shuffled(seed uint64, certs ...*x509.Certificate) []*x509.Certificate {
	out := append([]*x509.Certificate(nil), certs...)
	r := mrand.New(mrand.NewPCG(seed, seed))
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// issueCert signs tmpl for pub with the issuer's key; the subject is taken
// from subject (DER) and the serial set here.
func issueCert(t testing.TB, tmpl *x509.Certificate, subject []byte, pub crypto.PublicKey, issuer *testpki.Cert) *x509.Certificate {
	t.Helper()
	tmpl.SerialNumber = big.NewInt(time.Now().UnixNano())
	tmpl.RawSubject = subject
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore, tmpl.NotAfter = testpki.ValidFrom, testpki.ValidUntil
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer.Cert, pub, issuer.Key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// makeCSR signs a request for rawSubject with key.
func makeCSR(t testing.TB, c *testpki.Cert, rawSubject []byte) *x509.CertificateRequest {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{RawSubject: rawSubject}, c.Key)
	if err != nil {
		t.Fatal(err)
	}
	req, err := x509.ParseCertificateRequest(der)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// frejaSubject encodes a Freja subject, failing the test on invalid input.
func frejaSubject(t testing.TB, in csr.FrejaInput) []byte {
	t.Helper()
	s, err := csr.NewFrejaSubject(in)
	if err != nil {
		t.Fatal(err)
	}
	der, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// bundleCerts reads every certificate of the Freja ZIP in testdata/pki, PEM
// or DER, in file order.
func bundleCerts(t testing.TB) []*x509.Certificate {
	t.Helper()
	zr, err := zip.OpenReader("../../testdata/pki/rp-bundle.zip")
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var certs []*x509.Certificate
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if c, err := x509.ParseCertificate(data); err == nil {
			certs = append(certs, c)
			continue
		}
		for b, rest := pem.Decode(data); b != nil; b, rest = pem.Decode(rest) {
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			certs = append(certs, c)
		}
	}
	return certs
}
