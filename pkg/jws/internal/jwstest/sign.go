package jwstest

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

var enc = base64.RawURLEncoding

// Compact joins already-encoded parts with dots.
func Compact(parts ...string) string { return strings.Join(parts, ".") }

// B64 encodes raw bytes as base64url without padding.
func B64(b []byte) string { return enc.EncodeToString(b) }

// Header returns the header Freja sends for a certificate.
func Header(x5t string) string { return `{"x5t":"` + x5t + `","alg":"RS256"}` }

// SignRS256 signs header (raw JSON, used as is) and payload with RS256.
func SignRS256(key *rsa.PrivateKey, header string, payload []byte) string {
	in := B64([]byte(header)) + "." + B64(payload)
	d := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
	if err != nil {
		panic(err)
	}
	return in + "." + B64(sig)
}

// SignPS256 signs with RSASSA-PSS and SHA-256.
func SignPS256(key *rsa.PrivateKey, header string, payload []byte) string {
	in := B64([]byte(header)) + "." + B64(payload)
	d := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPSS(rand.Reader, key, crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	if err != nil {
		panic(err)
	}
	return in + "." + B64(sig)
}

// SignHS256 makes an HMAC-SHA256 token keyed with secret (the classic
// attack keys it with the verifier's public key bytes).
func SignHS256(secret []byte, header string, payload []byte) string {
	in := B64([]byte(header)) + "." + B64(payload)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(in))
	return in + "." + B64(m.Sum(nil))
}

// Unsigned makes an alg none token (empty signature part).
func Unsigned(header string, payload []byte) string {
	return B64([]byte(header)) + "." + B64(payload) + "."
}
