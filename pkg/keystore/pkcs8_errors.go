package keystore

import "fmt"

// The hints of the encrypted-key errors. Every command they print works on
// OpenSSL 3 as printed: the legacy provider is loaded for the schemes OpenSSL 3
// only reads with it (RC2, RC4, single DES, MD5), and the default provider
// beside it for the AES-256-CBC output. openssl asks for both passphrases.
const (
	// convertHint converts any encrypted key openssl reads into the form
	// this package writes. A test runs it exactly as printed.
	convertHint = "convert a copy with: openssl pkcs8 -topk8 -v2 aes-256-cbc -provider legacy -provider default -in OLD -out NEW"
	// damagedHint is for a key that cannot be parsed at all.
	damagedHint = "the key file is damaged or cut short: use an intact copy"
	// costHint is for a key whose key-derivation cost is beyond the limits.
	costHint = "if you trust the file, re-encrypt a copy at a normal cost with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in OLD -out NEW"
)

// hintError is a key error with a hint and, when there is one, the
// underlying error. Error() is the message alone (plain words); errors.Is
// matches both the sentinel kind and the cause; Hint() is what fixes it
// (empty when the command layer's hint for the sentinel says it best, as for
// a wrong passphrase).
type hintError struct {
	kind  error
	msg   string
	hint  string
	cause error
}

func (e *hintError) Error() string { return e.msg }

// Hint says how to fix the problem.
func (e *hintError) Hint() string { return e.hint }

// Unwrap returns the sentinel and the cause, for errors.Is and errors.As.
func (e *hintError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// keyErr builds a *hintError; cause may be nil.
func keyErr(kind error, cause error, hint, format string, args ...any) error {
	return &hintError{kind: kind, msg: fmt.Sprintf(format, args...), hint: hint, cause: cause}
}

// damagedKey is the error of an encrypted PKCS#8 key that cannot be parsed.
func damagedKey(cause error) error {
	return keyErr(ErrMalformedKey, cause, damagedHint, "the encrypted PKCS#8 key is damaged or truncated")
}

// unsupportedScheme is the error of an encryption scheme this package does not
// read; the hint converts it.
func unsupportedScheme(format string, args ...any) error {
	return keyErr(ErrUnsupportedFormat, nil, convertHint, format, args...)
}

// tooCostly is the error of key-derivation parameters above the limits.
func tooCostly(format string, args ...any) error {
	return keyErr(ErrUnsupportedFormat, nil, costHint, format, args...)
}
