package keystore

import (
	"errors"
)

// PKCS#12 files written by Windows, .NET, Bouncy Castle and some HSM tools
// use BER rather than DER: indefinite lengths and OCTET STRINGs split into
// chunks. encoding/asn1 (and so go-pkcs12) reads DER only, so berToDER
// re-encodes such data first. It is not a general BER-to-DER converter: it
// makes every length definite and minimal and joins constructed universal
// OCTET STRINGs, which is all these files need; it does not sort SETs or fix
// other non-canonical encodings, and it never looks inside the content of a
// primitive value (so a MAC computed over an OCTET STRING's value stays
// valid).

const (
	berMaxDepth = 32
	berMaxNodes = 100_000
)

var errBER = errors.New("malformed BER")

type berConverter struct {
	nodes int
}

// berToDER converts one BER element that fills data exactly.
func berToDER(data []byte) ([]byte, error) {
	c := &berConverter{}
	out, rest, err := c.element(data, 0)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, errBER
	}
	return out, nil
}

// element converts the element at the start of b and returns the rest.
func (c *berConverter) element(b []byte, depth int) (out, rest []byte, err error) {
	c.nodes++
	if depth > berMaxDepth || c.nodes > berMaxNodes {
		return nil, nil, errBER
	}
	id, b, err := berIdentifier(b)
	if err != nil {
		return nil, nil, err
	}
	constructed := id[0]&0x20 != 0
	length, indefinite, b, err := berLength(b)
	if err != nil {
		return nil, nil, err
	}
	if !constructed {
		if indefinite || length > len(b) {
			return nil, nil, errBER
		}
		return derTLV(id, b[:length]), b[length:], nil
	}
	var body []byte
	if !indefinite {
		if length > len(b) {
			return nil, nil, errBER
		}
		body, rest = b[:length], b[length:]
	} else {
		body = b
	}
	var children [][]byte
	for {
		if indefinite {
			if len(body) < 2 {
				return nil, nil, errBER
			}
			if body[0] == 0 && body[1] == 0 {
				rest = body[2:]
				break
			}
		} else if len(body) == 0 {
			break
		}
		var child []byte
		if child, body, err = c.element(body, depth+1); err != nil {
			return nil, nil, err
		}
		children = append(children, child)
	}
	if len(id) == 1 && id[0] == 0x24 { // constructed universal OCTET STRING
		return joinOctetStrings(children, rest)
	}
	var content []byte
	for _, ch := range children {
		content = append(content, ch...)
	}
	return derTLV(id, content), rest, nil
}

// joinOctetStrings turns the chunks of a constructed OCTET STRING into one
// primitive OCTET STRING.
func joinOctetStrings(chunks [][]byte, rest []byte) ([]byte, []byte, error) {
	var value []byte
	for _, ch := range chunks {
		// Each chunk was emitted by derTLV and is a primitive OCTET
		// STRING (nested constructed ones were joined already).
		if len(ch) == 0 || ch[0] != 0x04 {
			return nil, nil, errBER
		}
		_, _, v, err := berLength(ch[1:])
		if err != nil {
			return nil, nil, err
		}
		value = append(value, v...)
	}
	return derTLV([]byte{0x04}, value), rest, nil
}

// berIdentifier splits off the identifier octets (one, or more for tag
// numbers above 30).
func berIdentifier(b []byte) (id, rest []byte, err error) {
	if len(b) == 0 {
		return nil, nil, errBER
	}
	if b[0]&0x1f != 0x1f {
		return b[:1], b[1:], nil
	}
	for i := 1; i < len(b) && i <= 5; i++ {
		if b[i]&0x80 == 0 {
			return b[:i+1], b[i+1:], nil
		}
	}
	return nil, nil, errBER
}

// berLength reads a length. For a definite length the returned rest starts
// at the content.
func berLength(b []byte) (length int, indefinite bool, rest []byte, err error) {
	if len(b) == 0 {
		return 0, false, nil, errBER
	}
	first := b[0]
	b = b[1:]
	switch {
	case first < 0x80:
		return int(first), false, b, nil
	case first == 0x80:
		return 0, true, b, nil
	}
	n := int(first & 0x7f)
	if n > 4 || n > len(b) {
		return 0, false, nil, errBER
	}
	for _, d := range b[:n] {
		length = length<<8 | int(d)
	}
	if length < 0 || length > len(b)-n {
		return 0, false, nil, errBER
	}
	return length, false, b[n:], nil
}

// derTLV encodes identifier, minimal definite length and content.
func derTLV(id, content []byte) []byte {
	out := make([]byte, 0, len(id)+5+len(content))
	out = append(out, id...)
	switch n := len(content); {
	case n < 0x80:
		out = append(out, byte(n))
	case n < 1<<8:
		out = append(out, 0x81, byte(n))
	case n < 1<<16:
		out = append(out, 0x82, byte(n>>8), byte(n))
	case n < 1<<24:
		out = append(out, 0x83, byte(n>>16), byte(n>>8), byte(n))
	default:
		out = append(out, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(out, content...)
}
