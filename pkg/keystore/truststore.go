package keystore

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"strconv"
	"strings"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// Trust stores
//
// A trust store is a PKCS#12 file holding only CA certificates, each in a
// certificate bag carrying Java's trusted-key-usage attribute
// (2.16.840.1.113894.746875.1.1) and a friendlyName: Java's KeyStore lists
// such bags as trustedCertEntry under that alias, and loads the file with
// -Djavax.net.ssl.trustStore=FILE -Djavax.net.ssl.trustStoreType=PKCS12.
//
// EncodeTrustStore writes one with go-pkcs12's trust-store encoder: with a
// password, Modern2023 (the certificates encrypted with PBES2 AES-256-CBC,
// an HMAC-SHA256 MAC), which keytool 17 and Java 8u301+ read; without one,
// go-pkcs12's Passwordless encoder (nothing encrypted, no MAC), which Java
// 8u301+ loads with no trustStorePassword at all.

// ErrNotTrustStore means a PKCS#12 file is not a trust store: it holds a
// private key, or a certificate not marked as trusted.
var ErrNotTrustStore = errors.New("the PKCS#12 file is not a trust store")

// maxAlias is the longest alias TrustStoreAliases makes, before a "-N"
// suffix.
const maxAlias = 64

// oidJavaTrustedKeyUsage is Oracle's attribute marking a trusted
// certificate bag (its value: the extended key usages it is trusted for).
var oidJavaTrustedKeyUsage = asn1.ObjectIdentifier{2, 16, 840, 1, 113894, 746875, 1, 1}

// TrustStoreAliases returns one alias per certificate, in order: the
// certificate's common name (else its first organisation or unit name, else
// "ca"), lower-cased and reduced to ASCII letters, digits and single hyphens
// ("Freja eID Root CA v1" → "freja-eid-root-ca-v1"; å, ä, ö, é, ü lose their
// accents), at most 64 characters, and made unique with "-2", "-3", …
// Java compares PKCS#12 aliases without regard to case, and these are the
// same in any case and need no quoting in a shell (keytool -alias NAME).
func TrustStoreAliases(certs []*x509.Certificate) []string {
	out := make([]string, len(certs))
	used := map[string]bool{}
	for i, c := range certs {
		base := aliasBase(c)
		alias := base
		for n := 2; used[alias]; n++ {
			alias = base + "-" + strconv.Itoa(n)
		}
		used[alias] = true
		out[i] = alias
	}
	return out
}

// aliasBase is the alias of one certificate before it is made unique.
func aliasBase(c *x509.Certificate) string {
	name := c.Subject.CommonName
	switch {
	case name != "":
	case len(c.Subject.Organization) > 0:
		name = c.Subject.Organization[0]
	case len(c.Subject.OrganizationalUnit) > 0:
		name = c.Subject.OrganizationalUnit[0]
	}
	alias := slug(name)
	if alias == "" {
		return "ca"
	}
	return alias
}

// accents maps the accented letters of Swedish and its neighbours to ASCII.
var accents = strings.NewReplacer("å", "a", "ä", "a", "á", "a", "à", "a", "ö", "o", "ø", "o", "ó", "o",
	"é", "e", "è", "e", "ü", "u", "ú", "u", "æ", "ae", "í", "i")

// slug lower-cases s and keeps ASCII letters and digits, turning every other
// run of characters into one hyphen, with no hyphen at either end, cut to 64
// characters.
func slug(s string) string {
	s = accents.Replace(strings.ToLower(s))
	var b strings.Builder
	hyphen := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			if b.Len() >= maxAlias {
				break
			}
			continue
		}
		hyphen = true
	}
	return strings.TrimRight(b.String(), "-")
}

