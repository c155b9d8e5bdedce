package jws

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"time"
)

// Options are what verification needs besides the token.
//
// Verify with Options proves that Freja signed a result and that the
// signing certificate was valid then: right for archives, but an approved
// result is a bearer token, so it does not protect against replay (a
// result captured once verifies for ever, for any session). A relying
// party verifying a result as it happens sets the live fields (ExpectRef,
// MaxAge, and ExpectUser or ExpectText where it knows them), or better
// calls VerifyLive, which requires them. Every live field's zero value
// means "not checked".
type Options struct {
	// Trust holds the certificates allowed to sign. Required.
	Trust *TrustStore
	// Environment is required: EnvFrejaProd or EnvFrejaTest limits trust
	// to that environment's certificates; EnvAny trusts every environment's
	// and must be passed explicitly. "" or another value is an
	// invalid_options error, so that a forgotten setting never lets
	// results signed by test certificates (anyone can create Freja test
	// users) pass as production ones. Certificates added with SourceFlag
	// and no tag count under every environment (the caller named them).
	Environment string
	// AllowUntagged lets certificates of the user's signer store that
	// carry no environment (added before tags were required) count under
	// every environment. Off, they are refused.
	AllowUntagged bool
	// At, if not zero, is the signing time to check the certificate at,
	// instead of the payload's timestamp (the CLI's --at).
	At time.Time
	// Now is the current time: the signing time when the payload has no
	// timestamp and At is zero, the time MaxAge and expiry warnings refer
	// to. Required (a zero Now is an invalid_options error); the package
	// never reads the clock.
	Now time.Time

	// ExpectStatus is the signed status a result must have; "" means
	// APPROVED. A payload with a status, authRef or signRef is a result;
	// a status that differs is a result_not_approved error.
	ExpectStatus string
	// ExpectRef, if set, is the authRef or signRef the relying party got
	// when it initiated the request; the signed one must equal it
	// (ref_mismatch).
	ExpectRef string
	// MaxAge, if not zero, is how long ago the result may have been signed:
	// the payload's timestamp must be within MaxAge (plus ClockSkew) before
	// Now (stale_result) and at most ClockSkew after it (future_timestamp);
	// a payload without a timestamp fails (missing_timestamp). At does not
	// change what MaxAge checks.
	MaxAge time.Duration
	// ExpectUser, if set, is the user the result must be about: the signed
	// userInfoType and userInfo must match (user_mismatch); see User.
	ExpectUser *User
	// ExpectText, if set, is the text a signature result's user was shown
	// and signed, and ExpectData (if not nil) the binary data of an
	// EXTENDED signature; both are compared byte for byte with the nested
	// user signature's payload, decoded as Freja encodes dataToSign
	// (signed_data_mismatch).
	ExpectText string
	ExpectData []byte
}

// ClockSkew is the allowance for the relying party's and Freja's clocks
// disagreeing, applied by Options.MaxAge in both directions.
const ClockSkew = time.Minute

// check refuses options a caller got wrong.
func (o *Options) check() error {
	if err := checkEnvironment(o.Environment); err != nil {
		return err
	}
	if o.Now.IsZero() {
		return newErr(CodeInvalidOptions, "pass the current time as Options.Now", nil, "Options.Now is zero")
	}
	if o.MaxAge < 0 {
		return newErr(CodeInvalidOptions, "give a positive maximum age", nil, "Options.MaxAge is negative")
	}
	return nil
}

// live reports whether an expectation that needs more than the scanned
// payload fields is set.
func (o *Options) live() bool {
	return o.ExpectUser != nil || o.ExpectText != "" || o.ExpectData != nil
}

// Where the signing time came from.
const (
	TimeFromPayload = "payload timestamp"
	TimeFromCaller  = "given time"
	TimeFromNow     = "current time"
)

// Result is the outcome of verifying one token. On failure Verify still
// returns the Result as far as it got (Header once the header was read,
// Signer once the certificate was found), so the caller can report them;
// Payload, Status and Ref are set only on success, so a failed result
// never carries a status or reference a caller could mistake for one.
type Result struct {
	Header *Header
	// Signer is the trusted certificate that verified the signature.
	Signer *TrustedCert
	// Payload is the verified payload (set only on success).
	Payload []byte
	// SigningTime is when the certificate was checked to be valid, and
	// TimeSource where that time came from (TimeFromPayload, …).
	SigningTime time.Time
	TimeSource  string
	// Status and Ref are the payload's status and authRef or signRef
	// (RefName says which); empty when the payload has none.
	Status, RefName, Ref string
	// Warnings are facts worth reporting that do not make the result
	// invalid, such as a certificate that has expired since signing.
	Warnings []string
}

// Verify checks a compact token: Parse's structure rules, CheckPolicy, the
// x5t lookup in opts.Trust for opts.Environment, the RS256 signature with
// the certificate's key, that the payload is one valid JSON object, the
// certificate's validity at the signing time, the signed status, and the
// live expectations opts sets. Every failure is an *Error (see the Code
// constants).
//
// Verify does not protect against replay unless opts sets ExpectRef and
// MaxAge: without them a result captured once verifies for ever. Use it for
// archives; verify results as they arrive with VerifyLive.
func Verify(token string, opts Options) (*Result, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	if len(token) > MaxTokenSize {
		return nil, tooLarge("token", len(token), MaxTokenSize)
	}
	v := newVerifier(opts)
	return v.verify([]byte(token), true)
}

// verifier verifies tokens one after another, reusing its buffers and
// remembering the headers it has parsed (Freja's are all alike). One
// verifier belongs to one goroutine.
type verifier struct {
	opts    Options
	headers map[string]*Header
	buf     []byte
	scratch Result
	digest  [sha256.Size]byte
	// fields are the last verified payload's (for the wrapper checks);
	// payload() returns its bytes until the next call.
	fields payloadFields
	sigLen int
}

