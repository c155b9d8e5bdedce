package keystore

import (
	"context"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// P12Contents is what DecodePKCS12 found in a PKCS#12 file.
type P12Contents struct {
	// Key is the private key as go-pkcs12 returns it: *rsa.PrivateKey,
	// *ecdsa.PrivateKey, ed25519.PrivateKey or *ecdh.PrivateKey. Only RSA
	// is usable with the CAs caronboard serves; use RSAKey to get it.
	Key crypto.PrivateKey
	// KeyMatchesLeaf is true when Leaf is the certificate of Key.
	KeyMatchesLeaf bool
	// Leaf is the certificate of Key when one in the file matches it, and
	// otherwise the first certificate in the file.
	Leaf *x509.Certificate
	// CACerts are the other certificates, in file order. They are not
	// sorted into a chain here (see package verify).
	CACerts []*x509.Certificate
	// FriendlyName is the key's friendly name (the alias keytool shows), or
	// "" when it has none or when it is not visible (a key inside an
	// encrypted part).
	FriendlyName string
	// Info says how the file is protected.
	Info P12Info
}

// RSAKey returns Key when it is an RSA key of at least MinReadBits bits that
// passes validation, and otherwise an error wrapping ErrNotRSA (through
// *UnsupportedKeyError), ErrKeySize or ErrMalformedKey.
func (c *P12Contents) RSAKey() (*rsa.PrivateKey, error) {
	k, ok := c.Key.(*rsa.PrivateKey)
	if !ok {
		return nil, &UnsupportedKeyError{Algorithm: keyAlgorithm(c.Key)}
	}
	return checkRSA(k)
}

// keyAlgorithm names a private key's algorithm.
func keyAlgorithm(key crypto.PrivateKey) string {
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PrivateKey:
		return "Ed25519"
	case *ecdh.PrivateKey:
		return "X25519"
	}
	return fmt.Sprintf("unknown (%T)", key)
}

// DecodePKCS12 reads the private key and certificates of a PKCS#12 file:
// modern (PBES2 AES, SHA-2 MAC: OpenSSL 3's default, Java 17 keytool, this
// package's P12Modern) and legacy (3DES, RC2-40 or RC2-128 with a SHA-1 MAC:
// openssl pkcs12 -export -legacy, OpenSSL 1.1, Windows, this package's
// P12Legacy), DER or BER (Windows and .NET write BER).
//
// The MAC is checked first. When it fails, the error wraps
// ErrWrongPassphrase ("wrong passphrase"), unless the contents decrypt with
// the passphrase anyway: then the file was changed after it was written and
// the error wraps ErrAltered. A file with neither encrypted parts nor a way
// to tell says "wrong passphrase, or the file was altered".
//
// The file must hold exactly one private key (ErrNoPrivateKey,
// ErrMultipleKeys) and at least one certificate (ErrNoCertificate). Keys of
// any algorithm are returned; P12Contents.RSAKey refuses non-RSA keys.
// Other errors wrap ErrMalformedPKCS12, ErrUnsupportedFormat (unknown
// algorithms, more than 10 000 000 iterations, public-key protection),
// ErrInvalidPassphrase or safefile.ErrTooLarge.
func DecodePKCS12(data []byte, password string) (*P12Contents, error) {
	return decodePKCS12(data, password, maxIterations)
}

func decodePKCS12(data []byte, password string, maxIter int) (*P12Contents, error) {
	s, f, err := inspect(data)
	if err != nil {
		return nil, err
	}
	if err := s.checkDecodable(maxIter); err != nil {
		return nil, err
	}
	if _, ok := bmpString(password); !ok {
		return nil, newError(ErrInvalidPassphrase, "%v", errPasswordChars)
	}
	if f.hasMAC {
		ok, err := verifyMAC(&f.pfx.MacData, f.authSafe, password)
		if err != nil {
			return nil, newError(ErrUnsupportedFormat, "the PKCS#12 file's integrity check (%s) has damaged or unsupported parameters", s.info.MACAlgorithm)
		}
		if !ok {
			return nil, f.macFailure(password, s)
		}
	}
	// Check the key bags inside encrypted parts, and the total work,
	// before go-pkcs12 decrypts anything (RC2 parts only it can open).
	if _, err := f.openBags(context.Background(), password, newKDFBudget()); err != nil && !errors.Is(err, errNeedsGoPKCS12) {
		return nil, err
	}
	key, certs, err := f.decrypt(password)
	if err != nil {
		return nil, err
	}
	c := &P12Contents{Key: key, Leaf: certs[0], CACerts: certs[1:], FriendlyName: s.friendlyName, Info: s.info}
	for i, cert := range certs {
		if keyMatches(key, cert) {
			c.Leaf, c.KeyMatchesLeaf = cert, true
			c.CACerts = append(append([]*x509.Certificate{}, certs[:i]...), certs[i+1:]...)
			break
		}
	}
	return c, nil
}

