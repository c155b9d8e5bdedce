package csr

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

func TestCreateAndParse(t *testing.T) {
	key := rsaFixture(t, 2048)
	subj := mustFreja(t, acmeInput)
	der := mustCreate(t, key, subj)
	if again := mustCreate(t, key, subj); !bytes.Equal(der, again) {
		t.Errorf("Create is not deterministic")
	}
	if withNilRand, err := Create(nil, key, subj); err != nil || !bytes.Equal(der, withNilRand) {
		t.Errorf("Create(nil rand) = %v", err)
	}
	req := mustParse(t, EncodePEM(der))
	if !bytes.Equal(req.Raw, der) {
		t.Errorf("PEM round trip changed the DER")
	}
	//lint:ignore SA1019 only the deprecated Attributes shows the raw attribute list, which must be empty
	attrs := len(req.Attributes)
	if req.SignatureAlgorithm != x509.SHA256WithRSA || len(req.Extensions) != 0 || attrs != 0 {
		t.Errorf("alg %v, %d extensions, %d attributes", req.SignatureAlgorithm, len(req.Extensions), attrs)
	}
	if got := FormatName(req.RawSubject); got != subj.String() {
		t.Errorf("subject = %q", got)
	}
	if req.Subject.Organization[0] != "ACME AB" || req.Subject.CommonName != "Document signing service" {
		t.Errorf("Go's view of the subject: %+v", req.Subject)
	}
	if !bytes.HasPrefix(EncodePEM(der), []byte("-----BEGIN CERTIFICATE REQUEST-----\n")) {
		t.Errorf("PEM header: %q", EncodePEM(der)[:40])
	}
}

func TestCreateErrors(t *testing.T) {
	key := rsaFixture(t, 2048)
	if _, err := Create(nil, nil, mustFreja(t, acmeInput)); !errors.Is(err, ErrKeyPolicy) {
		t.Errorf("nil key: %v", err)
	}
	if _, err := Create(nil, key, nil); !errors.Is(err, ErrInvalidSubject) {
		t.Errorf("empty subject: %v", err)
	}
	bad := Subject{{Type: OIDOrganization, Value: "Å", Tag: asn1.TagPrintableString}}
	if _, err := Create(nil, key, bad); !errors.Is(err, ErrInvalidSubject) {
		t.Errorf("unencodable value: %v", err)
	}
}

func TestParseAcceptedForms(t *testing.T) {
	der := mustCreate(t, rsaFixture(t, 2048), mustFreja(t, acmeInput))
	p := EncodePEM(der)
	crlf := bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))
	old := bytes.ReplaceAll(p, []byte("CERTIFICATE REQUEST"), []byte("NEW CERTIFICATE REQUEST"))
	utf16le := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(string(crlf))) {
		utf16le = append(utf16le, byte(u), byte(u>>8))
	}
	utf16be := []byte{0xFE, 0xFF}
	for _, u := range utf16.Encode([]rune(string(p))) {
		utf16be = append(utf16be, byte(u>>8), byte(u))
	}
	keyPEM, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "keys", "rsa2048-pkcs8.pem"))
	forms := map[string][]byte{
		"DER":                     der,
		"PEM":                     p,
		"UTF-8 BOM":               append([]byte("\xEF\xBB\xBF"), p...),
		"CRLF":                    crlf,
		"BOM and CRLF":            append([]byte("\xEF\xBB\xBF"), crlf...),
		"text before and after":   append(append([]byte("Subject: C=SE, O=ACME AB\nHere is our CSR:\n\n"), p...), "\nRegards\n"...),
		"NEW CERTIFICATE REQUEST": old,
		"UTF-16LE (PowerShell)":   utf16le,
		"UTF-16BE":                utf16be,
		"key block next to it":    append(append([]byte{}, keyPEM...), p...),
	}
	for name, data := range forms {
		req, err := Parse(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(req.Raw, der) {
			t.Errorf("%s: different request", name)
		}
	}
}

