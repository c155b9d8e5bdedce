package keystore

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"hash"
	"sync/atomic"
)

// The PKCS#12 integrity check (RFC 7292 section 4 and appendix B): an HMAC
// over the content of the AuthenticatedSafe OCTET STRING, keyed with the
// PKCS#12 KDF (ID=3) of the password, or PBMAC1 (RFC 9579). go-pkcs12 keeps
// its implementation private; this package needs its own to add the friendly
// name to a file go-pkcs12 wrote and to check files before decoding them.

// macData is RFC 7292 MacData.
type macData struct {
	Mac        digestInfo
	MacSalt    []byte
	Iterations int `asn1:"optional,default:1"`
}

// digestInfo is PKCS#7 DigestInfo.
type digestInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Digest    []byte
}

// pbmac1Params is RFC 8018 PBMAC1-params.
type pbmac1Params struct {
	KDF    pkix.AlgorithmIdentifier
	MacAlg pkix.AlgorithmIdentifier
}

var (
	oidSHA1       = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256     = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384     = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512     = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidPBMAC1     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 14}
	oidHMACSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
)

var errMACAlgorithm = errors.New("unsupported MAC algorithm")

// digestHash returns the hash of a MacData digest algorithm.
func digestHash(oid asn1.ObjectIdentifier) (func() hash.Hash, bool) {
	switch {
	case oid.Equal(oidSHA1):
		return sha1.New, true
	case oid.Equal(oidSHA256):
		return sha256.New, true
	case oid.Equal(oidSHA384):
		return sha512.New384, true
	case oid.Equal(oidSHA512):
		return sha512.New, true
	}
	return nil, false
}

// hmacHash returns the hash of an HMAC algorithm (PBKDF2 PRF or PBMAC1 MAC);
// a missing PRF means HMAC-SHA1 (RFC 8018).
func hmacHash(oid asn1.ObjectIdentifier) (func() hash.Hash, bool) {
	switch {
	case len(oid) == 0 || oid.Equal(oidHMACSHA1):
		return sha1.New, true
	case oid.Equal(oidHMACSHA256):
		return sha256.New, true
	case oid.Equal(oidHMACSHA384):
		return sha512.New384, true
	case oid.Equal(oidHMACSHA512):
		return sha512.New, true
	}
	return nil, false
}

// bmpPassword encodes a password as RFC 7292 appendix B.1 wants it: a
// big-endian BMPString with two trailing zero bytes. ok is false when it
// holds characters outside the Basic Multilingual Plane.
func bmpPassword(password string) ([]byte, bool) {
	b, ok := bmpString(password)
	return append(b, 0, 0), ok
}

// bmpString encodes s as a big-endian BMPString (UCS-2).
func bmpString(s string) ([]byte, bool) {
	out := make([]byte, 0, 2*len(s))
	for _, r := range s {
		if r > 0xffff { // would need a UTF-16 surrogate pair
			return nil, false
		}
		out = append(out, byte(r>>8), byte(r))
	}
	return out, true
}

// computeMAC returns the MAC of message (the AuthenticatedSafe content) for
// md's algorithm, salt and iteration count. PBMAC1 takes the password as
// UTF-8 (RFC 9579); the classic MAC as a BMPString.
func computeMAC(md *macData, message []byte, password string) ([]byte, error) {
	alg := md.Mac.Algorithm
	if alg.Algorithm.Equal(oidPBMAC1) {
		return pbmac1(alg, message, password)
	}
	h, ok := digestHash(alg.Algorithm)
	if !ok {
		return nil, errMACAlgorithm
	}
	pw, ok := bmpPassword(password)
	if !ok {
		return nil, errPasswordChars
	}
	key := pkcs12KDF(h, pw, md.MacSalt, md.Iterations, 3, h().Size())
	m := hmac.New(h, key)
	m.Write(message)
	return m.Sum(nil), nil
}

var errPasswordChars = errors.New("the passphrase holds characters PKCS#12 cannot encode (outside the Basic Multilingual Plane, such as emoji)")

