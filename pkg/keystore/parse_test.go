package keystore

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// jargon must never appear in an error message meant for a user.
var jargon = []string{"asn1", "x509:", "crypto/", "structure error", "tags don't match"}

func checkPlainMessage(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	for _, j := range jargon {
		if strings.Contains(strings.ToLower(msg), j) {
			t.Errorf("error message %q contains jargon %q", msg, j)
		}
	}
}

func TestParsePrivateKeyForms(t *testing.T) {
	pw := fixturePassphrase(t)
	type form struct {
		name      string
		data      []byte
		format    string
		encrypted bool
	}
	for _, bits := range []int{2048, 4096} {
		b := itoa(bits)
		ref := referenceKey(t, bits)
		pkcs1 := fixture(t, "rsa"+b+"-pkcs1.pem")
		pkcs8 := fixture(t, "rsa"+b+"-pkcs8.pem")
		encPKCS8 := fixture(t, "rsa"+b+"-enc-pkcs8.pem")
		legacy := fixture(t, "rsa"+b+"-enc-legacy.pem")
		cert, _ := selfSigned(t, ref)
		derFixture, derFixtureFormat := fixture(t, "rsa"+b+"-pkcs8.der"), FormatPKCS8DER
		if bytes.Equal(derFixture, pemBody(t, pkcs1)) {
			derFixtureFormat = FormatPKCS1DER
		}
		forms := []form{
			{"pkcs1", pkcs1, FormatPKCS1, false},
			{"pkcs8", pkcs8, FormatPKCS8, false},
			{"enc-pkcs8", encPKCS8, FormatEncryptedPKCS8, true},
			{"enc-legacy", legacy, FormatLegacyEncrypted, true},
			// testdata/gen.sh makes rsaN-pkcs8.der with `openssl pkey -outform DER`,
			// which OpenSSL 3.0 writes as PKCS#1: accept whichever it holds.
			{"der-fixture", derFixture, derFixtureFormat, false},
			{"pkcs8-der", pemBody(t, pkcs8), FormatPKCS8DER, false},
			{"pkcs1-der", pemBody(t, pkcs1), FormatPKCS1DER, false},
			{"enc-pkcs8-der", pemBody(t, encPKCS8), FormatEncryptedPKCS8DER, true},
			{"pkcs1-bom-crlf", bomCRLF(pkcs1), FormatPKCS1, false},
			{"pkcs8-bom-crlf", bomCRLF(pkcs8), FormatPKCS8, false},
			{"enc-pkcs8-bom-crlf", bomCRLF(encPKCS8), FormatEncryptedPKCS8, true},
			{"enc-legacy-bom-crlf", bomCRLF(legacy), FormatLegacyEncrypted, true},
			{"enc-legacy-utf16", utf16LE(legacy), FormatLegacyEncrypted, true},
			{"pkcs8-indented", indent(pkcs8), FormatPKCS8, false},
			{"pkcs8-labelled-pkcs1", relabel(t, pkcs8, "RSA PRIVATE KEY"), FormatPKCS8, false},
			{"pkcs1-labelled-pkcs8", relabel(t, pkcs1, "PRIVATE KEY"), FormatPKCS1, false},
			{"cert-then-key", join(cert, pkcs8), FormatPKCS8, false},
			{"key-then-cert-chain", join(pkcs1, cert, cert), FormatPKCS1, false},
			{"pkcs12-nodes-style", join([]byte("Bag Attributes\n    localKeyID: 01 02\nKey Attributes: <No Attributes>\n"), encPKCS8,
				[]byte("subject=CN = x\nissuer=CN = x\n"), cert, []byte("trailing text\n")), FormatEncryptedPKCS8, true},
		}
		for _, f := range forms {
			t.Run(b+"/"+f.name, func(t *testing.T) {
				calls := 0
				key, info, err := ParsePrivateKey(f.data, staticPass(pw, &calls))
				if err != nil {
					t.Fatalf("ParsePrivateKey: %v", err)
				}
				if key.N.Cmp(ref.N) != 0 || key.D.Cmp(ref.D) != 0 {
					t.Error("parsed key differs from the reference key")
				}
				want := KeyInfo{Format: f.format, Encrypted: f.encrypted, Bits: bits}
				if info != want {
					t.Errorf("info = %+v, want %+v", info, want)
				}
				if wantCalls := map[bool]int{true: 1, false: 0}[f.encrypted]; calls != wantCalls {
					t.Errorf("passphrase func called %d times, want %d", calls, wantCalls)
				}
				if IsEncrypted(f.data) != f.encrypted {
					t.Errorf("IsEncrypted = %v, want %v", !f.encrypted, f.encrypted)
				}
			})
		}
	}
}

