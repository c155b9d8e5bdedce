package testpki

import (
	"archive/zip"
	"bytes"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// WriteFiles writes NAME.pem (certificate) and NAME.key.pem (unencrypted
// PKCS#8 key) for every certificate, and rp-bundle.zip, the ZIP Freja partner
// support sends: the relying party's certificate and the CA certificates as
// .cer files (the root as DER, the others as PEM) and the chain .pem, in a folder.
func (p *PKI) WriteFiles(dir string) error {
	for _, c := range p.All() {
		keyDER, err := x509.MarshalPKCS8PrivateKey(c.Key)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, c.Name+".pem"), certPEM(c), 0o644); err != nil {
			return err
		}
		keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
		if err := os.WriteFile(filepath.Join(dir, c.Name+".key.pem"), keyPEM, 0o600); err != nil {
			return err
		}
	}
	z, err := p.FrejaBundle()
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "rp-bundle.zip"), z, 0o644)
}

func certPEM(c *Cert) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw})
}

// FrejaBundle returns the ZIP that Freja partner support sends.
func (p *PKI) FrejaBundle() ([]byte, error) {
	files := []struct {
		name string
		data []byte
	}{
		{"ACME AB/Freja eID Test Root.cer", p.FrejaRoot.Cert.Raw},
		{"ACME AB/Freja eID Test Issuing CA.cer", certPEM(p.FrejaIssuing)},
		{"ACME AB/Freja eID Test Certificates.pem", append(certPEM(p.FrejaIssuing), certPEM(p.FrejaRoot)...)},
		{"ACME AB/ACME AB.cer", certPEM(p.RP)},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: ValidFrom})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Load reads a PKI written by WriteFiles.
func Load(dir string) (*PKI, error) {
	p := &PKI{}
	dst := []**Cert{&p.FrejaRoot, &p.FrejaIssuing, &p.RP, &p.RPExpired, &p.RPNoClientAuth, &p.CARCA, &p.CARBank, &p.Server}
	names := []string{"freja-root", "freja-issuing", "rp", "rp-expired", "rp-noclientauth", "car-ca", "car-bank", "server"}
	for i, n := range names {
		pair, err := tls.LoadX509KeyPair(filepath.Join(dir, n+".pem"), filepath.Join(dir, n+".key.pem"))
		if err != nil {
			return nil, fmt.Errorf("testpki: %s: %w (regenerate with go run ./internal/testpki/gen testdata/pki)", n, err)
		}
		key, ok := pair.PrivateKey.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("testpki: %s: not an RSA key", n)
		}
		*dst[i] = &Cert{Name: n, Cert: pair.Leaf, Key: key}
	}
	return p, nil
}

// At is a time inside every long-lived certificate's validity.
var At = time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
