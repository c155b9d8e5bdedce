package jws

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// payloadFields are the members of a Freja payload that verification and
// the batch output need: the signing time, the status and reference, and
// where requestedAttributes is (compared with a result object's).
type payloadFields struct {
	hasTimestamp bool
	timestamp    int64 // milliseconds since the epoch
	hasStatus    bool
	status       string
	authRef      string
	signRef      string
	// reqAttrs is the span of requestedAttributes' value in the payload;
	// both 0 when it is absent.
	reqAttrs [2]int
}

// maxNesting is encoding/json's limit on nested arrays and objects.
const maxNesting = 10000

// scanPayload checks that a payload is one valid JSON object — exactly
// what json.Valid accepts, with an object at the top — and finds the
// top-level timestamp, status, authRef, signRef and requestedAttributes
// without decoding the rest: Freja's signature payloads carry kilobytes of
// nested signature and OCSP data, and a full decode (or json.Valid, which
// is slower still) would cost more than the RSA verification itself. It
// runs only on payloads whose signature has verified. The members are
// decoded exactly as encoding/json would (a differential fuzz test checks
// this and the validity verdict against json.Valid); a duplicate of a
// member Freja defines, a timestamp that is not an integer, or a status or
// reference that is not a string is refused.
func scanPayload(p []byte) (payloadFields, error) {
	var f payloadFields
	i := skipWS(p, 0)
	if i >= len(p) || p[i] != '{' {
		if json.Valid(p) {
			return f, payloadErr("the payload is JSON but not an object")
		}
		return f, payloadErr("the payload is not a JSON object")
	}
	seen := 0 // bit set of the members found
	i = skipWS(p, i+1)
	if i < len(p) && p[i] == '}' {
		return f, trailing(p, i+1)
	}
	for {
		if i >= len(p) || p[i] != '"' {
			return f, payloadErr("a member name was expected at offset %d", i)
		}
		ks, ke, err := scanString(p, i)
		if err != nil {
			return f, err
		}
		i = skipWS(p, ke)
		if i >= len(p) || p[i] != ':' {
			return f, payloadErr("':' was expected at offset %d", i)
		}
		i = skipWS(p, i+1)
		key, bit, err := memberBit(p[ks:ke])
		if err != nil {
			return f, err
		}
		if bit != 0 {
			if seen&bit != 0 {
				return f, payloadErr("the payload has the member %q twice", key)
			}
			seen |= bit
		}
		end, err := skipValue(p, i, 2)
		if err != nil {
			return f, err
		}
		if bit != 0 {
			if err := f.set(key, p[i:end], i); err != nil {
				return f, err
			}
		}
		i = skipWS(p, end)
		if i < len(p) && p[i] == ',' {
			i = skipWS(p, i+1)
			continue
		}
		if i < len(p) && p[i] == '}' {
			return f, trailing(p, i+1)
		}
		return f, payloadErr("',' or '}' was expected at offset %d", i)
	}
}

// set stores one of the members scanPayload looks for.
func (f *payloadFields) set(key string, raw []byte, off int) error {
	switch key {
	case "requestedAttributes":
		f.reqAttrs = [2]int{off, off + len(raw)}
		return nil
	case "userInfoType", "userInfo", "signatureType", "signatureData":
		return nil // only checked for duplicates
	}
	if key == "timestamp" {
		if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
			return payloadErr("timestamp %s is not a number", Escape(string(raw)))
		}
		ms, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return payloadErr("timestamp %s is not a whole number of milliseconds", Escape(string(raw)))
		}
		f.timestamp, f.hasTimestamp = ms, true
		return nil
	}
	if len(raw) == 0 || raw[0] != '"' {
		return payloadErr("%s %s is not a string", key, Escape(string(raw)))
	}
	s, err := jsonString(raw)
	if err != nil {
		return err
	}
	switch key {
	case "status":
		f.status, f.hasStatus = s, true
	case "authRef":
		f.authRef = s
	case "signRef":
		f.signRef = s
	}
	return nil
}

// memberBit names the member whose quoted name is q and returns its bit in
// scanPayload's set, or 0 for a member it does not look for.
func memberBit(q []byte) (string, int, error) {
	name := q[1 : len(q)-1]
	if bytes.IndexByte(name, '\\') >= 0 || !isPlainASCII(name) {
		s, err := jsonString(q)
		if err != nil {
			return "", 0, err
		}
		name = []byte(s)
	}
	switch string(name) {
	case "timestamp":
		return "timestamp", 1, nil
	case "status":
		return "status", 2, nil
	case "authRef":
		return "authRef", 4, nil
	case "signRef":
		return "signRef", 8, nil
	case "requestedAttributes":
		return "requestedAttributes", 16, nil
	case "userInfoType":
		return "userInfoType", 32, nil
	case "userInfo":
		return "userInfo", 64, nil
	case "signatureType":
		return "signatureType", 128, nil
	case "signatureData":
		return "signatureData", 256, nil
	}
	return "", 0, nil
}

func isPlainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x80 {
			return false
		}
	}
	return true
}

