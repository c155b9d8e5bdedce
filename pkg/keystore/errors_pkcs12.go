package keystore

import (
	"errors"
)

// Sentinel errors of the certificate, ZIP bundle and PKCS#12 functions. As
// with the key errors in errors.go, every error for a condition a user can fix
// wraps one of these (or ErrWrongPassphrase, ErrNoPrivateKey,
// ErrMultipleKeys, ErrUnsupportedFormat, safefile.ErrTooLarge, safefile.ErrNotRegular), and the
// messages are plain words, never ASN.1 or ZIP parser output.
var (
	// ErrNotCertificate means the data holds no certificate at all, or holds
	// something else where only certificates belong (a private key, a CSR, a
	// PKCS#12 file); the message says what was found.
	ErrNotCertificate = errors.New("no certificate found")

	// ErrMalformedCertificate means the data looks like a certificate but is
	// damaged, truncated or not valid X.509.
	ErrMalformedCertificate = errors.New("the certificate is damaged or not valid X.509")

	// ErrUnsafeBundle means a ZIP file was refused because reading it could
	// be dangerous or ambiguous: a path that escapes its folder, an absolute
	// path, a symbolic link, duplicate names, too many entries, or a size
	// or compression-ratio bomb. The message names the entry.
	ErrUnsafeBundle = errors.New("unsafe ZIP file")

	// ErrMalformedBundle means a ZIP file is damaged or not a ZIP file.
	ErrMalformedBundle = errors.New("the ZIP file is damaged or not a ZIP file")

	// ErrKeyMismatch means the private key does not belong to the leaf
	// certificate of a keystore being built. (pkg/verify has its own
	// sentinel of the same name for its checks; this package does not import
	// it.)
	ErrKeyMismatch = errors.New("the private key does not belong to the certificate")

	// ErrInvalidPassphrase means a keystore passphrase cannot be used: it is
	// empty, or holds characters PKCS#12 cannot encode.
	ErrInvalidPassphrase = errors.New("the passphrase cannot be used for a PKCS#12 file")

	// ErrInvalidFriendlyName means a keystore alias (friendly name) cannot
	// be used: control characters, characters outside the Basic
	// Multilingual Plane, or too long.
	ErrInvalidFriendlyName = errors.New("the alias (friendly name) cannot be used")

	// ErrMalformedPKCS12 means the data is not a PKCS#12 file, or is damaged
	// or truncated.
	ErrMalformedPKCS12 = errors.New("the PKCS#12 file is damaged or not a PKCS#12 file")

	// ErrAltered means the passphrase is right (the contents decrypt with
	// it) but the file's integrity check (MAC) fails: it was changed or
	// damaged after it was written.
	ErrAltered = errors.New("the PKCS#12 file was altered or damaged")

	// ErrNoCertificate means a PKCS#12 file holds a private key but no
	// certificate.
	ErrNoCertificate = errors.New("the PKCS#12 file holds no certificate")
)
