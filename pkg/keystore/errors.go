package keystore

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error this package returns for a condition a user can
// fix wraps one of these, so callers test with errors.Is and map them to exit
// codes and hints; the messages themselves are plain words, lowercase, without
// a trailing period, and never raw ASN.1 parser output.
var (
	// ErrKeySize means an RSA key size is not accepted: not one of AllowedBits
	// when generating, or fewer than MinReadBits bits when reading.
	ErrKeySize = errors.New("unsupported RSA key size")

	// ErrPassphraseRequired means the key is encrypted and no PassphraseFunc
	// was given.
	ErrPassphraseRequired = errors.New("the private key is encrypted and needs a passphrase")

	// ErrWrongPassphrase means an encrypted key could not be decrypted with
	// the passphrase given. Both encrypted formats only reveal this through a
	// bad padding or a garbled key after decryption, so that is what it means.
	ErrWrongPassphrase = errors.New("wrong passphrase")

	// ErrNotRSA means the data holds a private key of another algorithm.
	// Returned through *UnsupportedKeyError, which names the algorithm.
	ErrNotRSA = errors.New("not an RSA key")

	// ErrNoPrivateKey means the data holds no private key at all, for example
	// only a certificate, a CSR or a public key; the message says what was found.
	ErrNoPrivateKey = errors.New("no private key found")

	// ErrMultipleKeys means the data holds more than one private key.
	ErrMultipleKeys = errors.New("more than one private key found")

	// ErrMalformedKey means the data looks like a key but is damaged,
	// truncated or not a key format at all.
	ErrMalformedKey = errors.New("the private key is damaged or not in a known format")

	// ErrUnsupportedFormat means the data is a known key container or
	// encryption scheme this package does not read (OpenSSH keys, PKCS#12
	// files, RC2, RC4 or PKCS#5 v1.5 encryption, uncommon ciphers or PRFs, a
	// key derivation above the cost limits); the message or the error's
	// Hint() says how to convert it with openssl or ssh-keygen.
	ErrUnsupportedFormat = errors.New("unsupported private key format")
)

// KeySizeError reports an RSA key size that is not accepted. It wraps
// ErrKeySize.
type KeySizeError struct {
	Bits int
}

func (e *KeySizeError) Error() string {
	return fmt.Sprintf("RSA key size %d is not supported", e.Bits)
}

// Unwrap returns ErrKeySize.
func (e *KeySizeError) Unwrap() error { return ErrKeySize }

// UnsupportedKeyError reports a private key that is not RSA. Algorithm is a
// human name such as "ECDSA P-256", "Ed25519", "DSA" or "RSA-PSS". It wraps
// ErrNotRSA.
type UnsupportedKeyError struct {
	Algorithm string
}

func (e *UnsupportedKeyError) Error() string {
	return fmt.Sprintf("the private key is %s %s key, but only RSA keys are supported", article(e.Algorithm), e.Algorithm)
}

// article returns "an" when the name, read letter by letter or as a word,
// starts with a vowel sound ("an ECDSA", "an RSA-PSS", "a DSA").
func article(name string) string {
	if name != "" && strings.ContainsRune("AEFHILMNORSXaeiou", rune(name[0])) {
		return "an"
	}
	return "a"
}

// Unwrap returns ErrNotRSA.
func (e *UnsupportedKeyError) Unwrap() error { return ErrNotRSA }

// keyError is a sentinel with a specific message: Error() is the message
// alone (no "sentinel: " prefix), errors.Is matches the sentinel.
type keyError struct {
	kind error
	msg  string
}

func (e *keyError) Error() string { return e.msg }
func (e *keyError) Unwrap() error { return e.kind }

func newError(kind error, format string, args ...any) error {
	return &keyError{kind: kind, msg: fmt.Sprintf(format, args...)}
}