// pbmac1 computes a PBMAC1 MAC: PBKDF2 derives the HMAC key.
func pbmac1(alg pkix.AlgorithmIdentifier, message []byte, password string) ([]byte, error) {
	var params pbmac1Params
	var kdf pbkdf2Params
	if !unmarshalExact(alg.Parameters.FullBytes, &params) || !params.KDF.Algorithm.Equal(oidPBKDF2) ||
		!unmarshalExact(params.KDF.Parameters.FullBytes, &kdf) {
		return nil, errMACAlgorithm
	}
	prf, ok1 := hmacHash(kdf.PRF.Algorithm)
	h, ok2 := hmacHash(params.MacAlg.Algorithm)
	// RFC 9579 wants an explicit key length of at least 20 bytes; longer
	// than a SHA-512 output is nonsense.
	if !ok1 || !ok2 || len(params.MacAlg.Algorithm) == 0 || kdf.KeyLength < 20 || kdf.KeyLength > 64 || kdf.Iterations < 1 {
		return nil, errMACAlgorithm
	}
	kdfRounds.Add(int64(kdf.Iterations))
	key, err := pbkdf2.Key(prf, password, kdf.Salt, kdf.Iterations, kdf.KeyLength)
	if err != nil {
		return nil, errMACAlgorithm
	}
	m := hmac.New(h, key)
	m.Write(message)
	return m.Sum(nil), nil
}

// verifyMAC reports whether md's digest is the MAC of message under
// password. An empty password is also tried as no password at all (zero
// bytes instead of the two-byte terminator), as some writers do.
func verifyMAC(md *macData, message []byte, password string) (bool, error) {
	sum, err := computeMAC(md, message, password)
	if err != nil {
		return false, err
	}
	if hmac.Equal(sum, md.Mac.Digest) {
		return true, nil
	}
	if password == "" && !md.Mac.Algorithm.Algorithm.Equal(oidPBMAC1) {
		h, _ := digestHash(md.Mac.Algorithm.Algorithm)
		m := hmac.New(h, pkcs12KDF(h, nil, md.MacSalt, md.Iterations, 3, h().Size()))
		m.Write(message)
		return hmac.Equal(m.Sum(nil), md.Mac.Digest), nil
	}
	return false, nil
}

// kdfRounds counts the iterations of every PKCS#12 key derivation this
// package runs itself, so that tests can bound the work an input causes
// without a clock.
var kdfRounds atomic.Int64

// pkcs12KDF is the key derivation of RFC 7292 appendix B.2: size bytes of
// key material for purpose id (1 key, 2 IV, 3 MAC key) from a BMPString
// password and a salt, with iterations rounds of hash h.
func pkcs12KDF(h func() hash.Hash, password, salt []byte, iterations int, id byte, size int) []byte {
	kdfRounds.Add(int64(iterations))
	hh := h()
	u, v := hh.Size(), hh.BlockSize()
	d := make([]byte, v)
	for i := range d {
		d[i] = id
	}
	in := append(fill(salt, v), fill(password, v)...)
	out := make([]byte, 0, size+u)
	for len(out) < size {
		hh.Reset()
		hh.Write(d)
		hh.Write(in)
		a := hh.Sum(nil)
		for range iterations - 1 {
			hh.Reset()
			hh.Write(a)
			a = hh.Sum(a[:0])
		}
		out = append(out, a...)
		if len(out) >= size {
			break
		}
		// I_j = (I_j + B + 1) mod 2^v for each v-byte block of I, where B
		// is A repeated to v bytes.
		b := fill(a, v)
		for j := 0; j < len(in); j += v {
			carry := 1
			for k := v - 1; k >= 0; k-- {
				sum := int(in[j+k]) + int(b[k]) + carry
				in[j+k] = byte(sum)
				carry = sum >> 8
			}
		}
	}
	return out[:size]
}

// fill repeats p to the next multiple of v bytes (nothing for empty p).
func fill(p []byte, v int) []byte {
	if len(p) == 0 {
		return nil
	}
	n := v * ((len(p) + v - 1) / v)
	out := make([]byte, n)
	for i := range out {
		out[i] = p[i%len(p)]
	}
	return out
}
