package keystore

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"strings"
	"testing"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/caronboard/caronboard/internal/safefile"
)

func TestPKCS12KDF(t *testing.T) {
	// The vectors of go-pkcs12's (and x/crypto's) pbkdf_test.go: 3DES keys
	// (24 bytes, so two SHA-1 blocks and the I_j update of step 6C).
	pw, _ := bmpPassword("sesame")
	got := pkcs12KDF(sha1.New, pw, []byte("\xff\xff\xff\xff\xff\xff\xff\xff"), 2048, 1, 24)
	if want := []byte("\x7c\xd9\xfd\x3e\x2b\x3b\xe7\x69\x1a\x44\xe3\xbe\xf0\xf9\xea\x0f\xb9\xb8\x97\xd4\xe3\x25\xd9\xd1"); !bytes.Equal(got, want) {
		t.Errorf("got %x", got)
	}
	got = pkcs12KDF(sha1.New, []byte{0, 0}, []byte("\xf3\x7e\x05\xb5\x18\x32\x4b\x4b"), 2048, 1, 24)
	if want := []byte("\x00\xf7\x59\xff\x47\xd1\x4d\xd0\x36\x65\xd5\x94\x3c\xb3\xc4\xa3\x9a\x25\x55\xc0\x2a\xed\x66\xe1"); !bytes.Equal(got, want) {
		t.Errorf("got %x", got)
	}
}