// payload returns the last verified payload, valid until the next call.
func (v *verifier) payload() []byte { return v.buf[v.sigLen:] }

// maxCachedHeaders bounds the header cache of one verifier.
const maxCachedHeaders = 32

func newVerifier(opts Options) *verifier {
	return &verifier{opts: opts, headers: make(map[string]*Header)}
}

// header returns the parsed header of an encoded header part.
func (v *verifier) header(enc []byte) (*Header, error) {
	if h, ok := v.headers[string(enc)]; ok {
		return h, nil
	}
	raw, err := decodePart(nil, "header", enc)
	if err != nil {
		return nil, err
	}
	h, err := parseHeader(raw)
	if err != nil {
		return nil, err
	}
	if len(v.headers) < maxCachedHeaders {
		v.headers[string(enc)] = h
	}
	return h, nil
}

// verify checks one token. With keep false the Result is only valid until
// the next call and its Payload is left empty: the verifier reuses both.
func (v *verifier) verify(tok []byte, keep bool) (*Result, error) {
	p, err := split(tok)
	if err != nil {
		return nil, err
	}
	var res *Result
	if keep {
		res = &Result{}
	} else {
		// the batch reads the result before the next token: reuse it
		v.scratch = Result{Warnings: v.scratch.Warnings[:0]}
		res = &v.scratch
	}
	if res.Header, err = v.header(p.header); err != nil {
		return nil, err
	}
	if err := checkPolicy(res.Header, len(p.sig)); err != nil {
		return res, err
	}
	if v.opts.Trust == nil {
		return res, newErr(CodeUnknownX5T, hintUnknownX5T, nil, "no certificates are trusted")
	}
	if res.Signer, err = v.opts.Trust.lookup(res.Header.X5T, v.opts.Environment, v.opts.AllowUntagged); err != nil {
		return res, err
	}
	key := res.Signer.key
	if key.N.BitLen() < MinRSABits {
		return res, newErr(CodeWeakKey, "", nil, "the signing certificate has a %d-bit RSA key; at least %d bits are required",
			key.N.BitLen(), MinRSABits)
	}
	payload, err := v.checkSignature(p, key)
	if err != nil {
		if CodeOf(err) == CodeBadSignature {
			err = newErr(CodeBadSignature, "the token was altered, or signed by another key than the certificate's", err,
				"the signature does not verify with the certificate %s", res.Signer.describe())
		}
		return res, err
	}
	f, err := scanPayload(payload)
	if err != nil {
		return res, err
	}
	if err := v.checkTime(res, f); err != nil {
		return res, err
	}
	if err := v.opts.checkExpectations(f, payload); err != nil {
		return res, err
	}
	res.Status = f.status
	switch {
	case f.signRef != "":
		res.RefName, res.Ref = "signRef", f.signRef
	case f.authRef != "":
		res.RefName, res.Ref = "authRef", f.authRef
	}
	v.fields = f
	if keep {
		res.Payload = append([]byte(nil), payload...)
	}
	return res, nil
}

// checkSignature decodes the signature and payload of a split token and
// checks the RS256 signature over header.payload with key. The payload it
// returns lives in the verifier's buffer until the next call.
func (v *verifier) checkSignature(p parts, key *rsa.PublicKey) ([]byte, error) {
	buf, err := decodePart(v.buf[:0], "signature", p.sig)
	if err != nil {
		return nil, err
	}
	sigLen := len(buf)
	if buf, err = decodePart(buf, "payload", p.payload); err != nil {
		return nil, err
	}
	v.buf, v.sigLen = buf, sigLen
	sig, payload := buf[:sigLen], buf[sigLen:]
	v.digest = sha256.Sum256(p.signingInput)
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, v.digest[:], sig); err != nil {
		return nil, &Error{Code: CodeBadSignature, Message: "bad signature", Err: err}
	}
	return payload, nil
}

// checkTime decides the signing time and checks the certificate was valid
// then; expiry since then is a warning.
func (v *verifier) checkTime(res *Result, f payloadFields) error {
	switch {
	case !v.opts.At.IsZero():
		res.SigningTime, res.TimeSource = v.opts.At.UTC(), TimeFromCaller
	case f.hasTimestamp:
		res.SigningTime, res.TimeSource = time.UnixMilli(f.timestamp).UTC(), TimeFromPayload
	default:
		res.SigningTime, res.TimeSource = v.opts.Now.UTC(), TimeFromNow
		res.Warnings = append(res.Warnings, "the payload has no timestamp: the certificate was checked at the current time")
	}
	c := res.Signer.Certificate
	if !res.Signer.ValidAt(res.SigningTime) {
		what := "had expired"
		if res.SigningTime.Before(c.NotBefore) {
			what = "was not yet valid"
		}
		return newErr(CodeCertNotValidAt, "check the signing time (--at) and that the right certificate is trusted", nil,
			"the signing certificate %s at the signing time %s (%s); it is valid from %s to %s",
			what, stamp(res.SigningTime), res.TimeSource, stamp(c.NotBefore), stamp(c.NotAfter))
	}
	now := v.opts.Now
	if !now.IsZero() && now.After(c.NotAfter) {
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"the signing certificate expired on %s, after the result was signed: the result stays valid, "+
				"but Freja now signs with a newer certificate", stamp(c.NotAfter)))
	}
	if res.TimeSource == TimeFromPayload && !now.IsZero() && res.SigningTime.After(now.Add(5*time.Minute)) {
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"the payload's timestamp %s is in the future", stamp(res.SigningTime)))
	}
	return nil
}

// stamp formats a time for messages.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
