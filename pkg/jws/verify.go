package jws

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"time"
)

// Options are what verification needs besides the token.
type Options struct {
	// Trust holds the certificates allowed to sign. Required.
	Trust *TrustStore
	// Environment, if set (EnvFrejaTest or EnvFrejaProd), limits trust to
	// that environment's certificates and to untagged ones (see Lookup).
	Environment string
	// At, if not zero, is the signing time to check the certificate at,
	// instead of the payload's timestamp (the CLI's --at).
	At time.Time
	// Now is the current time: the signing time when the payload has no
	// timestamp and At is zero, and the time expiry warnings refer to.
	// Required; the package never reads the clock.
	Now time.Time
}

// Where the signing time came from.
const (
	TimeFromPayload = "payload timestamp"
	TimeFromCaller  = "given time"
	TimeFromNow     = "current time"
)

// Result is the outcome of verifying one token. On failure Verify still
// returns the Result as far as it got (Header once the header was read,
// Signer once the certificate was found), so the caller can report them.
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
// x5t lookup in opts.Trust, the RS256 signature with the certificate's key,
// and the certificate's validity at the signing time. Every failure is an
// *Error (see the Code constants).
func Verify(token string, opts Options) (*Result, error) {
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
}

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
	if res.Signer, err = v.opts.Trust.Lookup(res.Header.X5T, v.opts.Environment); err != nil {
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
	res.Status = f.status
	switch {
	case f.signRef != "":
		res.RefName, res.Ref = "signRef", f.signRef
	case f.authRef != "":
		res.RefName, res.Ref = "authRef", f.authRef
	}
	if err := v.checkTime(res, f); err != nil {
		return res, err
	}
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
	v.buf = buf
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
