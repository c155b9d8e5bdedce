package jws

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// The only algorithm accepted, compared byte for byte.
const algRS256 = "RS256"

// ignoredForTrust are header members that carry or point to keys and
// certificates. They are shown but never used to decide trust.
var ignoredForTrust = []string{"jwk", "jku", "x5c", "x5u", "x5t#S256"}

// Header is a decoded JWS protected header.
type Header struct {
	// Alg, X5T and Kid are the string values of alg, x5t and kid, or ""
	// when absent or not a string.
	Alg, X5T, Kid string
	// Names lists the member names in the order they appear.
	Names []string
	// Raw is the header JSON exactly as it was in the token.
	Raw json.RawMessage

	members map[string]json.RawMessage
	policy  error // headerPolicy's verdict, computed once per parsed header
}

// Member returns the raw JSON value of a header member.
func (h *Header) Member(name string) (json.RawMessage, bool) {
	v, ok := h.members[name]
	return v, ok
}

// IgnoredForTrust lists the members present that name keys or certificates
// (jwk, jku, x5c, x5u, x5t#S256); they are ignored when deciding trust.
func (h *Header) IgnoredForTrust() []string {
	var out []string
	for _, n := range ignoredForTrust {
		if _, ok := h.members[n]; ok {
			out = append(out, n)
		}
	}
	return out
}

// parseHeader decodes a header that must be exactly one JSON object with
// unique member names. Duplicates are found by walking the tokens, since
// encoding/json silently keeps the last one.
func parseHeader(raw []byte) (*Header, error) {
	bad := func(cause error, format string, args ...any) (*Header, error) {
		return nil, newErr(CodeMalformed, hintMalformed, cause, format, args...)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return bad(err, "the header is not a JSON object")
	}
	h := &Header{Raw: append(json.RawMessage(nil), raw...), members: make(map[string]json.RawMessage, 4)}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return bad(err, "the header is not valid JSON")
		}
		name, _ := t.(string)
		if _, dup := h.members[name]; dup {
			return bad(nil, "the header has the member %s twice", Quote(name))
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return bad(err, "the header is not valid JSON")
		}
		h.members[name] = v
		h.Names = append(h.Names, name)
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return bad(err, "the header is not valid JSON")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bad(err, "the header has data after its JSON object")
	}
	h.Alg, _ = h.stringMember("alg")
	h.X5T, _ = h.stringMember("x5t")
	h.Kid, _ = h.stringMember("kid")
	h.policy = headerPolicy(h)
	return h, nil
}

// stringMember returns a member's value if it is present and a JSON string.
func (h *Header) stringMember(name string) (string, bool) {
	raw, ok := h.members[name]
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// CheckPolicy applies the rules Verify enforces on a parsed token before it
// looks up the key: alg exactly RS256, no crit, b64 absent or true, an x5t
// that is a base64url SHA-1 thumbprint, and a non-empty signature.
func (t *Token) CheckPolicy() error {
	return checkPolicy(t.Header, len(t.Signature))
}

func checkPolicy(h *Header, sigLen int) error {
	if h.policy != nil {
		var e Error
		if pe, ok := h.policy.(*Error); ok {
			e = *pe // a copy: the header, and its verdict, may be shared
			return &e
		}
		return h.policy
	}
	if sigLen == 0 {
		return newErr(CodeMalformed, hintMalformed, nil, "the signature part is empty")
	}
	return nil
}

// headerPolicy checks the header rules of checkPolicy.
func headerPolicy(h *Header) error {
	if raw, ok := h.members["alg"]; !ok {
		return newErr(CodeAlgNotAllowed, "Freja signs with RS256", nil, "the header has no alg; only RS256 is accepted")
	} else if alg, isStr := h.stringMember("alg"); !isStr || alg != algRS256 {
		return newErr(CodeAlgNotAllowed, "Freja signs with RS256; a token with another alg was not made by Freja", nil,
			"alg %s is not allowed; only \"RS256\" is accepted", Escape(string(raw)))
	}
	if _, ok := h.members["crit"]; ok {
		return newErr(CodeCritNotAllowed, "Freja's tokens carry no critical extensions", nil,
			"the header has crit, which is refused: no critical extension is supported")
	}
	if raw, ok := h.members["b64"]; ok && !bytes.Equal(raw, []byte("true")) {
		return newErr(CodeMalformed, hintMalformed, nil,
			"the header has b64 %s: unencoded payloads (RFC 7797) are refused", Escape(string(raw)))
	}
	raw, ok := h.members["x5t"]
	if !ok {
		return newErr(CodeMissingX5T, "Freja names its signing certificate with x5t; this token was not made by Freja", nil,
			"the header has no x5t naming the signing certificate")
	}
	x5t, isStr := h.stringMember("x5t")
	if !isStr || len(x5t) != 27 {
		return newErr(CodeMalformed, hintMalformed, nil,
			"x5t %s is not a base64url SHA-1 thumbprint (27 characters)", Escape(string(raw)))
	}
	if d, err := b64.DecodeString(x5t); err != nil || len(d) != 20 {
		return newErr(CodeMalformed, hintMalformed, err,
			"x5t %s is not a base64url SHA-1 thumbprint (27 characters)", Escape(string(raw)))
	}
	return nil
}
