package jws

import (
	"errors"
	"fmt"
)

// Stable error codes. The CLI prints them as error.code in JSON output and
// scripts match on them, so they never change meaning.
const (
	CodeMalformed         = "malformed"
	CodeAlgNotAllowed     = "alg_not_allowed"
	CodeCritNotAllowed    = "crit_not_allowed"
	CodeMissingX5T        = "missing_x5t"
	CodeUnknownX5T        = "unknown_x5t"
	CodeBadSignature      = "bad_signature"
	CodeCertNotValidAt    = "cert_not_valid_at_signing_time"
	CodeTooLarge          = "too_large"
	CodeWeakKey           = "weak_key"
	CodeNotRSA            = "not_rsa"
	CodeCACertificate     = "ca_certificate"
	CodeBadCertificate    = "bad_certificate"
	CodeDetailsMismatch   = "details_mismatch"
	CodeNotFrejaResult    = "not_a_result"
	CodeResultNotApproved = "result_not_approved"
	// Live verification (Options.ExpectRef, MaxAge, ExpectUser, ExpectText,
	// ExpectData; see VerifyLive).
	CodeRefMismatch        = "ref_mismatch"
	CodeStaleResult        = "stale_result"
	CodeMissingTimestamp   = "missing_timestamp"
	CodeFutureTimestamp    = "future_timestamp"
	CodeUserMismatch       = "user_mismatch"
	CodeSignedDataMismatch = "signed_data_mismatch"
	// Trust: a certificate that says Test tagged freja-prod, a signer store
	// that others can change, and options a caller got wrong.
	CodeTestCertificate = "test_certificate"
	CodeInsecureStore   = "insecure_signer_store"
	CodeInvalidOptions  = "invalid_options"
)

