package keystore

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
)

// Store formats, as OpenStore names them.
const (
	FormatPKCS12 = "PKCS#12"
	FormatJKS    = "Java KeyStore (JKS)"
	FormatJCEKS  = "Java JCEKS keystore"
)

// Store is every entry of a keystore or trust store: PKCS#12 (.p12/.pfx)
// or Java KeyStore (JKS).
type Store struct {
	// Format is FormatPKCS12 or FormatJKS.
	Format string
	// Keys are the private-key entries, in file order.
	Keys []KeyEntry
	// Trusted are the trusted-certificate entries (a Java trust store's,
	// or, in a PKCS#12 file without a key, every certificate).
	Trusted []TrustedEntry
	// Others are certificates that belong to no key entry's chain and are
	// not trusted entries.
	Others []*x509.Certificate
	// Info says how a PKCS#12 file is protected (nil for JKS).
	Info *P12Info
}

// KeyEntry is a private key with its certificate chain.
type KeyEntry struct {
	// Alias is the friendly name (PKCS#12) or alias (JKS); "" when none.
	Alias string
	// Key is the private key (*rsa.PrivateKey, *ecdsa.PrivateKey, …).
	Key crypto.PrivateKey
	// Chain is the path from the key's certificate to its root, as far as
	// the store holds it: Chain[0] is the leaf. It is empty when no
	// certificate in the store belongs to the key.
	Chain []*x509.Certificate
}

// TrustedEntry is a trusted certificate with its alias.
type TrustedEntry struct {
	Alias string
	Cert  *x509.Certificate
}

// StorePasswords are the passwords of a store. KeyPassword is the key
// entries' password where it differs (JKS); nil means the store password,
// as keytool does.
type StorePasswords struct {
	Store       string
	KeyPassword *string
}

func (p StorePasswords) key() string {
	if p.KeyPassword != nil {
		return *p.KeyPassword
	}
	return p.Store
}

// OpenStore reads every entry of a keystore, recognised by its content
// whatever the file is called: PKCS#12 (DER or BER), JKS (magic FEEDFEED).
// JCEKS (CECECECE) is recognised and refused with ErrUnsupportedFormat and a
// keytool conversion command. The work is bounded (iterations per algorithm
// and in all) and stops when ctx is done. Errors wrap the sentinels of
// DecodePKCS12 and, for JKS, ErrWrongPassphrase and ErrMalformedPKCS12.
func OpenStore(ctx context.Context, data []byte, pw StorePasswords) (*Store, error) {
	switch StoreFormat(data) {
	case FormatJKS:
		return openJKS(ctx, data, pw)
	case FormatJCEKS:
		return nil, newError(ErrUnsupportedFormat, "the file is a Java JCEKS keystore, which this tool does not read; convert it with keytool: keytool -importkeystore -srcstoretype JCEKS -srckeystore OLD.jceks -deststoretype PKCS12 -destkeystore NEW.p12")
	}
	return openPKCS12(ctx, data, pw.Store)
}

// StoreFormat recognises a keystore by its first bytes: FormatJKS,
// FormatJCEKS, or FormatPKCS12 for anything else (which may still fail to
// parse).
func StoreFormat(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xfe, 0xed, 0xfe, 0xed}):
		return FormatJKS
	case bytes.HasPrefix(data, []byte{0xce, 0xce, 0xce, 0xce}):
		return FormatJCEKS
	}
	return FormatPKCS12
}

// Entry returns the key entry named alias, or the only one when alias is
// "". Without an alias, a store with several key entries gives an error
// wrapping ErrMultipleKeys; an unknown alias one wrapping ErrNoSuchAlias;
// a store without keys one wrapping ErrNoPrivateKey.
func (s *Store) Entry(alias string) (*KeyEntry, error) {
	if len(s.Keys) == 0 {
		return nil, newError(ErrNoPrivateKey, "the %s holds no private key, only certificates (is it a trust store?)", s.Format)
	}
	if alias == "" {
		if len(s.Keys) > 1 {
			return nil, newError(ErrMultipleKeys, "the %s holds %d key entries: %s", s.Format, len(s.Keys), strings.Join(s.aliasList(), "; "))
		}
		return &s.Keys[0], nil
	}
	for i := range s.Keys {
		if s.Keys[i].Alias == alias || strings.EqualFold(s.Keys[i].Alias, alias) && s.Format != FormatPKCS12 {
			return &s.Keys[i], nil
		}
	}
	return nil, newError(ErrNoSuchAlias, "the %s has no key entry %q; its key entries: %s", s.Format, alias, strings.Join(s.aliasList(), "; "))
}

// aliasList describes each key entry: alias, subject and expiry.
func (s *Store) aliasList() []string {
	var out []string
	for _, k := range s.Keys {
		alias := k.Alias
		if alias == "" {
			alias = "(no alias)"
		}
		if len(k.Chain) > 0 {
			alias = fmt.Sprintf("%q (%s, expires %s)", alias, k.Chain[0].Subject, k.Chain[0].NotAfter.UTC().Format("2006-01-02"))
		}
		out = append(out, alias)
	}
	return out
}

// ErrNoSuchAlias means --alias names no key entry of the store.
var ErrNoSuchAlias = errors.New("no such alias in the keystore")
