package verify

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/caronboard/caronboard/pkg/keystore"
)

// Sentinel errors. Every error of this package caused by its input wraps one
// of them.
var (
	// ErrChain means no chain builds from a certificate to a trusted CA.
	ErrChain = errors.New("the certificate chain does not build")
	// ErrNoLeaf means no certificate in a set belongs to the key.
	ErrNoLeaf = errors.New("no certificate belongs to the key")
)

// ChainError says why no chain builds from a certificate to a trusted CA:
// which certificate is missing or wrong, and what to add or change.
type ChainError struct {
	// Reason says what is wrong, e.g. `no certificate for the issuer
	// CN=Test Freja Issuing CA of the leaf`.
	Reason string
	// Fix says how to fix it, e.g. "add the issuing CA's .cer" (returned
	// by Hint).
	Fix string
	// Cert is the certificate whose issuer is missing or wrong, when there
	// is one.
	Cert *x509.Certificate
	// Missing is the subject of the certificate that is missing, when one
	// is (printed as package csr prints names).
	Missing string
	// Err is the underlying x509 error, if any.
	Err error
}

// Error returns the reason.
func (e *ChainError) Error() string { return e.Reason }

// Hint says how to fix it.
func (e *ChainError) Hint() string { return e.Fix }

// Unwrap returns ErrChain and the underlying error, if any.
func (e *ChainError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrChain}
	}
	return []error{ErrChain, e.Err}
}

// KeyMismatchError says that a private key does not belong to a certificate,
// with both public-key fingerprints so the user can tell which files differ.
type KeyMismatchError struct {
	// CertSubject is the certificate's subject.
	CertSubject string
	// CertKeySHA256 and KeySHA256 are the SHA-256 fingerprints of the
	// certificate's public key and of the key's public half (as
	// csr.PublicKeyFingerprint writes them); empty when not computable.
	CertKeySHA256, KeySHA256 string
}

// Error returns a one-line description.
func (e *KeyMismatchError) Error() string {
	return fmt.Sprintf("the key does not belong to the certificate %s", e.CertSubject)
}

// Hint says how to fix it.
func (e *KeyMismatchError) Hint() string { return keyMismatchHint }

// Unwrap returns keystore.ErrKeyMismatch, the one sentinel for a key that
// does not belong to its certificate, whichever package finds it.
func (e *KeyMismatchError) Unwrap() error { return keystore.ErrKeyMismatch }

const keyMismatchHint = "the key (--key) is not the one the certificate (--cert) was issued for: " +
	"give the key the CSR was made with, or the certificate the CA issued for this key"

// NoLeafError says that none of a set of certificates belongs to a key, and
// lists the certificates that were there.
type NoLeafError struct {
	// Subjects lists the subjects of the certificates looked at, in order,
	// without duplicates.
	Subjects []string
}

// Error lists the subjects.
func (e *NoLeafError) Error() string {
	if len(e.Subjects) == 0 {
		return "no certificates were given to look for the key's certificate in"
	}
	return fmt.Sprintf("none of the %d certificates belongs to the key: %s",
		len(e.Subjects), strings.Join(e.Subjects, "; "))
}

// Hint says how to fix it.
func (e *NoLeafError) Hint() string {
	if len(e.Subjects) == 0 {
		return "give the certificate the CA issued (its .cer or the bundle ZIP)"
	}
	return "give the key the CSR was made with (--key), or add the certificate the CA issued for this key"
}

// Unwrap returns ErrNoLeaf.
func (e *NoLeafError) Unwrap() error { return ErrNoLeaf }