// keyMatches reports whether cert holds the public half of key.
func keyMatches(key crypto.PrivateKey, cert *x509.Certificate) bool {
	k, ok := key.(interface{ Public() crypto.PublicKey })
	if !ok {
		return false
	}
	pub, ok := k.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(cert.PublicKey)
}

// decrypt has go-pkcs12 decrypt the file (re-encoded as DER) and returns the
// key and every certificate in file order.
func (f *p12File) decrypt(password string) (crypto.PrivateKey, []*x509.Certificate, error) {
	der, err := f.toDER(password)
	if err != nil {
		return nil, nil, newError(ErrMalformedPKCS12, "the PKCS#12 file is damaged")
	}
	key, leaf, cas, err := pkcs12.DecodeChain(der, password)
	if err != nil {
		return nil, nil, decodeError(err)
	}
	return key, append([]*x509.Certificate{leaf}, cas...), nil
}

// macFailure explains a MAC that does not verify: a wrong passphrase, or a
// file changed after it was written. When the contents (or, failing that,
// the key bag alone, since a change in the encrypted certificates would
// spoil their decryption) decrypt with the passphrase, it is the right one.
func (f *p12File) macFailure(password string, s *p12Summary) error {
	if s.encryptedParts == 0 && s.shroudedKeys == 0 {
		return newError(ErrWrongPassphrase, "wrong passphrase, or the file was altered")
	}
	decrypts := func(f *p12File) bool {
		_, _, err := f.decrypt(password)
		return err == nil || errors.Is(err, ErrNoPrivateKey) || errors.Is(err, ErrNoCertificate) || errors.Is(err, ErrMultipleKeys)
	}
	right := decrypts(f)
	if !right && s.shroudedKeys > 0 {
		keysOnly := &p12File{}
		for _, p := range f.parts {
			if !p.encrypted {
				keysOnly.parts = append(keysOnly.parts, p)
			}
		}
		right = decrypts(keysOnly)
	}
	if right {
		return newError(ErrAltered, "the passphrase is right, but the PKCS#12 file was altered or damaged after it was written: its integrity check (MAC) fails")
	}
	return newError(ErrWrongPassphrase, "wrong passphrase")
}

// decodeError turns a go-pkcs12 error (after the MAC was verified) into a
// sentinel error in words that keeps go-pkcs12's error as its cause (for
// errors.Is/As and --debug). go-pkcs12 has typed errors for few conditions,
// so some are recognised by their text; the tests pin each case.
func decodeError(err error) error {
	msg := err.Error()
	var notImpl pkcs12.NotImplementedError
	switch {
	case strings.Contains(msg, "private key missing"):
		return keyErr(ErrNoPrivateKey, err, "", "the PKCS#12 file holds no private key, only certificates (is it a trust store?)")
	case strings.Contains(msg, "certificate missing"):
		return keyErr(ErrNoCertificate, err, "", "the PKCS#12 file holds a private key but no certificate")
	case strings.Contains(msg, "exactly one key bag"):
		return keyErr(ErrMultipleKeys, err, "", "the PKCS#12 file holds more than one private key; give a file with exactly one")
	case errors.Is(err, pkcs12.ErrDecryption) || strings.Contains(msg, "decrypting") || strings.Contains(msg, "unmarshaling decrypted"):
		return keyErr(ErrWrongPassphrase, err, "", "wrong passphrase for the contents: the integrity check passes with this passphrase, but the contents do not decrypt with it (another passphrase, or damage)")
	case errors.As(err, &notImpl):
		return keyErr(ErrUnsupportedFormat, err, "", "the PKCS#12 file uses a feature this tool does not read (%s); %s", strings.TrimPrefix(msg, "pkcs12: "), p12ReexportHint)
	case strings.Contains(msg, "not DER"):
		return keyErr(ErrUnsupportedFormat, err, "", "the encrypted part of the PKCS#12 file uses a BER encoding this tool does not read; %s", p12ReexportHint)
	case strings.Contains(msg, "unknown algorithm") || strings.Contains(msg, "unknown private key type"):
		return keyErr(ErrUnsupportedFormat, err, "", "the private key in the PKCS#12 file is of an algorithm this tool does not read")
	case strings.Contains(msg, "x509:"):
		return keyErr(ErrMalformedPKCS12, err, "", "a certificate or the private key in the PKCS#12 file is damaged")
	}
	return keyErr(ErrMalformedPKCS12, err, "", "the contents of the PKCS#12 file are damaged")
}
