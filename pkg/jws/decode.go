package jws

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// UnverifiedNote labels everything Decode returns.
const UnverifiedNote = "UNVERIFIED: decoded without checking the signature; anyone could have written this"

// Decoded is a token read without verification, for 'jws decode'.
type Decoded struct {
	// Unverified is always true: nothing in a Decoded has been checked.
	Unverified bool   `json:"unverified"`
	Note       string `json:"note"`
	// Header is the protected header JSON as it was in the token.
	Header json.RawMessage `json:"header"`
	// Payload is the payload when it is JSON; PayloadText otherwise.
	Payload     json.RawMessage `json:"payload,omitempty"`
	PayloadText string          `json:"payload_text,omitempty"`
	// Explanation describes a Freja payload (nil when the payload is not a
	// JSON object).
	Explanation *Explanation `json:"explanation,omitempty"`
	// IgnoredForTrust lists header members naming keys or certificates,
	// which verification ignores.
	IgnoredForTrust []string `json:"ignored_for_trust,omitempty"`
	// Refused, if not nil, is why Verify would refuse the token before even
	// looking up its certificate (CheckPolicy).
	Refused *Error `json:"refused,omitempty"`
}

// MarshalJSON lets *Error appear as {"code","message","hint"} in a Decoded.
func (e *Error) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Hint    string `json:"hint,omitempty"`
	}{e.Code, e.Message, e.Hint})
}

// Decode parses a compact token (Parse's structure rules apply) and
// returns its header and payload without verifying anything.
func Decode(token string) (*Decoded, error) {
	t, err := Parse(token)
	if err != nil {
		return nil, err
	}
	d := &Decoded{Unverified: true, Note: UnverifiedNote, Header: t.Header.Raw,
		IgnoredForTrust: t.Header.IgnoredForTrust()}
	if json.Valid(t.Payload) {
		d.Payload = t.Payload
		if e, err := Explain(t.Payload); err == nil {
			d.Explanation = e
		}
	} else {
		d.PayloadText = strings.ToValidUTF8(string(t.Payload), "\uFFFD")
		if !utf8.Valid(t.Payload) {
			d.PayloadText = fmt.Sprintf("(binary payload of %d bytes)", len(t.Payload))
		}
	}
	if err := t.CheckPolicy(); err != nil {
		d.Refused, _ = err.(*Error)
	}
	return d, nil
}
