package csr

import (
	"bytes"
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"unicode/utf16"
	"unicode/utf8"
)

// PEM block types of a certificate request. OpenSSL writes the first; the
// second is what older Netscape-era and Microsoft tools write.
const (
	PEMType    = "CERTIFICATE REQUEST"
	PEMTypeOld = "NEW CERTIFICATE REQUEST"
)

// Create signs a PKCS#10 certificate request for subj with key and returns
// its DER: SHA-256 with RSA (PKCS#1 v1.5), the subject encoded by
// Subject.Marshal, no attributes and no extensions. For the same key and
// subject the result is byte-identical to OpenSSL 3's
// `openssl req -new -sha256`. The signature is deterministic, so rand may be
// nil. Create does not apply a profile; validate the subject first (for
// example with NewFrejaSubject) and the key with Profile.CheckKey.
func Create(rand io.Reader, key *rsa.PrivateKey, subj Subject) ([]byte, error) {
	if key == nil {
		return nil, fmt.Errorf("%w: no key given", ErrKeyPolicy)
	}
	if len(subj) == 0 {
		return nil, fmt.Errorf("%w: the subject is empty", ErrInvalidSubject)
	}
	raw, err := subj.Marshal()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.CertificateRequest{RawSubject: raw, SignatureAlgorithm: x509.SHA256WithRSA}
	der, err := x509.CreateCertificateRequest(rand, tmpl, key)
	if err != nil {
		return nil, fmt.Errorf("csr: signing the request: %w", err)
	}
	return der, nil
}

// EncodePEM wraps a DER request in a "CERTIFICATE REQUEST" PEM block, as
// OpenSSL writes it.
func EncodePEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: PEMType, Bytes: der})
}

// Parse reads one certificate request, PEM or DER, and checks its
// self-signature. PEM may be of type "CERTIFICATE REQUEST" or "NEW
// CERTIFICATE REQUEST", start with a UTF-8 or UTF-16 byte order mark (as
// Windows editors and PowerShell write), use CRLF line ends and have text
// before or after the block. SHA-1 and MD5 signatures are checked and
// accepted here; Lint reports them.
//
// Data that is not one readable request gives a *MalformedError (wrapping
// ErrMalformedCSR) that says what the data is instead; a signature that does
// not verify gives an error wrapping ErrBadSignature; an RSA key below 1024
// bits, whose signature cannot even be checked, gives a *KeyPolicyError.
func Parse(data []byte) (*x509.CertificateRequest, error) {
	der := data
	if text := toUTF8(data); bytes.Contains(text, []byte("-----BEGIN")) {
		var err error
		if der, err = findPEM(text); err != nil {
			return nil, err
		}
	}
	req, err := x509.ParseCertificateRequest(der)
	if err != nil {
		return nil, explainDER(der, err, len(der) != len(data))
	}
	if err := verifySignature(req); err != nil {
		return nil, err
	}
	return req, nil
}

// toUTF8 removes a byte order mark and turns UTF-16 text into UTF-8.
func toUTF8(data []byte) []byte {
	var big bool
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		big = false
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		big = true
	default:
		return data
	}
	u := make([]uint16, (len(data)-2)/2)
	for i := range u {
		a, b := uint16(data[2+2*i]), uint16(data[3+2*i])
		if big {
			u[i] = a<<8 | b
		} else {
			u[i] = b<<8 | a
		}
	}
	var out []byte
	for _, r := range utf16.Decode(u) {
		out = utf8.AppendRune(out, r)
	}
	return out
}

// findPEM returns the DER of the one request block in text.
func findPEM(text []byte) ([]byte, error) {
	var reqs [][]byte
	var others []string
	for rest := text; ; {
		block, r := pem.Decode(rest)
		if block == nil {
			break
		}
		rest = r
		if block.Type == PEMType || block.Type == PEMTypeOld {
			reqs = append(reqs, block.Bytes)
		} else {
			others = append(others, block.Type)
		}
	}
	switch {
	case len(reqs) == 1:
		return reqs[0], nil
	case len(reqs) > 1:
		return nil, &MalformedError{
			Reason: fmt.Sprintf("the file holds %d certificate requests, not one", len(reqs)),
			Fix:    "give each request in its own file"}
	case len(others) > 0:
		return nil, explainPEMType(others[0])
	}
	return nil, &MalformedError{
		Reason: "the PEM block is damaged: the END line is missing or the text between BEGIN and END is not base64",
		Fix:    "copy the whole block again, from -----BEGIN to -----END, without changing it"}
}