// Error is every error this package returns for a token, result or
// certificate it refuses. Code is one of the Code constants, Message a
// lowercase sentence without trailing period, Hint (possibly empty) what
// fixes it, and Err the underlying cause if there is one.
//
// errors.Is(err, ErrX) holds when err is or wraps an *Error with ErrX's Code.
type Error struct {
	Code    string
	Message string
	Hint    string
	Err     error
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Message
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same Code, so that every
// error of a kind matches that kind's sentinel.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels, one per Code, for errors.Is.
var (
	// ErrMalformed: not a compact JWS, bad base64url, padding, a header that
	// is not one JSON object or has duplicate members, an empty signature,
	// b64 other than true, or a payload field of the wrong type.
	ErrMalformed = &Error{Code: CodeMalformed, Message: "malformed JWS"}
	// ErrAlgNotAllowed: alg is missing or anything but exactly "RS256".
	ErrAlgNotAllowed = &Error{Code: CodeAlgNotAllowed, Message: "algorithm not allowed"}
	// ErrCritNotAllowed: the header has a crit member.
	ErrCritNotAllowed = &Error{Code: CodeCritNotAllowed, Message: "crit header not allowed"}
	// ErrMissingX5T: the header names no certificate with x5t.
	ErrMissingX5T = &Error{Code: CodeMissingX5T, Message: "x5t header missing"}
	// ErrUnknownX5T: x5t names no certificate in the trust store (or none
	// of the requested environment).
	ErrUnknownX5T = &Error{Code: CodeUnknownX5T, Message: "unknown signing certificate"}
	// ErrBadSignature: the signature does not verify with the certificate's key.
	ErrBadSignature = &Error{Code: CodeBadSignature, Message: "bad signature"}
	// ErrCertNotValidAtSigningTime: the certificate was not yet or no longer
	// valid at the signing time.
	ErrCertNotValidAtSigningTime = &Error{Code: CodeCertNotValidAt, Message: "certificate not valid at signing time"}
	// ErrTooLarge: a token, line or input is over its size limit.
	ErrTooLarge = &Error{Code: CodeTooLarge, Message: "input too large"}
	// ErrWeakKey: the certificate's RSA key has fewer than MinRSABits bits.
	ErrWeakKey = &Error{Code: CodeWeakKey, Message: "RSA key too small"}
	// ErrNotRSA: a certificate given as trust has a key that is not RSA.
	ErrNotRSA = &Error{Code: CodeNotRSA, Message: "not an RSA certificate"}
	// ErrCACertificate: a certificate given as trust is a CA certificate.
	ErrCACertificate = &Error{Code: CodeCACertificate, Message: "CA certificate given as signing certificate"}
	// ErrBadCertificate: certificate data could not be read.
	ErrBadCertificate = &Error{Code: CodeBadCertificate, Message: "unreadable certificate"}
	// ErrDetailsMismatch: a Freja result object's authRef/signRef or status
	// differs from the one in its signed details.
	ErrDetailsMismatch = &Error{Code: CodeDetailsMismatch, Message: "result does not match its signed details"}
	// ErrNotFrejaResult: JSON input that is neither a Freja result object
	// nor one of the list forms.
	ErrNotFrejaResult = &Error{Code: CodeNotFrejaResult, Message: "not a Freja result"}
	// ErrResultNotApproved: a Freja result without details, i.e. one that
	// was not approved and so carries nothing signed, or a signed status
	// other than the expected one (APPROVED unless Options.ExpectStatus).
	ErrResultNotApproved = &Error{Code: CodeResultNotApproved, Message: "result not approved"}
	// ErrRefMismatch: the signed authRef/signRef is not Options.ExpectRef.
	ErrRefMismatch = &Error{Code: CodeRefMismatch, Message: "result for another request"}
	// ErrStaleResult: signed longer than Options.MaxAge (plus ClockSkew) ago.
	ErrStaleResult = &Error{Code: CodeStaleResult, Message: "result too old"}
	// ErrMissingTimestamp: Options.MaxAge is set and the payload has no
	// timestamp.
	ErrMissingTimestamp = &Error{Code: CodeMissingTimestamp, Message: "result has no timestamp"}
	// ErrFutureTimestamp: Options.MaxAge is set and the payload's timestamp
	// is more than ClockSkew after Now.
	ErrFutureTimestamp = &Error{Code: CodeFutureTimestamp, Message: "result signed in the future"}
	// ErrUserMismatch: the signed user is not Options.ExpectUser.
	ErrUserMismatch = &Error{Code: CodeUserMismatch, Message: "result for another user"}
	// ErrSignedDataMismatch: what the user signed is not Options.ExpectText
	// or Options.ExpectData.
	ErrSignedDataMismatch = &Error{Code: CodeSignedDataMismatch, Message: "user signed other data"}
	// ErrTestCertificate: a certificate whose subject or issuer says Test
	// was to be trusted for freja-prod.
	ErrTestCertificate = &Error{Code: CodeTestCertificate, Message: "test certificate tagged freja-prod"}
	// ErrInsecureStore: a file or folder of the signer store (or a folder
	// above it, up to the user config folder) is not owned by the user or
	// root, or is writable by group or others.
	ErrInsecureStore = &Error{Code: CodeInsecureStore, Message: "signer store writable by others"}
	// ErrInvalidOptions: Options (or LiveOptions) a caller got wrong: no
	// Environment, an unknown one, a zero Now, or a missing live field.
	ErrInvalidOptions = &Error{Code: CodeInvalidOptions, Message: "invalid verification options"}
)

// Hints that several errors share.
const (
	hintUnknownX5T = "add the signing certificate with 'caronboard jws trust add --env freja-prod FILE' (freja-test for a test one), or pass --cert FILE; " +
		"Freja rotates its JWS signing certificate about every three years"
	hintMalformed = "give the compact JWS exactly as Freja returned it in the result's details field"
)

// newErr builds an *Error with a formatted message.
func newErr(code, hint string, cause error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Hint: hint, Err: cause}
}

// CodeOf returns the Code of the *Error in err's chain, or "" if there is none.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
