package keystore

import (
	"bytes"
	"crypto/x509"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/caronboard/caronboard/internal/safefile"
)

// PEM block types that hold one X.509 certificate.
var certificateBlockTypes = []string{"CERTIFICATE", "X509 CERTIFICATE"}

// ParseCertificates reads one or more X.509 certificates from data: PEM with
// one or more CERTIFICATE blocks, or one DER certificate (a .cer file may be
// either). PEM may start with a UTF-8 or UTF-16 byte order mark, use CRLF
// line endings, and have text around and between the blocks (as in
// `openssl x509 -text` output or a chain file with comments). The
// certificates are returned in file order.
//
// Every block must be a certificate: a file that also holds a private key, a
// CSR or anything else is refused with an error wrapping ErrNotCertificate
// that says what was found, so that key material is never mistaken for a
// chain. A damaged certificate gives an error wrapping
// ErrMalformedCertificate; data with no certificate, ErrNotCertificate.
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	text, isPEM := normalize(data)
	if len(bytes.TrimSpace(text)) == 0 {
		return nil, newError(ErrNotCertificate, "the certificate data is empty")
	}
	if isPEM {
		return parseCertificatePEM(text)
	}
	return parseCertificateDER(text)
}

// ReadCertificates reads the certificates in the file at path (at most
// MaxInputSize bytes) with ParseCertificates. Errors name the path.
func ReadCertificates(path string) ([]*x509.Certificate, error) {
	data, err := safefile.ReadFile(path, MaxInputSize)
	if err != nil {
		return nil, err
	}
	certs, err := ParseCertificates(data)
	if err != nil {
		return nil, withPath(path, err)
	}
	return certs, nil
}

// withPath prefixes an error message with a file name, keeping errors.Is.
func withPath(path string, err error) error {
	return &keyError{kind: err, msg: path + ": " + err.Error()}
}

func isCertificateType(t string) bool {
	return slices.Contains(certificateBlockTypes, t)
}

func parseCertificatePEM(text []byte) ([]*x509.Certificate, error) {
	blocks := decodeAll(text)
	var others []string
	var certs []*x509.Certificate
	for _, b := range blocks {
		if !isCertificateType(b.Type) {
			others = append(others, b.Type)
		}
	}
	if len(others) > 0 {
		return nil, newError(ErrNotCertificate, "found %s where only certificates belong; %s", describeBlocks(others), notCertHint(others))
	}
	if begins := certificateBeginLines(text); begins > len(blocks) {
		return nil, newError(ErrMalformedCertificate, "a certificate PEM block is incomplete or damaged (was the file cut short or edited?)")
	}
	for i, b := range blocks {
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, newError(ErrMalformedCertificate, "%s is damaged or not a valid X.509 certificate%s", ordinal(i, len(blocks)), x509Reason(err))
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, newError(ErrNotCertificate, "the PEM block is incomplete or damaged, or is no certificate")
	}
	return certs, nil
}

// notCertHint suggests what to do with blocks that are not certificates.
func notCertHint(types []string) string {
	for _, t := range types {
		if isPrivateKeyType(t) {
			return "give the private key separately (--key) and a file with only the certificates"
		}
	}
	for _, t := range types {
		if t == "PKCS7" {
			return "convert the PKCS#7 file with: openssl pkcs7 -print_certs -in FILE -out certs.pem"
		}
	}
	return "give a file with only CERTIFICATE blocks"
}

// certificateBeginLines counts "-----BEGIN CERTIFICATE-----" lines,
// including those of blocks too damaged for pem.Decode.
func certificateBeginLines(text []byte) int {
	n := 0
	for _, l := range bytes.Split(text, []byte("\n")) {
		if bytes.HasPrefix(l, []byte("-----BEGIN ")) && bytes.HasSuffix(l, []byte("CERTIFICATE-----")) {
			n++
		}
	}
	return n
}

// ordinal names the i-th of n certificates: "the certificate" or
// "certificate 2 of 3".
func ordinal(i, n int) string {
	if n == 1 {
		return "the certificate"
	}
	return "certificate " + strconv.Itoa(i+1) + " of " + strconv.Itoa(n)
}

// x509Reason returns ": reason" for a crypto/x509 error that says something
// useful in words (such as a negative serial number), and "" for ASN.1
// parser output.
func x509Reason(err error) string {
	if err == nil {
		return ""
	}
	msg := strings.TrimPrefix(err.Error(), "x509: ")
	if strings.Contains(msg, "asn1") || strings.Contains(msg, "malformed") || strings.Contains(msg, "trailing data") {
		return ""
	}
	return " (" + msg + ")"
}

func parseCertificateDER(der []byte) ([]*x509.Certificate, error) {
	certs, err := x509.ParseCertificates(der)
	if err == nil && len(certs) > 0 {
		return certs, nil
	}
	if what := describeNonCertificate(der); what != "" {
		return nil, newError(ErrNotCertificate, "found %s where a certificate belongs", what)
	}
	// A DER certificate starts with a SEQUENCE with a long-form length.
	if len(der) >= 4 && der[0] == 0x30 && der[1] >= 0x81 && der[1] <= 0x84 {
		return nil, newError(ErrMalformedCertificate, "the DER certificate is damaged or truncated%s", x509Reason(err))
	}
	return nil, newError(ErrNotCertificate, "the data is neither a PEM certificate (-----BEGIN CERTIFICATE-----) nor a DER certificate; is it the right file?")
}

// describeNonCertificate names binary data that is something else than a
// certificate, or returns "".
func describeNonCertificate(der []byte) string {
	var errKey *UnsupportedKeyError
	if _, _, err := ParsePrivateKey(der, nil); err == nil || errors.Is(err, ErrPassphraseRequired) ||
		errors.Is(err, ErrKeySize) || errors.As(err, &errKey) {
		return "a private key (DER)"
	}
	if _, err := x509.ParseCertificateRequest(der); err == nil {
		return "a certificate request (DER)"
	}
	if d, err := berToDER(der); err == nil && isPKCS12(d) {
		return "a PKCS#12 keystore (.p12/.pfx; see what it holds with caronboard pkcs12 inspect FILE)"
	}
	if _, err := x509.ParsePKIXPublicKey(der); err == nil {
		return "a public key (DER)"
	}
	return ""
}

// ChainPath is the certification path from leaf towards its root through
// the certificates of pool, as far as pool holds it: leaf first, then each
// issuer (the subject matches and the signature verifies), stopping at a
// self-signed certificate or where no issuer is found. Certificates of pool
// that are not on the path are left out; no certificate appears twice.
func ChainPath(leaf *x509.Certificate, pool []*x509.Certificate) []*x509.Certificate {
	path := []*x509.Certificate{leaf}
	for cur := leaf; ; {
		if bytes.Equal(cur.RawIssuer, cur.RawSubject) && cur.CheckSignatureFrom(cur) == nil {
			return path
		}
		var next *x509.Certificate
		for _, c := range pool {
			if bytes.Equal(c.RawSubject, cur.RawIssuer) && !containsCert(path, c) && cur.CheckSignatureFrom(c) == nil {
				next = c
				break
			}
		}
		if next == nil {
			return path
		}
		path = append(path, next)
		cur = next
	}
}