func TestParsePrivateKeyErrors(t *testing.T) {
	pw := fixturePassphrase(t)
	wrong := []byte("fixture-passphrase\n") // the newline is not part of it
	ref := referenceKey(t, 2048)
	certPEM, certDER := selfSigned(t, ref)
	pkcs8 := fixture(t, "rsa2048-pkcs8.pem")
	passErr := errors.New("terminal went away")

	tests := []struct {
		name    string
		data    []byte
		pass    PassphraseFunc
		want    error
		message string // substring of the message
	}{
		{"wrong passphrase enc-pkcs8", fixture(t, "rsa2048-enc-pkcs8.pem"), staticPass(wrong, nil), ErrWrongPassphrase, "wrong passphrase"},
		{"wrong passphrase enc-legacy", fixture(t, "rsa2048-enc-legacy.pem"), staticPass(wrong, nil), ErrWrongPassphrase, "wrong passphrase"},
		{"wrong passphrase 4096 enc-pkcs8", fixture(t, "rsa4096-enc-pkcs8.pem"), staticPass([]byte("x"), nil), ErrWrongPassphrase, "wrong passphrase"},
		{"wrong passphrase 4096 enc-legacy", fixture(t, "rsa4096-enc-legacy.pem"), staticPass([]byte("x"), nil), ErrWrongPassphrase, "wrong passphrase"},
		{"empty passphrase enc-pkcs8", fixture(t, "rsa2048-enc-pkcs8.pem"), staticPass(nil, nil), ErrWrongPassphrase, "wrong passphrase"},
		{"no passphrase func enc-pkcs8", fixture(t, "rsa2048-enc-pkcs8.pem"), nil, ErrPassphraseRequired, "needs a passphrase"},
		{"no passphrase func enc-legacy", fixture(t, "rsa2048-enc-legacy.pem"), nil, ErrPassphraseRequired, "needs a passphrase"},
		{"no passphrase func enc-pkcs8 der", pemBody(t, fixture(t, "rsa2048-enc-pkcs8.pem")), nil, ErrPassphraseRequired, "needs a passphrase"},
		{"passphrase func fails", fixture(t, "rsa2048-enc-legacy.pem"), func() ([]byte, error) { return nil, passErr }, passErr, "terminal went away"},
		{"ec", fixture(t, "ec-p256.pem"), nil, ErrNotRSA, "ECDSA P-256"},
		{"ed25519", fixture(t, "ed25519.pem"), nil, ErrNotRSA, "Ed25519"},
		{"ec sec1", secp256Legacy(t), nil, ErrNotRSA, "ECDSA P-256"},
		{"ec der", pemBody(t, fixture(t, "ec-p256.pem")), nil, ErrNotRSA, "ECDSA P-256"},
		{"rsa1024", fixture(t, "rsa1024-pkcs8.pem"), nil, ErrKeySize, "RSA key size 1024 is not supported"},
		{"garbage bytes", randomBytes(t, 700), staticPass(pw, nil), ErrMalformedKey, ""},
		{"garbage text", []byte("hello, this is not a key\n"), nil, ErrMalformedKey, ""},
		{"garbage in pem", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), nil, ErrMalformedKey, "damaged"},
		{"bad base64", []byte("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n"), nil, ErrMalformedKey, "damaged"},
		{"two keys", join(pkcs8, fixture(t, "rsa4096-pkcs1.pem")), nil, ErrMultipleKeys, "found 2 private keys"},
		{"two keys one damaged", join(pkcs8, []byte("-----BEGIN RSA PRIVATE KEY-----\nAAA\n")), nil, ErrMultipleKeys, "found 2 private keys"},
		{"certificate", certPEM, nil, ErrNoPrivateKey, "found a CERTIFICATE, not a private key"},
		{"two certificates and a csr", join(certPEM, certPEM, csrFor(t, ref)), nil, ErrNoPrivateKey, "found 2 CERTIFICATE blocks and a CERTIFICATE REQUEST, not a private key"},
		{"certificate der", certDER, nil, ErrNoPrivateKey, "certificate (DER)"},
		{"public key der", publicDER(t, ref), nil, ErrNoPrivateKey, "found an RSA public key (DER), not a private key"},
		{"public key pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: publicDER(t, ref)}), nil, ErrNoPrivateKey, "found a PUBLIC KEY, not a private key"},
		{"empty", nil, nil, ErrNoPrivateKey, "empty"},
		{"blank", []byte("\r\n \n"), nil, ErrNoPrivateKey, "empty"},
		{"openssh", []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"), nil, ErrUnsupportedFormat, "ssh-keygen"},
		{"legacy unknown cipher", bytes.Replace(fixture(t, "rsa2048-enc-legacy.pem"), []byte("AES-256-CBC"), []byte("CAMELLIA-256-CBC"), 1), nil, ErrUnsupportedFormat, "CAMELLIA-256-CBC"},
		{"legacy damaged header", bytes.Replace(fixture(t, "rsa2048-enc-legacy.pem"), []byte("DEK-Info: AES-256-CBC,"), []byte("DEK-Info: AES-256-CBC,zz"), 1), staticPass(pw, nil), ErrMalformedKey, "damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, _, err := ParsePrivateKey(tt.data, tt.pass)
			if err == nil {
				t.Fatalf("no error; key of %d bits", key.N.BitLen())
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %q (%T) is not %v", err, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q does not contain %q", err, tt.message)
			}
			checkPlainMessage(t, err)
		})
	}
}

