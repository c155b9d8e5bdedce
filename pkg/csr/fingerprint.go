package csr

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"strings"
)

// PublicKeyFingerprint returns the SHA-256 digest of the key's
// SubjectPublicKeyInfo DER as upper-case hex pairs joined by ":", the form
// read aloud in CAR's manual verification step. It is the same value as
// `openssl pkey -pubout -outform DER | openssl dgst -sha256 -c` (upper-cased).
// A private key is accepted too; its public half is used.
func PublicKeyFingerprint(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(publicOf(pub))
	if err != nil {
		return "", fmt.Errorf("csr: fingerprint: %w", err)
	}
	sum := sha256.Sum256(der)
	var b strings.Builder
	for i, c := range sum {
		if i > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%02X", c)
	}
	return b.String(), nil
}

// KeyDescription names the key's algorithm and size: ("RSA", 4096),
// ("ECDSA", 256), ("Ed25519", 256). A nil key gives ("", 0); a key of
// another type gives its Go type name and 0. A private key is described by
// its public half.
func KeyDescription(pub crypto.PublicKey) (alg string, bits int) {
	switch k := publicOf(pub).(type) {
	case nil:
		return "", 0
	case *rsa.PublicKey:
		if k == nil || k.N == nil {
			return "", 0
		}
		return "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		if k == nil || k.Curve == nil {
			return "", 0
		}
		return "ECDSA", k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return "Ed25519", 256
	default:
		return fmt.Sprintf("%T", k), 0
	}
}

// publicOf returns the public half of a private key, or pub unchanged.
func publicOf(pub crypto.PublicKey) crypto.PublicKey {
	switch k := pub.(type) {
	case rsa.PublicKey:
		return &k
	case ecdsa.PublicKey:
		return &k
	case *rsa.PrivateKey:
		if k == nil {
			return nil
		}
		return &k.PublicKey
	case *ecdsa.PrivateKey:
		if k == nil {
			return nil
		}
		return &k.PublicKey
	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return nil
		}
		return k.Public()
	}
	return pub
}
