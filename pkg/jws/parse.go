package jws

import (
	"bytes"
	"encoding/base64"
	"errors"
)

// MaxTokenSize is the largest compact token accepted, in bytes (1 MiB).
// Freja's results are a few kilobytes; anything this large is refused
// before it is decoded.
const MaxTokenSize = 1 << 20

// b64 is base64url without padding that also refuses non-canonical trailing
// bits, so each token has exactly one spelling.
var b64 = base64.RawURLEncoding.Strict()

// Token is a parsed compact JWS. Parse only checks its structure; whether
// it may be trusted is decided by Verify.
type Token struct {
	// Header is the decoded protected header.
	Header *Header
	// Payload is the decoded payload (for Freja, a JSON object).
	Payload []byte
	// Signature is the decoded signature.
	Signature []byte

	signingInput string
}

// SigningInput returns the ASCII "header.payload" the signature covers.
func (t *Token) SigningInput() string { return t.signingInput }

// Parse reads a compact JWS strictly: at most MaxTokenSize bytes, exactly
// three parts separated by dots, each canonical base64url without padding
// (no "=", no line breaks, no spaces), and a header that is one JSON object
// without duplicate member names. The payload and signature may be empty
// here; Verify refuses an empty signature. Parse does not look at alg, crit
// or x5t: see CheckPolicy.
func Parse(token string) (*Token, error) {
	if len(token) > MaxTokenSize {
		return nil, tooLarge("token", len(token), MaxTokenSize)
	}
	p, err := split([]byte(token))
	if err != nil {
		return nil, err
	}
	var t Token
	hb, err := decodePart(nil, "header", p.header)
	if err != nil {
		return nil, err
	}
	if t.Header, err = parseHeader(hb); err != nil {
		return nil, err
	}
	if t.Payload, err = decodePart(nil, "payload", p.payload); err != nil {
		return nil, err
	}
	if t.Signature, err = decodePart(nil, "signature", p.sig); err != nil {
		return nil, err
	}
	t.signingInput = token[:len(p.signingInput)]
	return &t, nil
}

// parts are the three base64url segments of a compact token, still encoded.
type parts struct {
	header, payload, sig []byte
	signingInput         []byte // header "." payload
}

// split cuts a compact token into its three parts without decoding them.
func split(tok []byte) (parts, error) {
	if len(tok) == 0 {
		return parts{}, newErr(CodeMalformed, hintMalformed, nil, "the token is empty")
	}
	if len(tok) > MaxTokenSize {
		return parts{}, tooLarge("token", len(tok), MaxTokenSize)
	}
	i := bytes.IndexByte(tok, '.')
	j := -1
	if i >= 0 {
		if j = bytes.IndexByte(tok[i+1:], '.'); j >= 0 {
			j += i + 1
		}
	}
	if i < 0 || j < 0 || bytes.IndexByte(tok[j+1:], '.') >= 0 {
		n := bytes.Count(tok, []byte{'.'}) + 1
		return parts{}, newErr(CodeMalformed, hintMalformed, nil,
			"a compact JWS has exactly three parts separated by dots; this has %d", n)
	}
	p := parts{header: tok[:i], payload: tok[i+1 : j], sig: tok[j+1:], signingInput: tok[:j]}
	if len(p.header) == 0 {
		return parts{}, newErr(CodeMalformed, hintMalformed, nil, "the header part is empty")
	}
	return p, nil
}

// decodePart appends the decoding of one base64url segment to dst.
func decodePart(dst []byte, name string, seg []byte) ([]byte, error) {
	if bytes.IndexByte(seg, '=') >= 0 {
		return nil, newErr(CodeMalformed, hintMalformed, nil,
			"the %s part has base64 padding '=', which compact JWS does not use", name)
	}
	if bytes.IndexByte(seg, '\n') >= 0 || bytes.IndexByte(seg, '\r') >= 0 {
		return nil, newErr(CodeMalformed, hintMalformed, nil, "the %s part contains a line break", name)
	}
	n := len(dst)
	need := b64.DecodedLen(len(seg))
	if cap(dst)-n < need {
		grown := make([]byte, n, n+need)
		copy(grown, dst)
		dst = grown
	}
	m, err := b64.Decode(dst[n:n+need], seg)
	if err != nil {
		var ce base64.CorruptInputError
		if errors.As(err, &ce) {
			return nil, newErr(CodeMalformed, hintMalformed, err,
				"the %s part is not canonical base64url: bad character or ending at offset %d", name, int64(ce))
		}
		return nil, newErr(CodeMalformed, hintMalformed, err, "the %s part is not base64url", name)
	}
	return dst[:n+m], nil
}

// tooLarge reports an input over its limit.
func tooLarge(what string, size, limit int) *Error {
	return newErr(CodeTooLarge, "Freja's results are a few kilobytes: check that the right input was given", nil,
		"the %s is %d bytes, over the limit of %d bytes", what, size, limit)
}