// EncodeTrustStore builds a PKCS#12 trust store of certs, aliased by
// TrustStoreAliases. With a password it uses Modern2023 (PBES2 AES-256-CBC
// for the certificates, HMAC-SHA256 MAC); with "" it uses Passwordless
// (neither encrypted nor MACed: certificates are public, and Java then
// needs no trustStorePassword). Every certificate must be a CA (basic
// constraints CA:TRUE); a password that PKCS#12 cannot encode gives an error
// wrapping ErrInvalidPassphrase. The file is decoded again before it is
// returned.
func EncodeTrustStore(certs []*x509.Certificate, password string) ([]byte, error) {
	if len(certs) == 0 {
		return nil, errors.New("a trust store needs at least one certificate")
	}
	for _, c := range certs {
		if c == nil {
			return nil, errors.New("the trust store list has a nil certificate")
		}
		if !c.IsCA || !c.BasicConstraintsValid {
			return nil, newError(ErrNotTrustStore, "%s is not a CA certificate; a trust store holds CA certificates only", c.Subject)
		}
	}
	if _, ok := bmpString(password); !ok {
		return nil, newError(ErrInvalidPassphrase, "%v", errPasswordChars)
	}
	enc := pkcs12.Modern2023
	if password == "" {
		enc = pkcs12.Passwordless
	}
	aliases := TrustStoreAliases(certs)
	entries := make([]pkcs12.TrustStoreEntry, len(certs))
	for i, c := range certs {
		entries[i] = pkcs12.TrustStoreEntry{Cert: c, FriendlyName: aliases[i]}
	}
	pfx, err := enc.EncodeTrustStoreEntries(entries, password)
	if err != nil {
		return nil, fmt.Errorf("building the trust store: %w", err)
	}
	got, err := DecodeTrustStore(pfx, password)
	if err != nil {
		return nil, fmt.Errorf("the trust store just built does not read back: %w", err)
	}
	if len(got) != len(certs) {
		return nil, errors.New("the trust store just built does not hold what was put in; this is a bug")
	}
	for i := range got {
		if !got[i].Equal(certs[i]) {
			return nil, errors.New("the trust store just built does not hold what was put in; this is a bug")
		}
	}
	return pfx, nil
}

// DecodeTrustStore reads the certificates of a PKCS#12 trust store, in file
// order: one written by EncodeTrustStore, keytool -importcert or
// openssl pkcs12 -export -jdktrust. password is "" for a password-less
// file. The MAC is checked first (ErrWrongPassphrase, ErrAltered as with
// DecodePKCS12). A file holding a private key or a certificate without the
// trusted attribute gives an error wrapping ErrNotTrustStore; other errors
// wrap ErrMalformedPKCS12, ErrUnsupportedFormat, ErrInvalidPassphrase or
// safefile.ErrTooLarge.
func DecodeTrustStore(data []byte, password string) ([]*x509.Certificate, error) {
	s, f, err := inspect(data)
	if err != nil {
		return nil, err
	}
	if err := s.checkDecodable(maxIterations); err != nil {
		return nil, err
	}
	if _, ok := bmpString(password); !ok {
		return nil, newError(ErrInvalidPassphrase, "%v", errPasswordChars)
	}
	if s.shroudedKeys > 0 || s.plainKey {
		return nil, newError(ErrNotTrustStore, "the PKCS#12 file holds a private key: it is a keystore, not a trust store")
	}
	der, err := berToDER(data)
	if f.hasMAC {
		ok, merr := verifyMAC(&f.pfx.MacData, f.authSafe, password)
		if merr != nil {
			return nil, newError(ErrUnsupportedFormat, "the PKCS#12 file's integrity check (%s) has damaged or unsupported parameters", s.info.MACAlgorithm)
		}
		if !ok {
			return nil, f.macFailure(password, s)
		}
		der, err = f.toDER(password)
	}
	if err != nil {
		return nil, newError(ErrMalformedPKCS12, "the PKCS#12 file is damaged")
	}
	certs, err := pkcs12.DecodeTrustStore(der, password)
	if err != nil {
		return nil, trustStoreError(err)
	}
	if len(certs) == 0 {
		return nil, newError(ErrNotTrustStore, "the trust store holds no certificate")
	}
	return certs, nil
}

