// Package jwstest makes the test material of package jws: a test PKI with
// JWS signing certificates (valid, expired, not yet valid, weak, ECDSA, a
// CA), tokens signed any way a test or an attacker may want, and Freja-like
// payloads, including signature results with a nested user signature and an
// OCSP response. Tests use it directly; internal/jwsgen writes it to
// testdata/jws for the command-line tests.
package jwstest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// Fixed times the PKI is built around; tests pass these as "now" and as
// payload timestamps so nothing depends on the clock.
var (
	// Now is the "current time" tests pass in.
	Now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	// SignedAt is when the generated results were signed.
	SignedAt = time.Date(2025, 3, 14, 9, 26, 53, 589_000_000, time.UTC)
	// ExpiredSignedAt is within the expired certificate's validity.
	ExpiredSignedAt = time.Date(2016, 6, 1, 12, 0, 0, 0, time.UTC)
	// FutureSignedAt is a timestamp far in the future (within Signer's
	// validity), for future_timestamp.
	FutureSignedAt = time.Date(2090, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Cert is a certificate with its key.
type Cert struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	// X5T is the base64url SHA-1 of the certificate's DER.
	X5T string
}

// RSAKey returns the key as an RSA key (nil for the ECDSA certificate).
func (c *Cert) RSAKey() *rsa.PrivateKey { k, _ := c.Key.(*rsa.PrivateKey); return k }

// PEM returns the certificate as PEM.
func (c *Cert) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw})
}

// PKI is a root CA and the certificates it issued.
type PKI struct {
	Root *Cert
	// Signer is the JWS signing certificate, valid 2020 → 2099.
	Signer *Cert
	// Other is a second trusted signing certificate with its own key.
	Other *Cert
	// Expired was valid 2015 → 2018; NotYetValid is valid 2090 → 2099.
	Expired, NotYetValid *Cert
	// SameKey is a second certificate for Signer's key (a different x5t),
	// like Freja's test 2017 and 2020 certificates.
	SameKey *Cert
	// Attacker is a self-signed certificate nobody trusts.
	Attacker *Cert
	// Prod is a self-signed signing certificate whose subject and issuer
	// do not say Test, so it may be tagged freja-prod.
	Prod *Cert
	// Weak has a 1024-bit key; ECDSA an ECDSA key; OCSP is the responder.
	Weak, ECDSA, OCSP *Cert
}

// NewPKI makes the test PKI (fresh keys, fixed names and dates).
func NewPKI() (*PKI, error) {
	var p PKI
	var err error
	far := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	if p.Root, err = issue(nil, rsaKey(2048), "caronboard Test Root CA", time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), far, true); err != nil {
		return nil, err
	}
	mk := func(cn string, key crypto.Signer, from, to time.Time) *Cert {
		if err != nil {
			return nil
		}
		var c *Cert
		c, err = issue(p.Root, key, cn, from, to, false)
		return c
	}
	from := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	signerKey := rsaKey(2048)
	p.Signer = mk("caronboard Test JWS Signing", signerKey, from, far)
	p.SameKey = mk("caronboard Test JWS Signing (reissued)", signerKey, from.Add(time.Hour), far)
	p.Other = mk("caronboard Test JWS Signing Other", rsaKey(2048), from, far)
	p.Expired = mk("caronboard Test JWS Signing 2015", rsaKey(2048),
		time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC))
	p.NotYetValid = mk("caronboard Test JWS Signing 2090", rsaKey(2048), time.Date(2090, 1, 1, 0, 0, 0, 0, time.UTC), far)
	p.Weak = mk("caronboard Test JWS Signing weak", rsaKey(1024), from, far)
	p.OCSP = mk("caronboard Test OCSP Signing", rsaKey(2048), from, far)
	ec, ecErr := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if ecErr != nil {
		return nil, ecErr
	}
	p.ECDSA = mk("caronboard Test JWS Signing ECDSA", ec, from, far)
	if err != nil {
		return nil, err
	}
	if p.Attacker, err = issue(nil, rsaKey(2048), "caronboard Test JWS Signing", from, far, false); err != nil {
		return nil, err
	}
	if p.Prod, err = issueName(nil, rsaKey(2048), pkix.Name{Country: []string{"SE"}, Organization: []string{"caronboard"},
		CommonName: "caronboard JWS Signing Production"}, from, far, false); err != nil {
		return nil, err
	}
	return &p, nil
}

// rsaKey generates an RSA key or panics (only tests call this).
func rsaKey(bits int) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(fmt.Sprintf("jwstest: generating a %d-bit key: %v", bits, err))
	}
	return k
}

// issue makes a certificate signed by parent, or self-signed when parent is
// nil, with a random serial number.
func issue(parent *Cert, key crypto.Signer, cn string, from, to time.Time, ca bool) (*Cert, error) {
	return issueName(parent, key, pkix.Name{Country: []string{"SE"}, Organization: []string{"caronboard test"},
		OrganizationalUnit: []string{"Test"}, CommonName: cn}, from, to, ca)
}

// issueName is issue with a whole subject.
func issueName(parent *Cert, key crypto.Signer, subject pkix.Name, from, to time.Time, ca bool) (*Cert, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject,
		NotBefore:             from,
		NotAfter:              to,
		BasicConstraintsValid: true,
		IsCA:                  ca,
		KeyUsage:              x509.KeyUsageDigitalSignature,
	}
	if ca {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	}
	parentCert, parentKey := tmpl, key
	if parent != nil {
		parentCert, parentKey = parent.Cert, parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), parentKey)
	if err != nil {
		return nil, err
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	sum := sha1.Sum(der)
	return &Cert{Cert: c, Key: key, X5T: base64.RawURLEncoding.EncodeToString(sum[:])}, nil
}