// jsonString decodes a quoted JSON string, taking the fast path when it
// holds nothing but printable ASCII without escapes.
func jsonString(q []byte) (string, error) {
	if in := q[1 : len(q)-1]; isPlainASCII(in) && bytes.IndexByte(in, '\\') < 0 {
		return string(q[1 : len(q)-1]), nil
	}
	var s string
	if err := json.Unmarshal(q, &s); err != nil {
		return "", payloadErr("the payload has a bad string: %v", err)
	}
	return s, nil
}

// scanString returns the span of the string starting at p[i] == '"',
// quotes included, checking it as encoding/json does: no control
// characters, only the escapes \" \\ \/ \b \f \n \r \t and \uXXXX.
func scanString(p []byte, i int) (start, end int, err error) {
	for j := i + 1; j < len(p); j++ {
		switch c := p[j]; {
		case c == '"':
			return i, j + 1, nil
		case c == '\\':
			j++
			if j >= len(p) {
				break
			}
			switch p[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(p) || !isHex(p[j+1]) || !isHex(p[j+2]) || !isHex(p[j+3]) || !isHex(p[j+4]) {
					return 0, 0, payloadErr("a bad \\u escape at offset %d", j-1)
				}
				j += 4
			default:
				return 0, 0, payloadErr("a bad escape at offset %d", j-1)
			}
		case c < 0x20:
			return 0, 0, payloadErr("a control character in a string at offset %d", j)
		}
	}
	return 0, 0, payloadErr("a string starting at offset %d is not closed", i)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// skipValue checks the JSON value starting at p[i], at nesting depth
// depth, and returns its end.
func skipValue(p []byte, i, depth int) (int, error) {
	if i >= len(p) {
		return 0, payloadErr("a value was expected at the end")
	}
	switch c := p[i]; {
	case c == '"':
		_, end, err := scanString(p, i)
		return end, err
	case c == '{' || c == '[':
		if depth > maxNesting {
			return 0, payloadErr("the payload nests deeper than %d levels", maxNesting)
		}
		return skipContainer(p, i, depth)
	case c == 't':
		return literal(p, i, "true")
	case c == 'f':
		return literal(p, i, "false")
	case c == 'n':
		return literal(p, i, "null")
	case c == '-' || c >= '0' && c <= '9':
		return number(p, i)
	}
	return 0, payloadErr("a bad value at offset %d", i)
}

// skipContainer checks the object or array starting at p[i].
func skipContainer(p []byte, i, depth int) (int, error) {
	obj := p[i] == '{'
	closer := byte(']')
	if obj {
		closer = '}'
	}
	i = skipWS(p, i+1)
	if i < len(p) && p[i] == closer {
		return i + 1, nil
	}
	for {
		if obj {
			if i >= len(p) || p[i] != '"' {
				return 0, payloadErr("a member name was expected at offset %d", i)
			}
			_, end, err := scanString(p, i)
			if err != nil {
				return 0, err
			}
			i = skipWS(p, end)
			if i >= len(p) || p[i] != ':' {
				return 0, payloadErr("':' was expected at offset %d", i)
			}
			i = skipWS(p, i+1)
		}
		end, err := skipValue(p, i, depth+1)
		if err != nil {
			return 0, err
		}
		i = skipWS(p, end)
		if i < len(p) && p[i] == ',' {
			i = skipWS(p, i+1)
			continue
		}
		if i < len(p) && p[i] == closer {
			return i + 1, nil
		}
		return 0, payloadErr("',' or %q was expected at offset %d", closer, i)
	}
}

func literal(p []byte, i int, word string) (int, error) {
	if !bytes.HasPrefix(p[i:], []byte(word)) {
		return 0, payloadErr("a bad value at offset %d", i)
	}
	return i + len(word), nil
}

// number checks a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func number(p []byte, i int) (int, error) {
	start := i
	digits := func() bool {
		j := i
		for i < len(p) && p[i] >= '0' && p[i] <= '9' {
			i++
		}
		return i > j
	}
	if p[i] == '-' {
		i++
	}
	switch {
	case i < len(p) && p[i] == '0':
		i++
	case !digits():
		return 0, payloadErr("a bad number at offset %d", start)
	}
	if i < len(p) && p[i] == '.' {
		i++
		if !digits() {
			return 0, payloadErr("a bad number at offset %d", start)
		}
	}
	if i < len(p) && (p[i] == 'e' || p[i] == 'E') {
		i++
		if i < len(p) && (p[i] == '+' || p[i] == '-') {
			i++
		}
		if !digits() {
			return 0, payloadErr("a bad number at offset %d", start)
		}
	}
	return i, nil
}

func skipWS(p []byte, i int) int {
	for i < len(p) && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r') {
		i++
	}
	return i
}

func trailing(p []byte, i int) error {
	if skipWS(p, i) != len(p) {
		return payloadErr("the payload has data after its JSON object")
	}
	return nil
}

func payloadErr(format string, args ...any) error {
	return newErr(CodeMalformed, "", nil, "signed payload: "+format, args...)
}