// rebuild re-encodes a PKCS#12 file after edit changed its parts, with a
// valid MAC for testP12Password.
func rebuild(t testing.TB, b []byte, edit func(f *p12File)) []byte {
	t.Helper()
	f, err := parsePFX(b)
	if err != nil {
		t.Fatal(err)
	}
	edit(f)
	out, err := f.toDER(testP12Password)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDecodePKCS12Errors(t *testing.T) {
	p := testPKI(t)
	modern := encodeRP(t, P12Modern, "")
	legacy := encodeRP(t, P12Legacy, "")
	trust, err := pkcs12.Modern2023.EncodeTrustStore(rpChain(t)[1:], testP12Password)
	if err != nil {
		t.Fatal(err)
	}
	bare, err := pkcs12.Passwordless.Encode(p.RP.Key, p.RP.Cert, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	macOnly := rebuild(t, bare, func(*p12File) {})
	twoKeys := rebuild(t, modern, func(f *p12File) {
		for i := range f.parts {
			if !f.parts[i].encrypted {
				f.parts[i].bags = append(f.parts[i].bags, f.parts[i].bags...)
			}
		}
	})
	noCert := rebuild(t, modern, func(f *p12File) { f.parts = f.parts[1:] })
	// A MAC iteration count far above the cap; refused before any work.
	many := func() []byte {
		f, err := parsePFX(modern)
		if err != nil {
			t.Fatal(err)
		}
		f.pfx.MacData.Iterations = 20_000_001
		b, err := asn1.Marshal(f.pfx)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}()

	tests := []struct {
		name     string
		data     []byte
		password string
		err      error
		msg      string
	}{
		{"wrong passphrase", modern, "wrong", ErrWrongPassphrase, "wrong passphrase"},
		{"wrong passphrase, legacy", legacy, "wrong", ErrWrongPassphrase, "wrong passphrase"},
		{"MAC digest altered", alterMAC(t, modern), testP12Password, ErrAltered, "passphrase is right"},
		{"alias altered", alterAlias(t, legacy), testP12Password, ErrAltered, "altered"},
		{"certificates altered", alterCiphertext(t, modern), testP12Password, ErrAltered, "passphrase is right"},
		{"nothing encrypted, wrong passphrase", macOnly, "wrong", ErrWrongPassphrase, "wrong passphrase, or the file was altered"},
		{"trust store", trust, testP12Password, ErrNoPrivateKey, "only certificates"},
		{"two keys", twoKeys, testP12Password, ErrMultipleKeys, "more than one"},
		{"no certificate", noCert, testP12Password, ErrNoCertificate, "no certificate"},
		{"too many iterations", many, testP12Password, ErrUnsupportedFormat, "20000001 iterations"},
		{"emoji passphrase", modern, "🔑", ErrInvalidPassphrase, "emoji"},
		{"garbage", []byte("not a keystore"), testP12Password, ErrMalformedPKCS12, "not a PKCS#12 file"},
		{"empty", nil, testP12Password, ErrMalformedPKCS12, "not a PKCS#12 file"},
		{"truncated", modern[:len(modern)/2], testP12Password, ErrMalformedPKCS12, "PKCS#12"},
		{"a certificate", p.RP.Cert.Raw, testP12Password, ErrMalformedPKCS12, "not a PKCS#12 file"},
		{"too large", make([]byte, MaxInputSize+1), testP12Password, safefile.ErrTooLarge, "larger"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := DecodePKCS12(tt.data, tt.password)
			if !errors.Is(err, tt.err) || c != nil {
				t.Fatalf("got %v, want %v", err, tt.err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not mention %q", err, tt.msg)
			}
			checkPlainWords(t, err)
		})
	}
	if err := func() error { _, err := DecodePKCS12(modern, "wrong"); return err }(); err.Error() != "wrong passphrase" {
		t.Errorf("wrong passphrase message: %q", err)
	}
}

// alterMAC flips a bit of the MAC digest.
func alterMAC(t testing.TB, b []byte) []byte {
	f, err := parsePFX(b)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, f.pfx.MacData.Mac.Digest)
	return flip(b, i+3)
}

// alterCiphertext flips a bit in the encrypted certificates.
func alterCiphertext(t testing.TB, b []byte) []byte {
	f, err := parsePFX(b)
	if err != nil || !f.parts[0].encrypted {
		t.Fatal("no encrypted part")
	}
	i := bytes.Index(b, f.parts[0].ciphertext)
	return flip(b, i+50)
}

// alterAlias changes the friendly name, which is not encrypted.
func alterAlias(t testing.TB, b []byte) []byte {
	bmp, _ := bmpString("Document")
	i := bytes.Index(b, bmp)
	if i < 0 {
		t.Fatal("alias not found")
	}
	out := append([]byte{}, b...)
	out[i+1] = 'd'
	return out
}

func TestDecodePKCS12Others(t *testing.T) {
	p := testPKI(t)
	t.Run("go-pkcs12 LegacyRC2", func(t *testing.T) {
		b, err := pkcs12.LegacyRC2.Encode(p.RP.Key, p.RP.Cert, rpChain(t)[1:], testP12Password)
		if err != nil {
			t.Fatal(err)
		}
		c := decodeOK(t, b)
		if !c.KeyMatchesLeaf || len(c.CACerts) != 2 || c.FriendlyName != "" {
			t.Errorf("got %+v", c)
		}
		if i := c.Info; i.CertEncryption != "pbeWithSHAAnd40BitRC2-CBC" || i.KeyEncryption != "pbeWithSHAAnd3-KeyTripleDES-CBC" ||
			i.MACAlgorithm != "HMAC-SHA1" || !i.Legacy || !strings.Contains(i.Consumers, "-legacy") {
			t.Errorf("info %+v", i)
		}
	})
	t.Run("go-pkcs12 Modern2026 (PBMAC1)", func(t *testing.T) {
		b, err := pkcs12.Modern2026.Encode(p.RP.Key, p.RP.Cert, nil, testP12Password)
		if err != nil {
			t.Fatal(err)
		}
		c := decodeOK(t, b)
		if i := c.Info; i.MACAlgorithm != "PBMAC1 (HMAC-SHA256)" || i.MACIterations != 2048 || i.Legacy || !strings.Contains(i.Consumers, "OpenSSL 3.4") {
			t.Errorf("info %+v", i)
		}
		if _, err := DecodePKCS12(b, "wrong"); !errors.Is(err, ErrWrongPassphrase) {
			t.Errorf("wrong passphrase: %v", err)
		}
	})
	t.Run("no encryption, no MAC", func(t *testing.T) {
		b, err := pkcs12.Passwordless.Encode(p.RP.Key, p.RP.Cert, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		c, err := DecodePKCS12(b, "")
		if err != nil {
			t.Fatal(err)
		}
		if i := c.Info; i.MACAlgorithm != "none" || i.CertEncryption != "none" || !strings.HasPrefix(i.KeyEncryption, "none") ||
			!strings.Contains(i.Consumers, "the private key in it is not encrypted") {
			t.Errorf("info %+v", i)
		}
	})
	t.Run("ECDSA key", func(t *testing.T) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{SerialNumber: p.RP.Cert.SerialNumber, Subject: p.RP.Cert.Subject}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		cert, _ := x509.ParseCertificate(der)
		b, err := pkcs12.Modern2023.Encode(key, cert, nil, testP12Password)
		if err != nil {
			t.Fatal(err)
		}
		c := decodeOK(t, b)
		if _, ok := c.Key.(*ecdsa.PrivateKey); !ok || !c.KeyMatchesLeaf {
			t.Errorf("key %T, matches %v", c.Key, c.KeyMatchesLeaf)
		}
		if _, err := c.RSAKey(); !errors.Is(err, ErrNotRSA) || !strings.Contains(err.Error(), "ECDSA P-256") {
			t.Errorf("RSAKey: %v", err)
		}
	})
	t.Run("leaf not first, key of no certificate", func(t *testing.T) {
		b, err := pkcs12.Modern2023.Encode(p.RP.Key, p.FrejaRoot.Cert, []*x509.Certificate{p.RP.Cert}, testP12Password)
		if err != nil {
			t.Fatal(err)
		}
		if c := decodeOK(t, b); !c.KeyMatchesLeaf || !c.Leaf.Equal(p.RP.Cert) || len(c.CACerts) != 1 || !c.CACerts[0].Equal(p.FrejaRoot.Cert) {
			t.Errorf("leaf %s", c.Leaf.Subject)
		}
		b, err = pkcs12.Modern2023.Encode(p.RPExpired.Key, p.RP.Cert, nil, testP12Password)
		if err != nil {
			t.Fatal(err)
		}
		if c := decodeOK(t, b); c.KeyMatchesLeaf || !c.Leaf.Equal(p.RP.Cert) {
			t.Errorf("a key of no certificate: matches %v", c.KeyMatchesLeaf)
		}
	})
	t.Run("iteration cap", func(t *testing.T) {
		b, err := pkcs12.Modern2023.WithIterations(5000).Encode(p.RP.Key, p.RP.Cert, nil, testP12Password)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodePKCS12(b, testP12Password, 4096); !errors.Is(err, ErrUnsupportedFormat) {
			t.Errorf("got %v", err)
		}
		decodeOK(t, b)
	})
}

func TestInspectPKCS12Errors(t *testing.T) {
	for name, data := range map[string][]byte{
		"garbage":   []byte("garbage"),
		"truncated": encodeRP(t, P12Modern, "")[:100],
	} {
		if _, err := InspectPKCS12(data); !errors.Is(err, ErrMalformedPKCS12) {
			t.Errorf("%s: got %v", name, err)
		}
	}
}
