package keystore

import (
	"bytes"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"testing"
)

func TestEncodePrivateKeyRoundTrip(t *testing.T) {
	key := referenceKey(t, 2048)
	pw := []byte("correct horse battery staple")
	tests := []struct {
		name       string
		passphrase []byte
		blockType  string
		format     string
	}{
		{"encrypted", pw, "ENCRYPTED PRIVATE KEY", FormatEncryptedPKCS8},
		{"nil passphrase", nil, "PRIVATE KEY", FormatPKCS8},
		{"empty passphrase", []byte{}, "PRIVATE KEY", FormatPKCS8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := EncodePrivateKey(key, tt.passphrase)
			if err != nil {
				t.Fatal(err)
			}
			block, rest := pem.Decode(out)
			if block == nil || block.Type != tt.blockType || len(bytes.TrimSpace(rest)) != 0 || len(block.Headers) != 0 {
				t.Fatalf("output is not a single %q block:\n%s", tt.blockType, out)
			}
			got, info, err := ParsePrivateKey(out, staticPass(tt.passphrase, nil))
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(key) {
				t.Error("round trip changed the key")
			}
			if info.Format != tt.format || info.Bits != 2048 {
				t.Errorf("info = %+v", info)
			}
		})
	}
	if _, err := EncodePrivateKey(nil, pw); err == nil {
		t.Error("nil key: no error")
	}
}

// TestEncodePrivateKeyScheme checks the encryption parameters in the ASN.1:
// PBES2, PBKDF2 with hmacWithSHA256 and a 16-byte salt, AES-256-CBC with a
// 16-byte IV.
func TestEncodePrivateKeyScheme(t *testing.T) {
	out, err := EncodePrivateKey(referenceKey(t, 2048), []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(out)
	var enc encryptedInfo
	var params pbes2Params
	var kdf pbkdf2Params
	var iv []byte
	if !unmarshalExact(block.Bytes, &enc) ||
		!unmarshalExact(enc.Algo.Parameters.FullBytes, &params) ||
		!unmarshalExact(params.KDF.Parameters.FullBytes, &kdf) ||
		!unmarshalExact(params.Scheme.Parameters.FullBytes, &iv) {
		t.Fatal("cannot read the EncryptedPrivateKeyInfo")
	}
	checks := []struct {
		what      string
		got, want asn1.ObjectIdentifier
	}{
		{"scheme", enc.Algo.Algorithm, oidPBES2},
		{"KDF", params.KDF.Algorithm, oidPBKDF2},
		{"PRF", kdf.PRF.Algorithm, oidHMACSHA256},
		{"cipher", params.Scheme.Algorithm, asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}},
	}
	for _, c := range checks {
		if !c.got.Equal(c.want) {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	if len(kdf.Salt) != 16 || len(iv) != 16 || kdf.Iterations < 100_000 {
		t.Errorf("salt %d bytes, IV %d bytes, %d iterations", len(kdf.Salt), len(iv), kdf.Iterations)
	}
	// Wrong passphrase on our own output.
	if _, _, err := ParsePrivateKey(out, staticPass([]byte("pW"), nil)); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("wrong passphrase: got %v", err)
	}
}

// countingReader returns 0, 1, 2, … : deterministic "randomness".
type countingReader struct{ n byte }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = c.n
		c.n++
	}
	return len(p), nil
}

// TestEncodePrivateKeyGolden pins the encrypted output for fixed randomness:
// the SHA-256 below is that of go.step.sm/crypto v0.91.1's
// pemutil.EncryptPKCS8PrivateKey(…, x509.PEMCipherAES256) for the same key,
// passphrase and reader, which this package used before; the standard-library
// encoder that replaced it writes the same bytes.
func TestEncodePrivateKeyGolden(t *testing.T) {
	const want = "78dbd594b910e1b43e165956e08530e466238244bf57d609f45d3184ac0f8ba8"
	out, err := encodePrivateKey(referenceKey(t, 2048), []byte("golden passphrase"), &countingReader{})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%x", sha256.Sum256(out)); got != want {
		t.Errorf("encrypted PKCS#8 output changed: SHA-256 %s, want %s\n%s", got, want, out)
	}
}
