package jws

import (
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"fmt"
	"sort"
	"time"

	"github.com/caronboard/caronboard/pkg/keystore"
)

// Environments a trusted certificate can be tagged with. "" means the
// certificate belongs to no particular environment (the user's own store
// and --cert).
const (
	EnvFrejaTest = "freja-test"
	EnvFrejaProd = "freja-prod"
)

// Sources a trusted certificate can come from.
const (
	SourceEmbedded = "embedded" // compiled into the binary
	SourceUser     = "user"     // the user's trust store in the config folder
	SourceFlag     = "flag"     // --cert on the command line
)

// MinRSABits is the smallest RSA key accepted for a signing certificate.
const MinRSABits = 2048

// TrustedCert is a certificate trusted to sign results, with where it came
// from. Its RSA key is extracted once, when it is added.
type TrustedCert struct {
	Certificate *x509.Certificate
	// X5T is the base64url SHA-1 of the certificate's DER: what a token's
	// x5t header must equal.
	X5T         string
	Environment string
	Source      string
	// Note says what the certificate is, when that is not obvious (e.g. the
	// example certificate of Freja's documentation).
	Note string

	key *rsa.PublicKey
}

// PublicKey returns the certificate's RSA key.
func (c *TrustedCert) PublicKey() *rsa.PublicKey { return c.key }

// ValidAt reports whether t is within the certificate's validity period.
func (c *TrustedCert) ValidAt(t time.Time) bool {
	return !t.Before(c.Certificate.NotBefore) && !t.After(c.Certificate.NotAfter)
}

// TrustStore holds the certificates trusted to sign results, looked up by
// x5t. Build it with Add before use; once built it may be read from many
// goroutines at once, but Add must not run concurrently with anything.
type TrustStore struct {
	certs []*TrustedCert
	byX5T map[string]*TrustedCert
}

// NewTrustStore returns an empty trust store.
func NewTrustStore() *TrustStore {
	return &TrustStore{byX5T: make(map[string]*TrustedCert)}
}

// X5T returns the base64url (no padding) SHA-1 of the certificate's DER,
// the value a JWS x5t header carries.
func X5T(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw)
	return b64.EncodeToString(sum[:])
}

// CheckSigningCertificate applies the rules for a certificate that may sign
// results: an RSA key of at least MinRSABits bits and not a CA certificate.
// The CLI calls it before storing a certificate with 'jws trust add'.
func CheckSigningCertificate(cert *x509.Certificate) error {
	key, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return newErr(CodeNotRSA, "Freja signs results with RSA keys: give the JWS signing certificate", nil,
			"the certificate %s has a %s key; only RSA signing certificates are accepted",
			SubjectString(cert), cert.PublicKeyAlgorithm)
	}
	if cert.BasicConstraintsValid && cert.IsCA {
		return newErr(CodeCACertificate, "give Freja's JWS signing certificate itself, not the CA that issued it", nil,
			"the certificate %s is a CA certificate, not a JWS signing certificate", SubjectString(cert))
	}
	if bits := key.N.BitLen(); bits < MinRSABits {
		return newErr(CodeWeakKey, "", nil,
			"the certificate %s has a %d-bit RSA key; at least %d bits are required",
			SubjectString(cert), bits, MinRSABits)
	}
	return nil
}

// Add trusts a certificate for the given environment ("" for none) and
// source after CheckSigningCertificate. Adding a certificate that is
// already present keeps the first entry and returns it.
func (s *TrustStore) Add(cert *x509.Certificate, env, source string) (*TrustedCert, error) {
	if err := CheckSigningCertificate(cert); err != nil {
		return nil, err
	}
	x5t := X5T(cert)
	if c, ok := s.byX5T[x5t]; ok {
		return c, nil
	}
	c := &TrustedCert{Certificate: cert, X5T: x5t, Environment: env, Source: source,
		key: cert.PublicKey.(*rsa.PublicKey)}
	s.certs = append(s.certs, c)
	s.byX5T[x5t] = c
	return c, nil
}

// AddBytes reads certificates with ParseCertificates and adds each one.
// Nothing is added unless all of them are accepted.
func (s *TrustStore) AddBytes(data []byte, env, source string) ([]*TrustedCert, error) {
	certs, err := ParseCertificates(data)
	if err != nil {
		return nil, err
	}
	for _, c := range certs {
		if err := CheckSigningCertificate(c); err != nil {
			return nil, err
		}
	}
	out := make([]*TrustedCert, 0, len(certs))
	for _, c := range certs {
		tc, err := s.Add(c, env, source)
		if err != nil {
			return nil, err
		}
		out = append(out, tc)
	}
	return out, nil
}

// Certificates returns the trusted certificates, sorted by environment,
// then source, then end of validity (newest first).
func (s *TrustStore) Certificates() []*TrustedCert {
	out := append([]*TrustedCert(nil), s.certs...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Environment != b.Environment {
			return a.Environment < b.Environment
		}
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		return a.Certificate.NotAfter.After(b.Certificate.NotAfter)
	})
	return out
}

// Len returns the number of trusted certificates.
func (s *TrustStore) Len() int { return len(s.certs) }

// Lookup finds the certificate a token's x5t names. With env set, a
// certificate tagged with another environment does not count; certificates
// tagged with no environment (the user's store and --cert, which the user
// chose) are found whatever env is. A miss is an unknown_x5t *Error whose
// hint says how to add the certificate.
func (s *TrustStore) Lookup(x5t, env string) (*TrustedCert, error) {
	c, ok := s.byX5T[x5t]
	if !ok {
		return nil, newErr(CodeUnknownX5T, hintUnknownX5T, nil,
			"no trusted certificate has x5t %q", x5t)
	}
	if env != "" && c.Environment != "" && c.Environment != env {
		return nil, newErr(CodeUnknownX5T, hintUnknownX5T+"; or drop --env, which limits trust to "+env, nil,
			"x5t %q is the %s certificate %s, but only %s certificates are trusted here",
			x5t, c.Environment, SubjectString(c.Certificate), env)
	}
	return c, nil
}

// ParseCertificates reads one or more certificates from PEM or DER with
// pkg/keystore's reader (CRLF line ends and a UTF-8 byte order mark are fine;
// a private key or other non-certificate block is refused), and reports a
// failure with code bad_certificate.
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	certs, err := keystore.ParseCertificates(data)
	if err != nil {
		return nil, newErr(CodeBadCertificate, "give the signing certificate as PEM (BEGIN CERTIFICATE) or DER", err, "%v", err)
	}
	return certs, nil
}

// SubjectString prints a certificate's subject in its own RDN order,
// e.g. "CN=Freja eID JWS Signing v1, organizationIdentifier=559110-4806, …".
func SubjectString(cert *x509.Certificate) string {
	return formatName(cert.RawSubject)
}

// describe is a one-line summary of a trusted certificate for messages.
func (c *TrustedCert) describe() string {
	return fmt.Sprintf("%s (x5t %s, valid %s to %s)", SubjectString(c.Certificate), c.X5T,
		c.Certificate.NotBefore.UTC().Format(time.RFC3339), c.Certificate.NotAfter.UTC().Format(time.RFC3339))
}
