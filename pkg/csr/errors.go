package csr

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error caused by the input (a field, a key, a file)
// wraps one of them, so callers can classify failures with errors.Is.
var (
	// ErrInvalidSubject means one or more subject fields break a rule.
	ErrInvalidSubject = errors.New("invalid subject")
	// ErrKeyPolicy means the key's algorithm or size is not accepted by the profile.
	ErrKeyPolicy = errors.New("key not accepted by the profile")
	// ErrUnknownProfile means a profile name is neither "car" nor "freja".
	ErrUnknownProfile = errors.New("unknown profile")
	// ErrMalformedCSR means the data is not a readable certificate request.
	ErrMalformedCSR = errors.New("malformed certificate request")
	// ErrBadSignature means the request's self-signature does not verify.
	ErrBadSignature = errors.New("certificate request signature does not verify")
	// ErrMalformedName means DER data is not a distinguished name.
	ErrMalformedName = errors.New("malformed distinguished name")
)

// FieldError describes one problem with one subject field.
type FieldError struct {
	// Field is the field's name: "C", "organizationIdentifier", "OU", "O" or "CN".
	Field string
	// Value is the value as given.
	Value string
	// Reason says what is wrong, e.g. `contains "&", which Freja does not accept`.
	Reason string
	// Hint says how to fix it, e.g. `write "and" or drop it`.
	Hint string
}

// Error returns the field name followed by the reason.
func (e *FieldError) Error() string { return e.Field + " " + e.Reason }

// Unwrap returns ErrInvalidSubject.
func (e *FieldError) Unwrap() error { return ErrInvalidSubject }

// ValidationError collects every problem found in one subject input.
type ValidationError struct {
	Profile Profile
	Fields  []*FieldError
}

// Error returns a one-line summary naming every field with a problem.
func (e *ValidationError) Error() string {
	switch len(e.Fields) {
	case 0:
		return ErrInvalidSubject.Error()
	case 1:
		return e.Fields[0].Error()
	}
	msgs := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		msgs[i] = f.Error()
	}
	return fmt.Sprintf("%d problems in the %s subject: %s", len(e.Fields), e.Profile.DisplayName(), strings.Join(msgs, "; "))
}

// Is reports whether target is ErrInvalidSubject.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidSubject }

// Unwrap returns the field errors.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		errs[i] = f
	}
	return errs
}

// KeyPolicyError says why a profile does not accept a key.
type KeyPolicyError struct {
	// Profile is the profile whose policy was applied; empty when the key is
	// unusable regardless of profile.
	Profile Profile
	// Algorithm and Bits describe the key, as KeyDescription does.
	Algorithm string
	Bits      int
	// Reason completes "key …", e.g. "is RSA 2048-bit; CAR requires exactly 4096 bits".
	Reason string
	// Fix says how to fix it (returned by Hint).
	Fix string
}

// Error returns "key " followed by the reason.
func (e *KeyPolicyError) Error() string { return "key " + e.Reason }

// Hint says how to fix it.
func (e *KeyPolicyError) Hint() string { return e.Fix }

// Unwrap returns ErrKeyPolicy.
func (e *KeyPolicyError) Unwrap() error { return ErrKeyPolicy }

// MalformedError says, in plain words, why data is not a readable certificate
// request and what it seems to be instead.
type MalformedError struct {
	// Reason completes "not a readable certificate request: …".
	Reason string
	// Fix says what to do instead (returned by Hint).
	Fix string
	// Err is the low-level decoding error, if any; it is kept for debugging
	// and not shown by Error.
	Err error
}

// Hint says what to do instead.
func (e *MalformedError) Hint() string { return e.Fix }

// Error returns the plain-words reason.
func (e *MalformedError) Error() string { return "not a readable certificate request: " + e.Reason }

// Unwrap returns ErrMalformedCSR and the low-level error.
func (e *MalformedError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrMalformedCSR}
	}
	return []error{ErrMalformedCSR, e.Err}
}
