package keystore

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// P12Format chooses the algorithms of a PKCS#12 file EncodePKCS12 writes.
type P12Format string

const (
	// P12Modern is go-pkcs12's Modern2023: PBES2 with PBKDF2-HMAC-SHA256
	// (2048 iterations) and AES-256-CBC for the key and the certificates,
	// an HMAC-SHA256 MAC. OpenSSL 1.1.1 and 3, Java 12 (and 8u301, 11.0.12) and
	// later, Windows Server 2019 and later and current macOS read it.
	P12Modern P12Format = "modern"
	// P12Legacy is go-pkcs12's LegacyDES: pbeWithSHAAnd3-KeyTripleDES-CBC
	// for the key and the certificates, an HMAC-SHA1 MAC. Nearly everything
	// reads it, including macOS Keychain, Windows Server 2016 and Java
	// before 8u301, and OpenSSL 3 without -legacy.
	P12Legacy P12Format = "legacy"
)

// maxFriendlyName is the longest alias accepted, in characters.
const maxFriendlyName = 256

// encoder returns the go-pkcs12 encoder for a format, pinned by name: never
// LegacyRC2 (OpenSSL 3 needs -legacy for it) and never Modern2026 (neither
// OpenSSL 3.0 nor Java 17 reads its PBMAC1).
func (f P12Format) encoder() (*pkcs12.Encoder, error) {
	switch f {
	case P12Modern, "":
		return pkcs12.Modern2023, nil
	case P12Legacy:
		return pkcs12.LegacyDES, nil
	}
	return nil, fmt.Errorf("unknown PKCS#12 format %q (want %q or %q)", string(f), P12Modern, P12Legacy)
}

// EncodePKCS12 builds a PKCS#12 keystore holding key, its certificate and
// the CA certificates, protected with password, in the given format (""
// means P12Modern).
//
// chain[0] is the leaf, the certificate of key, followed by the
// intermediates and the root, already in that order: the file stores them as
// given. A key that does not belong to chain[0] is refused with an error
// wrapping ErrKeyMismatch; an empty password, or one with characters
// outside the Basic Multilingual Plane, with ErrInvalidPassphrase.
//
// friendlyName becomes the key's friendlyName attribute, which keytool shows
// as the alias and OpenSSL prints; "" means DefaultFriendlyName(chain[0]).
// go-pkcs12 cannot set it (SSLMate/go-pkcs12 issue #34), so it is added to
// the key bag afterwards and the MAC recomputed with the same algorithm,
// salt and iteration count. A name with control characters or characters
// outside the Basic Multilingual Plane, or longer than 256 characters, is
// refused with ErrInvalidFriendlyName.
//
// The result is decoded again before it is returned, so a file that does not
// read back (key, leaf, chain length, alias) is never handed out.
func EncodePKCS12(key *rsa.PrivateKey, chain []*x509.Certificate, friendlyName, password string, format P12Format) ([]byte, error) {
	enc, err := format.encoder()
	if err != nil {
		return nil, err
	}
	if key == nil || len(chain) == 0 {
		return nil, errors.New("a PKCS#12 keystore needs a private key and its certificate")
	}
	for _, c := range chain {
		if c == nil {
			return nil, errors.New("the certificate chain has a nil certificate")
		}
	}
	if password == "" {
		return nil, newError(ErrInvalidPassphrase, "the keystore passphrase is empty; PKCS#12 files need one (Java and Windows cannot open a file without)")
	}
	if _, ok := bmpString(password); !ok {
		return nil, newError(ErrInvalidPassphrase, "%v", errPasswordChars)
	}
	if !key.PublicKey.Equal(chain[0].PublicKey) {
		return nil, newError(ErrKeyMismatch, "the private key does not belong to the certificate %s", chain[0].Subject)
	}
	name := friendlyName
	if name == "" {
		name = DefaultFriendlyName(chain[0])
	}
	if err := checkFriendlyName(name); err != nil {
		return nil, err
	}
	pfx, err := enc.Encode(key, chain[0], chain[1:], password)
	if err != nil {
		return nil, fmt.Errorf("building the PKCS#12 file: %w", err)
	}
	if name != "" {
		if pfx, err = setFriendlyName(pfx, name, password); err != nil {
			return nil, fmt.Errorf("adding the alias to the PKCS#12 file: %w", err)
		}
	}
	if err := checkReadsBack(pfx, password, chain, name); err != nil {
		return nil, err
	}
	return pfx, nil
}

// DefaultFriendlyName is the alias EncodePKCS12 uses when none is given: the
// certificate's common name, or else its first organisation name, or else
// "" (then keytool shows the alias "1").
func DefaultFriendlyName(cert *x509.Certificate) string {
	if cert.Subject.CommonName != "" {
		return cert.Subject.CommonName
	}
	if len(cert.Subject.Organization) > 0 {
		return cert.Subject.Organization[0]
	}
	return ""
}

// checkFriendlyName refuses aliases that would be mangled or confusing.
func checkFriendlyName(name string) error {
	switch {
	case !utf8.ValidString(name):
		return newError(ErrInvalidFriendlyName, "the alias is not valid UTF-8 text")
	case utf8.RuneCountInString(name) > maxFriendlyName:
		return newError(ErrInvalidFriendlyName, "the alias is longer than %d characters", maxFriendlyName)
	case strings.ContainsFunc(name, unicode.IsControl):
		return newError(ErrInvalidFriendlyName, "the alias %q contains control characters", name)
	}
	if _, ok := bmpString(name); !ok {
		return newError(ErrInvalidFriendlyName, "the alias %q holds characters PKCS#12 cannot store (outside the Basic Multilingual Plane, such as emoji)", name)
	}
	return nil
}

// checkReadsBack decodes a freshly built file and compares it with what went
// in.
func checkReadsBack(pfx []byte, password string, chain []*x509.Certificate, name string) error {
	got, err := DecodePKCS12(pfx, password)
	if err != nil {
		return fmt.Errorf("the PKCS#12 file just built does not read back: %w", err)
	}
	ok := got.KeyMatchesLeaf && bytes.Equal(got.Leaf.Raw, chain[0].Raw) &&
		len(got.CACerts) == len(chain)-1 && got.FriendlyName == name
	for i, c := range got.CACerts {
		ok = ok && bytes.Equal(c.Raw, chain[i+1].Raw)
	}
	if !ok {
		return errors.New("the PKCS#12 file just built does not hold what was put in; this is a bug")
	}
	return nil
}