// trustStoreError turns a go-pkcs12 trust-store error into words.
func trustStoreError(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "not marked as trusted"):
		return newError(ErrNotTrustStore, "the PKCS#12 file holds a certificate not marked as trusted: it is not a Java trust store")
	case strings.Contains(msg, "expected only certificate bags"):
		return newError(ErrNotTrustStore, "the PKCS#12 file holds more than certificates: it is not a trust store")
	}
	return decodeError(err)
}

// P12Kind is what a PKCS#12 file holds, as far as it shows without the
// password.
type P12Kind string

const (
	// P12KindKeystore: a private key is visible (keystores written by
	// caronboard, OpenSSL, keytool and Windows put the shrouded key bag in
	// a part that is not encrypted).
	P12KindKeystore P12Kind = "keystore"
	// P12KindTrustStore: only certificates marked as trusted are visible,
	// and no key (a password-less trust store).
	P12KindTrustStore P12Kind = "truststore"
	// P12KindCertificates: only certificates, not marked as trusted, and
	// no key (openssl pkcs12 -export -nokeys -certpbe NONE).
	P12KindCertificates P12Kind = "certificates"
	// P12KindSealed: nothing visible: every part is encrypted. A trust
	// store with a password (caronboard truststore --format pkcs12) looks
	// like this; so would a keystore whose key is inside the encrypted part.
	P12KindSealed P12Kind = "sealed"
)

// P12Summary is what InspectPKCS12Kind tells without the password.
type P12Summary struct {
	Kind P12Kind
	Info P12Info
	// FriendlyName is the alias of the visible key bag, or of the first
	// visible certificate bag of a trust store; "" when none is visible.
	FriendlyName string
	// VisibleCerts counts the certificate bags readable without the
	// password.
	VisibleCerts int
}

// InspectPKCS12Kind tells a keystore from a trust store without the
// password, and describes its protection as InspectPKCS12 does. Errors are
// those of InspectPKCS12.
//
// A Java KeyStore (JKS) is told apart too, by its entries' tags, which show
// without the password: a keystore when it holds a private-key entry, else a
// trust store.
func InspectPKCS12Kind(data []byte) (P12Summary, error) {
	if StoreFormat(data) == FormatJKS {
		aliases, keys, err := jksWalk(data)
		if err != nil {
			return P12Summary{}, err
		}
		out := P12Summary{Kind: P12KindTrustStore, Info: P12Info{MACAlgorithm: "JKS (SHA-1)", CertEncryption: "none",
			KeyEncryption: "JKS (SHA-1 key stream)", Legacy: true, Consumers: "Java only: " + jksRecommendation}}
		switch {
		case len(keys) > 0:
			out.Kind, out.FriendlyName = P12KindKeystore, keys[0]
		case len(aliases) > 0:
			out.FriendlyName = aliases[0]
		}
		return out, nil
	}
	s, f, err := inspect(data)
	if err != nil {
		return P12Summary{}, err
	}
	out := P12Summary{Info: s.info, FriendlyName: s.friendlyName}
	trusted := 0
	for _, p := range f.parts {
		for _, b := range p.bags {
			if !b.ID.Equal(oidCertBag) {
				continue
			}
			out.VisibleCerts++
			if hasAttribute(b.Attributes, oidJavaTrustedKeyUsage) {
				trusted++
				if out.FriendlyName == "" {
					out.FriendlyName = b.friendlyName()
				}
			}
		}
	}
	switch {
	case s.shroudedKeys > 0 || s.plainKey:
		out.Kind = P12KindKeystore
	case out.VisibleCerts > 0 && trusted == out.VisibleCerts:
		out.Kind = P12KindTrustStore
	case out.VisibleCerts > 0:
		out.Kind = P12KindCertificates
	default:
		out.Kind = P12KindSealed
	}
	return out, nil
}

func hasAttribute(attrs []pkcs12Attribute, oid asn1.ObjectIdentifier) bool {
	for _, a := range attrs {
		if a.ID.Equal(oid) {
			return true
		}
	}
	return false
}
