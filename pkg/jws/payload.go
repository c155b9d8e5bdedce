package jws

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// payloadFields are the members of a Freja payload that verification and
// the batch output need: the signing time and, for reporting, the status
// and reference.
type payloadFields struct {
	isObject     bool
	hasTimestamp bool
	timestamp    int64 // milliseconds since the epoch
	status       string
	authRef      string
	signRef      string
}

// scanPayload finds the top-level timestamp, status, authRef and signRef of
// a JSON object without decoding the rest: Freja's signature payloads carry
// kilobytes of nested signature and OCSP data, and a full decode would cost
// more than the RSA verification itself. It runs only on payloads whose
// signature has verified. A payload that is not a JSON object has none of
// the fields (isObject false, no error). The four members are decoded
// exactly as encoding/json would (a differential fuzz test checks this); a
// duplicate of one of them, a timestamp that is not an integer, or a
// status or reference that is not a string is refused. Other members are
// skipped by structure (strings, nesting and brackets are checked; the
// contents of skipped scalars are not), so this is not a JSON validator.
func scanPayload(p []byte) (payloadFields, error) {
	var f payloadFields
	i := skipWS(p, 0)
	if i >= len(p) || p[i] != '{' {
		return f, nil
	}
	f.isObject = true
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
		known := bit != 0
		if known {
			if seen&bit != 0 {
				return f, payloadErr("the payload has the member %q twice", key)
			}
			seen |= bit
		}
		end, err := skipValue(p, i)
		if err != nil {
			return f, err
		}
		if known {
			if err := f.set(key, p[i:end]); err != nil {
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
func (f *payloadFields) set(key string, raw []byte) error {
	if key == "timestamp" {
		if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
			return payloadErr("timestamp %s is not a number", raw)
		}
		ms, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return payloadErr("timestamp %s is not a whole number of milliseconds", raw)
		}
		f.timestamp, f.hasTimestamp = ms, true
		return nil
	}
	if len(raw) == 0 || raw[0] != '"' {
		return payloadErr("%s %s is not a string", key, raw)
	}
	s, err := jsonString(raw)
	if err != nil {
		return err
	}
	switch key {
	case "status":
		f.status = s
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
// quotes included.
func scanString(p []byte, i int) (start, end int, err error) {
	j := i + 1
	for {
		k := bytes.IndexByte(p[j:], '"')
		if k < 0 {
			return 0, 0, payloadErr("a string starting at offset %d is not closed", i)
		}
		q := j + k
		n := 0
		for q-1-n > i && p[q-1-n] == '\\' {
			n++
		}
		if n%2 == 0 {
			return i, q + 1, nil
		}
		j = q + 1
	}
}

// skipValue returns the end of the JSON value starting at p[i].
func skipValue(p []byte, i int) (int, error) {
	if i >= len(p) {
		return 0, payloadErr("a value was expected at the end")
	}
	switch p[i] {
	case '"':
		_, end, err := scanString(p, i)
		return end, err
	case '{', '[':
		stack := make([]byte, 0, 16)
		for i < len(p) {
			switch c := p[i]; c {
			case '"':
				_, end, err := scanString(p, i)
				if err != nil {
					return 0, err
				}
				i = end
				continue
			case '{':
				stack = append(stack, '}')
			case '[':
				stack = append(stack, ']')
			case '}', ']':
				if len(stack) == 0 || stack[len(stack)-1] != c {
					return 0, payloadErr("unexpected %q at offset %d", c, i)
				}
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					return i + 1, nil
				}
			}
			i++
		}
		return 0, payloadErr("an object or array is not closed")
	}
	j := i
	for j < len(p) && !isDelim(p[j]) {
		j++
	}
	if !isScalar(p[i:j]) {
		return 0, payloadErr("a bad value at offset %d", i)
	}
	return j, nil
}

// isScalar accepts true, false, null and anything shaped like a number.
func isScalar(v []byte) bool {
	switch string(v) {
	case "true", "false", "null":
		return true
	case "":
		return false
	}
	for _, c := range v {
		if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
			return false
		}
	}
	return true
}

func isDelim(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':'
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
