package jws

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// MaxInputSize is the largest input ReadInput and ParseInput accept: a list
// of results holds several tokens, each at most MaxTokenSize.
const MaxInputSize = 8 << 20

// Kinds of input.
const (
	KindToken          = "token"
	KindAuthentication = "authentication result"
	KindSignature      = "signature result"
)

// Input is one token to verify, as found in what the user gave.
type Input struct {
	// Token is the compact JWS (for a result object, its details).
	Token string
	// Kind is KindToken, KindAuthentication or KindSignature.
	Kind string
	// Index is the position in a list form (authenticationResults or
	// signatureResults), -1 otherwise.
	Index int
	// Status, RefName ("authRef" or "signRef") and Ref are what the
	// result object said outside its signed details: unverified.
	Status, RefName, Ref string
	// Fields holds every member of the result object except details, kept
	// as raw JSON (nil for a bare token).
	Fields map[string]json.RawMessage
}

// ParseInput reads what a user gives to decode or verify: a bare compact
// token (surrounding white space and a byte order mark are ignored), one
// Freja result object ({"authRef"|"signRef", "status", "details", …}), or
// the list forms {"authenticationResults":[…]} and {"signatureResults":[…]},
// which yield every result in order. A result without details (one that
// was not approved) is a result_not_approved *Error.
func ParseInput(data []byte) ([]Input, error) {
	if len(data) > MaxInputSize {
		return nil, tooLarge("input", len(data), MaxInputSize)
	}
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(data) == 0 {
		return nil, newErr(CodeMalformed, hintMalformed, nil, "the input is empty")
	}
	if data[0] != '{' {
		return []Input{{Token: string(data), Kind: KindToken, Index: -1}}, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, newErr(CodeNotFrejaResult, hintResult, err, "the input is not valid JSON: %v", err)
	}
	for _, list := range []struct{ name, kind string }{
		{"authenticationResults", KindAuthentication}, {"signatureResults", KindSignature},
	} {
		raw, ok := obj[list.name]
		if !ok {
			continue
		}
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, newErr(CodeNotFrejaResult, hintResult, err, "%s is not a list", list.name)
		}
		if len(items) == 0 {
			return nil, newErr(CodeNotFrejaResult, hintResult, nil, "%s is empty", list.name)
		}
		out := make([]Input, 0, len(items))
		for i, item := range items {
			var o map[string]json.RawMessage
			if err := json.Unmarshal(item, &o); err != nil || o == nil {
				return nil, newErr(CodeNotFrejaResult, hintResult, err, "%s[%d] is not an object", list.name, i)
			}
			in, err := resultInput(o, list.kind)
			if err != nil {
				return nil, fmt.Errorf("%s[%d]: %w", list.name, i, err)
			}
			in.Index = i
			out = append(out, in)
		}
		return out, nil
	}
	in, err := resultInput(obj, "")
	if err != nil {
		return nil, err
	}
	return []Input{in}, nil
}

const hintResult = "give a compact token, a Freja result object with its details field, " +
	"or the authenticationResults/signatureResults list Freja returned"

// resultInput takes the details of one result object.
func resultInput(o map[string]json.RawMessage, kind string) (Input, error) {
	in := Input{Index: -1, Kind: kind, Fields: make(map[string]json.RawMessage, len(o))}
	for k, v := range o {
		if k != "details" {
			in.Fields[k] = v
		}
	}
	str := func(name string) (string, error) {
		raw, ok := o[name]
		if !ok || bytes.Equal(raw, []byte("null")) {
			return "", nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", newErr(CodeNotFrejaResult, hintResult, err, "%s is not a string", name)
		}
		return s, nil
	}
	var err error
	if in.Status, err = str("status"); err != nil {
		return in, err
	}
	for _, name := range []string{"signRef", "authRef"} {
		ref, err := str(name)
		if err != nil {
			return in, err
		}
		if ref != "" && in.RefName == "" {
			in.RefName, in.Ref = name, ref
		}
	}
	switch {
	case kind != "":
	case in.RefName == "signRef":
		in.Kind = KindSignature
	case in.RefName == "authRef":
		in.Kind = KindAuthentication
	}
	details, err := str("details")
	if err != nil {
		return in, err
	}
	if details == "" {
		if in.Kind == "" && in.Status == "" {
			return in, newErr(CodeNotFrejaResult, hintResult, nil,
				"the JSON object has no details, authRef, signRef or status: it is not a Freja result")
		}
		return in, newErr(CodeResultNotApproved, "Freja signs only approved results; only those carry details", nil,
			"the result has status %q and no details to verify", in.Status)
	}
	if in.Kind == "" {
		in.Kind = KindToken
	}
	in.Token = details
	return in, nil
}

// VerifyInput verifies an Input's token and, for a result object, that the
// status and reference it states outside the signature match the signed
// ones: a mismatch (details copied from another result) is a
// details_mismatch *Error.
func VerifyInput(in Input, opts Options) (*Result, error) {
	res, err := Verify(in.Token, opts)
	if err != nil {
		return res, err
	}
	return res, checkWrapper(in, res)
}

// checkWrapper compares a result object's unsigned status and reference
// with the signed ones.
func checkWrapper(in Input, res *Result) error {
	if in.RefName != "" && (res.RefName != in.RefName || res.Ref != in.Ref) {
		return newErr(CodeDetailsMismatch, "match results by the reference inside the verified details, never by the outer one", nil,
			"the result's %s is not the %s in its signed details: the details belong to another result", in.RefName, in.RefName)
	}
	if in.Status != "" && res.Status != "" && in.Status != res.Status {
		return newErr(CodeDetailsMismatch, "trust the status inside the verified details, never the outer one", nil,
			"the result's status %q is not the signed status %q", in.Status, res.Status)
	}
	return nil
}

// ReadInput reads a whole input (a token or result JSON, as for ParseInput)
// from r, refusing it as too_large as soon as it passes MaxInputSize bytes,
// without reading the rest.
func ReadInput(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInputSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxInputSize {
		return nil, newErr(CodeTooLarge, "Freja's results are a few kilobytes: check that the right input was given", nil,
			"the input is over the limit of %d bytes", MaxInputSize)
	}
	return data, nil
}