func explainPEMType(t string) error {
	e := &MalformedError{
		Reason: fmt.Sprintf("the file holds a PEM block of type %q, not %q", t, PEMType),
		Fix:    "give the .csr file that openssl req or caronboard csr wrote"}
	switch t {
	case "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE":
		e.Reason = "the file holds a certificate, not a certificate request"
		e.Fix = "give the .csr file you made, not the certificate the CA sent back"
	case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
		e.Reason = "the file holds a private key (" + t + "), not a certificate request"
		e.Fix = "never send this file to anyone; give the .csr file made with this key"
	case "PUBLIC KEY", "RSA PUBLIC KEY":
		e.Reason = "the file holds a public key, not a certificate request"
	}
	return e
}

// explainDER says what DER data that is not a request seems to be.
func explainDER(der []byte, err error, fromPEM bool) error {
	e := &MalformedError{Err: err,
		Reason: "the data is not a PKCS#10 certificate request: it is damaged, cut short or something else",
		Fix:    "give the .csr file that openssl req or caronboard csr wrote, unchanged"}
	switch {
	case len(der) == 0 && !fromPEM:
		e.Reason = "the file is empty"
	case fromPEM:
		e.Reason = "the CERTIFICATE REQUEST block does not hold a valid request: it is damaged or cut short"
		e.Fix = "copy the whole block again, from -----BEGIN to -----END, without changing it"
	case der[0] != 0x30:
		e.Reason = "the data is neither PEM (there is no -----BEGIN CERTIFICATE REQUEST----- line) nor DER"
	case isCertificate(der):
		e.Reason = "the data is a certificate, not a certificate request"
		e.Fix = "give the .csr file you made, not the certificate the CA sent back"
	case isPrivateKey(der):
		e.Reason = "the data is a private key, not a certificate request"
		e.Fix = "never send this file to anyone; give the .csr file made with this key"
	}
	return e
}

func isCertificate(der []byte) bool {
	_, err := x509.ParseCertificate(der)
	return err == nil
}

// isPrivateKey recognises the outer shape of PKCS#8 and PKCS#1 private keys
// without doing any key arithmetic.
func isPrivateKey(der []byte) bool {
	return shapeOf(der, &pkcs8Shape{}) || shapeOf(der, &pkcs1Shape{})
}

func verifySignature(req *x509.CertificateRequest) error {
	if alg, bits := KeyDescription(req.PublicKey); alg == "RSA" && bits < 1024 {
		return &KeyPolicyError{Algorithm: alg, Bits: bits,
			Reason: fmt.Sprintf("is RSA %d-bit, too small even to check the request's signature", bits),
			Fix:    "generate a new RSA key of 4096 bits"}
	}
	err := req.CheckSignature()
	if err == nil {
		return nil
	}
	if pub, ok := req.PublicKey.(*rsa.PublicKey); ok && req.SignatureAlgorithm == x509.MD5WithRSA {
		sum := md5.Sum(req.RawTBSCertificateRequest)
		if rsa.VerifyPKCS1v15(pub, crypto.MD5, sum[:], req.Signature) == nil {
			return nil
		}
	}
	var insecure x509.InsecureAlgorithmError
	switch {
	case errors.As(err, &insecure):
		return fmt.Errorf("%w: the request is signed with %v, which is broken and cannot be checked; make it again with SHA-256",
			ErrBadSignature, req.SignatureAlgorithm)
	case errors.Is(err, x509.ErrUnsupportedAlgorithm):
		return fmt.Errorf("%w: the signature algorithm %v is not supported; make the request again with SHA-256",
			ErrBadSignature, req.SignatureAlgorithm)
	}
	return fmt.Errorf("%w: the signature does not match the request's public key, "+
		"so the file was changed after it was signed or put together from two requests", ErrBadSignature)
}

// pkcs8Shape and pkcs1Shape are the outer ASN.1 shapes of private keys.
type pkcs8Shape struct {
	Version    int
	Algorithm  asn1.RawValue
	PrivateKey []byte
}

type pkcs1Shape struct {
	Version                   int
	N, E, D, P, Q, DP, DQ, QI *big.Int
}

func shapeOf(der []byte, v any) bool {
	rest, err := asn1.Unmarshal(der, v)
	return err == nil && len(rest) == 0
}