func TestParsePrivateKeyErrorTypes(t *testing.T) {
	_, _, err := ParsePrivateKey(fixture(t, "rsa1024-pkcs8.pem"), nil)
	var ks *KeySizeError
	if !errors.As(err, &ks) || ks.Bits != 1024 {
		t.Errorf("RSA-1024: got %v, want *KeySizeError{1024}", err)
	}
	_, _, err = ParsePrivateKey(fixture(t, "ec-p256.pem"), nil)
	var uk *UnsupportedKeyError
	if !errors.As(err, &uk) || uk.Algorithm != "ECDSA P-256" {
		t.Errorf("EC: got %v, want *UnsupportedKeyError{ECDSA P-256}", err)
	}
	_, info, err := ParsePrivateKey(fixture(t, "rsa2048-enc-legacy.pem"), nil)
	if !errors.Is(err, ErrPassphraseRequired) || !info.Encrypted || info.Format != FormatLegacyEncrypted {
		t.Errorf("encrypted without passphrase: info %+v, err %v", info, err)
	}
}

func TestParsePrivateKeyTruncated(t *testing.T) {
	pw := fixturePassphrase(t)
	for _, name := range []string{"rsa2048-pkcs1.pem", "rsa2048-pkcs8.pem", "rsa2048-enc-pkcs8.pem", "rsa2048-enc-legacy.pem", "rsa2048-pkcs8.der", "rsa4096-pkcs8.der"} {
		data := fixture(t, name)
		for pct := 10; pct < 100; pct += 10 {
			t.Run(fmt.Sprintf("%s/%d%%", name, pct), func(t *testing.T) {
				_, _, err := ParsePrivateKey(data[:len(data)*pct/100], staticPass(pw, nil))
				if !errors.Is(err, ErrMalformedKey) {
					t.Fatalf("got %v, want ErrMalformedKey", err)
				}
				checkPlainMessage(t, err)
			})
		}
	}
}

