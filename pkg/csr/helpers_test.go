package csr

import (
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureKey reads a PKCS#8 key from the repository's testdata/keys.
func fixtureKey(tb testing.TB, name string) crypto.Signer {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "keys", name))
	if err != nil {
		tb.Fatalf("reading fixture key: %v", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		tb.Fatalf("%s: no PEM block", name)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return key.(crypto.Signer)
}

func rsaFixture(tb testing.TB, bits int) *rsa.PrivateKey {
	tb.Helper()
	switch bits {
	case 1024:
		return fixtureKey(tb, "rsa1024-pkcs8.pem").(*rsa.PrivateKey)
	case 2048:
		return fixtureKey(tb, "rsa2048-pkcs8.pem").(*rsa.PrivateKey)
	case 4096:
		return fixtureKey(tb, "rsa4096-pkcs8.pem").(*rsa.PrivateKey)
	}
	tb.Fatalf("no %d-bit fixture", bits)
	return nil
}

// acmeInput is the Freja example from the documentation, with a correct
// check digit.
var acmeInput = FrejaInput{Country: "SE", OrgID: "556677-8881", Unit: "Production", Org: "ACME AB", CommonName: "Document signing service"}

func mustFreja(tb testing.TB, in FrejaInput) Subject {
	tb.Helper()
	s, err := NewFrejaSubject(in)
	if err != nil {
		tb.Fatalf("NewFrejaSubject: %v", err)
	}
	return s
}

func mustCreate(tb testing.TB, key *rsa.PrivateKey, s Subject) []byte {
	tb.Helper()
	der, err := Create(rand.Reader, key, s)
	if err != nil {
		tb.Fatalf("Create: %v", err)
	}
	return der
}

func mustParse(tb testing.TB, data []byte) *x509.CertificateRequest {
	tb.Helper()
	req, err := Parse(data)
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return req
}

// rawCSR builds a request by hand, for shapes Create will not make: any
// signature hash, hand-made subjects and request attributes.
func rawCSR(tb testing.TB, key crypto.Signer, rawSubject []byte, hash crypto.Hash, attrs ...asn1.RawValue) []byte {
	tb.Helper()
	spki, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		tb.Fatal(err)
	}
	type tbsCSR struct {
		Version   int
		Subject   asn1.RawValue
		PublicKey asn1.RawValue
		Attrs     []asn1.RawValue `asn1:"tag:0"`
	}
	tbs, err := asn1.Marshal(tbsCSR{0, asn1.RawValue{FullBytes: rawSubject}, asn1.RawValue{FullBytes: spki}, attrs})
	if err != nil {
		tb.Fatal(err)
	}
	var oid asn1.ObjectIdentifier
	var digest []byte
	switch hash {
	case crypto.SHA1:
		oid = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
		s := sha1.Sum(tbs)
		digest = s[:]
	case crypto.MD5:
		oid = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 4}
		s := md5Sum(tbs)
		digest = s[:]
	default:
		oid = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
		s := sha256.Sum256(tbs)
		digest = s[:]
	}
	sig, err := rsa.SignPKCS1v15(nil, key.(*rsa.PrivateKey), hash, digest)
	if err != nil {
		tb.Fatal(err)
	}
	der, err := asn1.Marshal(struct {
		TBS asn1.RawValue
		Alg pkix.AlgorithmIdentifier
		Sig asn1.BitString
	}{asn1.RawValue{FullBytes: tbs}, pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.NullRawValue}, asn1.BitString{Bytes: sig, BitLength: 8 * len(sig)}})
	if err != nil {
		tb.Fatal(err)
	}
	return der
}

// rawName encodes a subject with explicit tags for each value.
func rawName(tb testing.TB, attrs ...Attribute) []byte {
	tb.Helper()
	der, err := Subject(attrs).Marshal()
	if err != nil {
		tb.Fatal(err)
	}
	return der
}

func findingFor(fs []Finding, field, substr string) (Finding, bool) {
	for _, f := range fs {
		if f.Field == field && contains(f.Message, substr) {
			return f, true
		}
	}
	return Finding{}, false
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func md5Sum(b []byte) [16]byte { return md5.Sum(b) }
