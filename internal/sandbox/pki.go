package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"math/big"
	"path/filepath"
	"slices"

	"github.com/caronboard/caronboard/pkg/csr"
)

// The files of a sandbox folder (see the package documentation).
const (
	CAFile            = "ca.pem"
	CAKeyFile         = "ca.key.pem"
	ServerFile        = "server.pem"
	ServerKeyFile     = "server.key.pem"
	SignerRootFile    = "signer-root.pem"
	SignerRootKeyFile = "signer-root.key.pem"
	SignerFile        = "signer.pem"
	SignerKeyFile     = "signer.key.pem"
)

var files = []string{CAFile, CAKeyFile, ServerFile, ServerKeyFile, SignerRootFile, SignerRootKeyFile, SignerFile, SignerKeyFile}

// Files returns the names of every file of a sandbox folder.
func Files() []string { return slices.Clone(files) }

// Names of the sandbox certificates.
const (
	CACommonName = "caronboard sandbox CA"
	// CAOrganization is the CA's O: a neutral name, since the one CA issues
	// both CAR- and Freja-profile certificates (a Freja certificate issued
	// "by E-fakturabolaget" would look like neither).
	CAOrganization       = "caronboard sandbox"
	SignerRootCommonName = "caronboard sandbox JWS root"
	SignerCommonName     = "caronboard sandbox JWS signing"
	signerOrganization   = "caronboard sandbox"
)

// Sandbox is a loaded sandbox: its certificates, and the keys that sign
// with them (kept unexported: only the package signs).
type Sandbox struct {
	// Dir is the sandbox folder.
	Dir string
	// CA issues client certificates and the server certificate.
	CA *x509.Certificate
	// Server is the API server's certificate.
	Server *x509.Certificate
	// SignerRoot issued Signer, which signs results (JWS).
	SignerRoot, Signer *x509.Certificate
	// Warnings are things Load noticed that do not stop it, such as key
	// files that other users can read.
	Warnings []string

	caKey, serverKey, signerRootKey, signerKey *rsa.PrivateKey
}

// Path returns the path of one of the sandbox's files (CAFile, …).
func (s *Sandbox) Path(name string) string { return filepath.Join(s.Dir, name) }

// CAPool returns a pool holding the sandbox CA: what a client trusts the
// server with, and what the server trusts client certificates with.
func (s *Sandbox) CAPool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(s.CA)
	return p
}

// certPEM encodes a certificate as PEM.
func certPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// rawName encodes a subject given as name, value pairs ("C", "SE", …) in
// that order, with OpenSSL's string types (C PrintableString, the rest
// UTF8String).
func rawName(pairs ...string) ([]byte, error) {
	var s csr.Subject
	for i := 0; i+1 < len(pairs); i += 2 {
		oid, ok := csr.AttributeType(pairs[i])
		if !ok {
			return nil, fmt.Errorf("unknown attribute %q", pairs[i])
		}
		s = append(s, csr.Attribute{Type: oid, Name: csr.AttributeName(oid), Value: pairs[i+1]})
	}
	return s.Marshal()
}

// serialLimit bounds serial numbers to 63 bits, so they stay positive in
// every signed 64-bit reader.
var serialLimit = new(big.Int).Lsh(big.NewInt(1), 63)

// newSerial returns a random, non-zero 63-bit serial number.
func newSerial() (*big.Int, error) {
	for {
		n, err := rand.Int(rand.Reader, serialLimit)
		if err != nil {
			return nil, fmt.Errorf("making a serial number: %w", err)
		}
		if n.Sign() > 0 {
			return n, nil
		}
	}
}

// keyID is the subject key identifier of RFC 5280 4.2.1.2 method 1: the
// SHA-1 of the subjectPublicKey BIT STRING (for RSA, the PKCS#1 key).
func keyID(pub *rsa.PublicKey) []byte {
	sum := sha1.Sum(x509.MarshalPKCS1PublicKey(pub))
	return sum[:]
}

// issue signs tmpl for pub with the parent's key (self-signed when parent
// is nil) and parses the result.
func issue(tmpl, parent *x509.Certificate, pub *rsa.PublicKey, parentKey *rsa.PrivateKey) (*x509.Certificate, error) {
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	tmpl.SubjectKeyId = keyID(pub)
	tmpl.SignatureAlgorithm = x509.SHA256WithRSA
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, parentKey)
	if err != nil {
		return nil, fmt.Errorf("signing the certificate: %w", err)
	}
	return x509.ParseCertificate(der)
}

// keyMatches reports whether key is the private half of cert's key.
func keyMatches(cert *x509.Certificate, key *rsa.PrivateKey) bool {
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	return ok && key != nil && pub.Equal(&key.PublicKey)
}
