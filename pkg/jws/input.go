package jws

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
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
	obj, err := strictObject(data, "the input")
	if err != nil {
		return nil, err
	}
	var lists []string
	for _, name := range []string{"authenticationResults", "signatureResults"} {
		if _, ok := obj[name]; ok {
			lists = append(lists, name)
		}
	}
	switch {
	case len(lists) > 1:
		return nil, newErr(CodeNotFrejaResult, hintResult, nil, "the input holds both authenticationResults and signatureResults")
	case len(lists) == 1 && len(obj) > 1:
		return nil, newErr(CodeNotFrejaResult, hintResult, nil,
			"the input holds %s and other members beside it: give the list Freja returned as it is", lists[0])
	case len(lists) == 1:
		kind := KindAuthentication
		if lists[0] == "signatureResults" {
			kind = KindSignature
		}
		return listInputs(lists[0], kind, obj[lists[0]])
	}
	in, err := resultInput(obj, "")
	if err != nil {
		return nil, err
	}
	return []Input{in}, nil
}

// listInputs reads the results of a list form.
func listInputs(name, kind string, raw json.RawMessage) ([]Input, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, newErr(CodeNotFrejaResult, hintResult, err, "%s is not a list", name)
	}
	if len(items) == 0 {
		return nil, newErr(CodeNotFrejaResult, hintResult, nil, "%s is empty", name)
	}
	out := make([]Input, 0, len(items))
	for i, item := range items {
		o, err := strictObject(item, fmt.Sprintf("%s[%d]", name, i))
		if err != nil {
			return nil, err
		}
		in, err := resultInput(o, kind)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", name, i, err)
		}
		in.Index = i
		out = append(out, in)
	}
	return out, nil
}

// resultMembers are the members of Freja's result objects and lists.
var resultMembers = []string{"authRef", "signRef", "status", "details", "requestedAttributes",
	"authenticationResults", "signatureResults", "userInfoType", "userInfo", "timestamp"}

// strictObject decodes the top-level members of a JSON object, refusing
// what lets two readers see different results: a member name twice (after
// unescaping), and a case variant of a member Freja defines ("AuthRef",
// which Go's encoding/json matches to authRef).
func strictObject(data []byte, what string) (map[string]json.RawMessage, error) {
	bad := func(cause error, format string, args ...any) error {
		return newErr(CodeNotFrejaResult, hintResult, cause, what+" "+format, args...)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, bad(err, "is not a JSON object")
	}
	obj := make(map[string]json.RawMessage)
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, bad(err, "is not valid JSON: %v", err)
		}
		name, _ := t.(string)
		if _, dup := obj[name]; dup {
			return nil, bad(nil, "has the member %s twice", Quote(name))
		}
		for _, known := range resultMembers {
			if name != known && strings.EqualFold(name, known) {
				return nil, bad(nil, "has the member %s, a case variant of %s", Quote(name), known)
			}
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, bad(err, "is not valid JSON: %v", err)
		}
		obj[name] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, bad(err, "is not valid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad(nil, "has data after its JSON object")
	}
	return obj, nil
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

// VerifyInput verifies an Input's token and, for a result object, that
// what it states outside the signature matches the signed details: its
// status, every reference it has (authRef, signRef), its
// requestedAttributes, and for an entry of a list that the signed payload
// is of the list's kind. A mismatch (details copied from another result) is
// a details_mismatch *Error. On any failure the Result carries no Status or
// Ref.
func VerifyInput(in Input, opts Options) (*Result, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	if len(in.Token) > MaxTokenSize {
		return nil, tooLarge("token", len(in.Token), MaxTokenSize)
	}
	v := newVerifier(opts)
	return v.verifyInput(in, true)
}

// verifyInput verifies one input with the wrapper checks.
func (v *verifier) verifyInput(in Input, keep bool) (*Result, error) {
	res, err := v.verify([]byte(in.Token), keep)
	if err != nil {
		return res, err
	}
	if err := checkWrapper(in, v.fields, v.payload()); err != nil {
		res.Status, res.RefName, res.Ref, res.Payload = "", "", "", nil
		return res, err
	}
	return res, nil
}

// checkWrapper compares a result object's unsigned members with the signed
// ones.
func checkWrapper(in Input, f payloadFields, payload []byte) error {
	const hintRef = "match results by the reference inside the verified details, never by the outer one"
	for _, ref := range []struct{ name, signed string }{{"authRef", f.authRef}, {"signRef", f.signRef}} {
		raw, ok := in.Fields[ref.name]
		if !ok || bytes.Equal(raw, []byte("null")) {
			continue
		}
		var outer string
		if json.Unmarshal(raw, &outer) != nil || outer != ref.signed {
			return newErr(CodeDetailsMismatch, hintRef, nil,
				"the result's %s is not the %s in its signed details: the details belong to another result", ref.name, ref.name)
		}
	}
	if in.Status != "" && in.Status != f.status {
		return newErr(CodeDetailsMismatch, "trust the status inside the verified details, never the outer one", nil,
			"the result's status %s is not the signed status %s", Quote(in.Status), Quote(f.status))
	}
	if raw, ok := in.Fields["requestedAttributes"]; ok && !bytes.Equal(raw, []byte("null")) {
		var signed []byte
		if f.reqAttrs[1] > 0 {
			signed = payload[f.reqAttrs[0]:f.reqAttrs[1]]
		}
		if !jsonEqual(raw, signed) {
			return newErr(CodeDetailsMismatch, "read the user's attributes from the verified details, never from the outer result", nil,
				"the result's requestedAttributes are not the signed ones")
		}
	}
	if in.Index >= 0 {
		switch {
		case in.Kind == KindAuthentication && (f.authRef == "" || f.signRef != ""):
			return newErr(CodeDetailsMismatch, hintRef, nil, "authenticationResults[%d] holds details that are not an authentication result", in.Index)
		case in.Kind == KindSignature && (f.signRef == "" || f.authRef != ""):
			return newErr(CodeDetailsMismatch, hintRef, nil, "signatureResults[%d] holds details that are not a signature result", in.Index)
		}
	}
	return nil
}

// jsonEqual reports whether two JSON texts hold the same value.
func jsonEqual(a, b []byte) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
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
