package jws

import (
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"regexp"
	"sort"
	"time"

	"github.com/caronboard/caronboard/pkg/keystore"
)

// Environments a trusted certificate can be tagged with, and that
// Options.Environment names. A certificate tagged "" is untagged: one the
// user's signer store holds without an environment (refused unless
// Options.AllowUntagged) or one the caller named for one run (SourceFlag,
// which counts under every environment). EnvAny is no tag: as
// Options.Environment it trusts the certificates of every environment, and
// it must be asked for explicitly.
const (
	EnvFrejaTest = "freja-test"
	EnvFrejaProd = "freja-prod"
	EnvAny       = "any"
)

// checkEnvironment accepts the values of Options.Environment.
func checkEnvironment(env string) error {
	switch env {
	case EnvFrejaTest, EnvFrejaProd, EnvAny:
		return nil
	case "":
		return newErr(CodeInvalidOptions, `set Options.Environment to EnvFrejaProd, EnvFrejaTest, or explicitly EnvAny`, nil,
			"no environment given: results signed by test certificates would pass as production ones")
	}
	return newErr(CodeInvalidOptions, "use freja-test, freja-prod or any", nil, "unknown environment %s", Quote(env))
}

// Sources a trusted certificate can come from.
const (
	SourceEmbedded = "embedded" // compiled into the binary
	SourceUser     = "user"     // the user's signer store in the config folder (SignerStore)
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

// Untagged is what EnvironmentName says for a certificate without an
// environment.
const Untagged = "untagged"

// EnvironmentName is the certificate's environment, or Untagged.
func (c *TrustedCert) EnvironmentName() string {
	if c.Environment == "" {
		return Untagged
	}
	return c.Environment
}

// PublicKey returns the certificate's RSA key.
func (c *TrustedCert) PublicKey() *rsa.PublicKey { return c.key }

// ValidAt reports whether t is within the certificate's validity period.
func (c *TrustedCert) ValidAt(t time.Time) bool {
	return !t.Before(c.Certificate.NotBefore) && !t.After(c.Certificate.NotAfter)
}

// TrustStore holds the certificates trusted to sign results, looked up by
// x5t. Build it with Add before use (the zero value is an empty store);
// once built it may be read from many goroutines at once, but Add must not
// run concurrently with anything.
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
			"the certificate %s has an %s key, not RSA; only RSA signing certificates are accepted",
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

// Add trusts a certificate for the given environment (EnvFrejaTest,
// EnvFrejaProd, or "" for untagged) and source after
// CheckSigningCertificate. A certificate whose subject or issuer says Test
// (LooksLikeTest) cannot be tagged EnvFrejaProd. Adding a certificate that
// is already present keeps the first entry and returns it.
func (s *TrustStore) Add(cert *x509.Certificate, env, source string) (*TrustedCert, error) {
	if err := CheckSigningCertificate(cert); err != nil {
		return nil, err
	}
	if err := CheckTag(cert, env); err != nil {
		return nil, err
	}
	x5t := X5T(cert)
	if c, ok := s.byX5T[x5t]; ok {
		return c, nil
	}
	if s.byX5T == nil {
		s.byX5T = make(map[string]*TrustedCert)
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

// CheckTag checks that cert may be tagged env: "" (untagged),
// EnvFrejaTest, or EnvFrejaProd for a certificate that does not look like a
// test one.
func CheckTag(cert *x509.Certificate, env string) error {
	switch env {
	case "", EnvFrejaTest:
		return nil
	case EnvFrejaProd:
		if LooksLikeTest(cert) {
			return newErr(CodeTestCertificate, "tag it freja-test: anyone can create Freja test users with any personal number", nil,
				"the certificate %s says Test in its subject or issuer, so it cannot be trusted for freja-prod",
				Quote(SubjectString(cert)))
		}
		return nil
	}
	return newErr(CodeInvalidOptions, "use freja-test or freja-prod", nil, "unknown environment %s for a signing certificate", Quote(env))
}

// testWord finds "test" as a word: OU=Test, "RSA TEST Issuing CA".
var testWord = regexp.MustCompile(`(?i)(^|[^a-z])test([^a-z]|$)`)

// LooksLikeTest reports whether a certificate's subject or issuer names a
// test environment: an attribute value with the word Test in it, as Freja's
// test certificates have (OU=Test, CN=… RSA TEST Issuing CA).
func LooksLikeTest(cert *x509.Certificate) bool {
	for _, name := range []pkix.Name{cert.Subject, cert.Issuer} {
		for _, atv := range name.Names {
			if s, ok := atv.Value.(string); ok && testWord.MatchString(s) {
				return true
			}
		}
	}
	return false
}

// Lookup finds the certificate a token's x5t names, for environment env
// (EnvFrejaTest, EnvFrejaProd or EnvAny), refusing untagged certificates of
// the user's store; see Options.AllowUntagged for the rules. A miss is an
// unknown_x5t *Error whose hint says how to add the certificate.
func (s *TrustStore) Lookup(x5t, env string) (*TrustedCert, error) {
	return s.lookup(x5t, env, false)
}

// lookup applies the trust rules: a certificate tagged with env counts
// (with EnvAny, any tag counts); a SourceFlag certificate (named by the
// caller for this run) counts under every environment; an untagged one
// from the store counts only with allowUntagged.
func (s *TrustStore) lookup(x5t, env string, allowUntagged bool) (*TrustedCert, error) {
	if err := checkEnvironment(env); err != nil {
		return nil, err
	}
	c, ok := s.byX5T[x5t]
	if !ok {
		return nil, newErr(CodeUnknownX5T, hintUnknownX5T, nil,
			"no trusted certificate has x5t %s", Quote(x5t))
	}
	switch {
	case c.Source == SourceFlag && c.Environment == "":
		return c, nil
	case c.Environment == "":
		if allowUntagged {
			return c, nil
		}
		return nil, newErr(CodeUnknownX5T, "tag it with 'caronboard jws trust add --env freja-test|freja-prod FILE', "+
			"or pass --allow-untagged to trust untagged certificates", nil,
			"x5t %s is the certificate %s, which your signer store holds without an environment: untagged certificates are not trusted",
			Quote(x5t), Quote(SubjectString(c.Certificate)))
	case env != EnvAny && c.Environment != env:
		hint := "verify production results with --env freja-prod"
		if c.Environment == EnvFrejaTest {
			hint = "this is a test signing certificate: verify test results with --env freja-test, and never accept them in production"
		}
		return nil, newErr(CodeUnknownX5T, hint, nil,
			"x5t %s is the %s certificate %s, but only %s certificates are trusted here",
			Quote(x5t), c.Environment, Quote(SubjectString(c.Certificate)), env)
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