// TestParsePBES2Variants feeds encrypted PKCS#8 keys in the encodings RFC 8018
// allows beside OpenSSL's: a PRF without its NULL parameter, an explicit
// keyLength (right and wrong).
func TestParsePBES2Variants(t *testing.T) {
	pw := fixturePassphrase(t)
	ref := referenceKey(t, 2048)
	enc := pemBody(t, fixture(t, "rsa2048-enc-pkcs8.pem"))
	// hmacWithSHA256 AlgorithmIdentifier with NULL: 30 0c 06 08 <oid> 05 00.
	withNull := []byte{0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09, 0x05, 0x00}
	if !bytes.Contains(enc, withNull) {
		t.Fatal("fixture does not have the expected PRF encoding")
	}
	noNull := fixLengths(t, enc, withNull, []byte{0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09})

	// keyLength 32 inserted before the PRF.
	withKeyLen := fixLengths(t, enc, withNull, append([]byte{0x02, 0x01, 0x20}, withNull...))
	for name, der := range map[string][]byte{"prf without NULL": noNull, "explicit keyLength": withKeyLen} {
		t.Run(name, func(t *testing.T) {
			key, _, err := ParsePrivateKey(der, staticPass(pw, nil))
			if err != nil {
				t.Fatal(err)
			}
			if key.N.Cmp(ref.N) != 0 {
				t.Error("wrong key")
			}
		})
	}
	t.Run("wrong keyLength", func(t *testing.T) {
		der := fixLengths(t, enc, withNull, append([]byte{0x02, 0x01, 0x10}, withNull...))
		if _, _, err := ParsePrivateKey(der, staticPass(pw, nil)); !errors.Is(err, ErrMalformedKey) {
			t.Errorf("got %v, want ErrMalformedKey", err)
		}
	})
	t.Run("unknown prf", func(t *testing.T) {
		// 1.2.840.113549.2.99: no such HMAC.
		der := bytes.Replace(enc, withNull, []byte{0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x63, 0x05, 0x00}, 1)
		_, _, err := ParsePrivateKey(der, staticPass(pw, nil))
		if !errors.Is(err, ErrUnsupportedFormat) || !strings.Contains(err.Error(), "PBKDF2-PRF 1.2.840.113549.2.99") || !strings.Contains(hintOf(err), "openssl pkcs8") {
			t.Errorf("got %v (hint %q), want ErrUnsupportedFormat with a hint", err, hintOf(err))
		}
	})
	t.Run("iteration limit", func(t *testing.T) {
		lim := defaultLimits
		lim.iterations = 1000 // the fixture has 2048
		p := &keyParser{pass: staticPass(pw, nil), limits: lim}
		_, _, err := p.parse(enc)
		if !errors.Is(err, ErrUnsupportedFormat) || !strings.Contains(err.Error(), "2048 PBKDF2 iterations") {
			t.Errorf("got %v, want ErrUnsupportedFormat naming the iteration count", err)
		}
	})
}

// fixLengths replaces old with new in the DER of an EncryptedPrivateKeyInfo
// produced by OpenSSL and repairs the lengths of the enclosing SEQUENCEs
// (all short-form except the outermost, which is long-form).
func fixLengths(t *testing.T, der, old, new []byte) []byte {
	t.Helper()
	delta := len(new) - len(old)
	i := bytes.Index(der, old)
	out := append(append(append([]byte{}, der[:i]...), new...), der[i+len(old):]...)
	// Enclosing structures of the PRF, outermost first: EncryptedPrivateKeyInfo
	// (30 82 LL LL), AlgorithmIdentifier, PBES2-params, KDF AlgorithmIdentifier,
	// PBKDF2-params — each a short-form SEQUENCE at a known depth.
	if out[0] != 0x30 || out[1] != 0x82 {
		t.Fatal("unexpected outer encoding")
	}
	n := int(out[2])<<8 | int(out[3]) + delta
	out[2], out[3] = byte(n>>8), byte(n)
	for _, off := range []int{4, 17, 19, 32} { // offsets from `openssl asn1parse`
		if out[off] != 0x30 {
			t.Fatalf("no SEQUENCE at offset %d", off)
		}
		out[off+1] = byte(int(out[off+1]) + delta)
	}
	return out
}

func TestParseIgnoresPassphraseForPlainKeys(t *testing.T) {
	calls := 0
	if _, _, err := ParsePrivateKey(fixture(t, "rsa2048-pkcs8.pem"), staticPass(nil, &calls)); err != nil {
		t.Fatal(err)
	}
	if calls != 0 {
		t.Errorf("passphrase func called %d times for an unencrypted key", calls)
	}
	// An encrypted EC key is refused before any passphrase is asked.
	if _, _, err := ParsePrivateKey([]byte("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00000000000000000000000000000000\n\nAAAA\n-----END EC PRIVATE KEY-----\n"), staticPass(nil, &calls)); !errors.Is(err, ErrNotRSA) {
		t.Errorf("encrypted EC key: got %v, want ErrNotRSA", err)
	}
	if calls != 0 {
		t.Errorf("passphrase asked for a key that cannot be used")
	}
}

func publicDER(t *testing.T, key *rsa.PrivateKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func relabel(t *testing.T, data []byte, blockType string) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: pemBody(t, data)})
}

func join(parts ...[]byte) []byte { return bytes.Join(parts, []byte("\n")) }

func indent(data []byte) []byte {
	return bytes.ReplaceAll(append([]byte("  "), data...), []byte("\n"), []byte("\n  "))
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	b[0] = 0x04 // not a SEQUENCE, so never mistaken for DER
	return b
}

// secp256Legacy is the P-256 fixture converted to SEC 1 "EC PRIVATE KEY".
func secp256Legacy(t *testing.T) []byte {
	t.Helper()
	key, err := x509.ParsePKCS8PrivateKey(pemBody(t, fixture(t, "ec-p256.pem")))
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(key.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
}