func TestParseRejects(t *testing.T) {
	key := rsaFixture(t, 2048)
	der := mustCreate(t, key, mustFreja(t, acmeInput))
	p := EncodePEM(der)
	certPEM, certDER := selfSigned(t)
	keyPEM, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "keys", "rsa2048-pkcs8.pem"))
	keyDER, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "keys", "rsa2048-pkcs8.der"))
	pkcs1PEM, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "keys", "rsa2048-pkcs1.pem"))
	pkcs1, _ := pem.Decode(pkcs1PEM)
	damaged := bytes.Replace(p, []byte("MII"), []byte("M!I"), 1)
	truncated := p[:len(p)/2]
	cases := []struct {
		name   string
		data   []byte
		reason string
	}{
		{"empty", nil, "the file is empty"},
		{"text", []byte("hello, this is not a CSR\n"), "neither PEM"},
		{"binary junk", []byte{0x30, 0x82, 0xff, 0xff, 0x01}, "not a PKCS#10 certificate request"},
		{"two requests", append(append([]byte{}, p...), p...), "2 certificate requests"},
		{"certificate PEM", certPEM, "a certificate, not a certificate request"},
		{"certificate DER", certDER, "a certificate, not a certificate request"},
		{"private key PEM", keyPEM, "a private key (PRIVATE KEY)"},
		{"private key DER", keyDER, "a private key"},
		{"PKCS#1 key DER", pkcs1.Bytes, "a private key"},
		{"other PEM", pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: []byte{1}}), `type "X509 CRL"`},
		{"damaged base64", damaged, "damaged"},
		{"cut short PEM", truncated, "damaged"},
		{"cut short DER", der[:len(der)-10], "not a PKCS#10 certificate request"},
		{"trailing bytes", append(append([]byte{}, der...), 0, 0), "not a PKCS#10 certificate request"},
		{"block with junk inside", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: []byte("junk")}), "does not hold a valid request"},
	}
	for _, tc := range cases {
		_, err := Parse(tc.data)
		var merr *MalformedError
		if !errors.Is(err, ErrMalformedCSR) || !errors.As(err, &merr) {
			t.Errorf("%s: err = %v, want *MalformedError", tc.name, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.reason) || merr.Hint() == "" {
			t.Errorf("%s: %q (hint %q), want it to contain %q", tc.name, err, merr.Hint(), tc.reason)
		}
		if strings.Contains(err.Error(), "asn1:") || strings.Contains(err.Error(), "x509:") {
			t.Errorf("%s: low-level text in message: %q", tc.name, err)
		}
	}
}

func TestParseBadSignature(t *testing.T) {
	der := mustCreate(t, rsaFixture(t, 2048), mustFreja(t, acmeInput))
	flipped := bytes.Clone(der)
	flipped[len(flipped)-1] ^= 1
	tampered := bytes.Replace(der, []byte("ACME AB"), []byte("ACME SE"), 1)
	for name, data := range map[string][]byte{"flipped signature bit": flipped, "changed subject": tampered} {
		_, err := Parse(data)
		if !errors.Is(err, ErrBadSignature) || errors.Is(err, ErrMalformedCSR) {
			t.Errorf("%s: err = %v, want ErrBadSignature", name, err)
		}
		if err != nil && !strings.Contains(err.Error(), "changed after it was signed") {
			t.Errorf("%s: message %q", name, err)
		}
	}
}

func TestParseLegacyHashes(t *testing.T) {
	key := rsaFixture(t, 2048)
	raw := rawName(t, mustFreja(t, acmeInput)...)
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.MD5} {
		req, err := Parse(rawCSR(t, key, raw, h))
		if err != nil {
			t.Errorf("%v: %v", h, err)
			continue
		}
		if f, ok := findingFor(Lint(req, Freja), "signature", "broken"); !ok || f.Severity != SeverityError {
			t.Errorf("%v: Lint did not report the signature hash: %v", h, Lint(req, Freja))
		}
		// A bad MD5 signature is still refused.
		bad := rawCSR(t, key, raw, h)
		bad[len(bad)-1] ^= 1
		if _, err := Parse(bad); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%v with a bad signature: %v", h, err)
		}
	}
}

func selfSigned(t *testing.T) (pemBytes, der []byte) {
	t.Helper()
	key := rsaFixture(t, 2048)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1<<32, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), der
}

func TestParseTinyKey(t *testing.T) {
	// A 512-bit key: too small for Go even to check the signature.
	n := new(big.Int).Lsh(big.NewInt(1), 511)
	n.Add(n, big.NewInt(12345))
	spki, err := x509.MarshalPKIXPublicKey(&rsa.PublicKey{N: n, E: 65537})
	if err != nil {
		t.Fatal(err)
	}
	tbs, _ := asn1.Marshal(struct {
		Version   int
		Subject   asn1.RawValue
		PublicKey asn1.RawValue
		Attrs     []asn1.RawValue `asn1:"tag:0"`
	}{0, asn1.RawValue{FullBytes: rawName(t, mustFreja(t, acmeInput)...)}, asn1.RawValue{FullBytes: spki}, nil})
	der, _ := asn1.Marshal(struct {
		TBS asn1.RawValue
		Alg pkix.AlgorithmIdentifier
		Sig asn1.BitString
	}{asn1.RawValue{FullBytes: tbs}, pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}, Parameters: asn1.NullRawValue},
		asn1.BitString{Bytes: make([]byte, 64), BitLength: 512}})
	_, err = Parse(der)
	var kerr *KeyPolicyError
	if !errors.As(err, &kerr) || kerr.Bits != 512 || !errors.Is(err, ErrKeyPolicy) {
		t.Errorf("got %v, want a *KeyPolicyError for 512 bits", err)
	}
}
