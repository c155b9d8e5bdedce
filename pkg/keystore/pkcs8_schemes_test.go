package keystore

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
)

// hintOf returns the Hint() of err, or "".
func hintOf(err error) string {
	var h interface{ Hint() string }
	if errors.As(err, &h) {
		return h.Hint()
	}
	return ""
}

// TestParsePKCS8Schemes reads the fixtures testdata/gen-pkcs8.sh makes with
// OpenSSL 3, one per encryption scheme, as PEM and as DER, with the right
// and a wrong passphrase; the refused schemes give a conversion command.
func TestParsePKCS8Schemes(t *testing.T) {
	pw := fixturePassphrase(t)
	ref := referenceKey(t, 2048)
	tests := []struct {
		file    string
		refused string // substring of the refusal, "" when read
	}{
		{"rsa2048-enc-pkcs8.pem", ""}, // PBES2 AES-256-CBC PBKDF2-HMAC-SHA256
		{"rsa2048-enc-pbes1-3des.pem", ""},
		{"rsa2048-enc-pbes1-2des.pem", ""},
		{"rsa2048-enc-sha1-aes128.pem", ""},
		{"rsa2048-enc-sha224-aes192.pem", ""},
		{"rsa2048-enc-sha384-aes256.pem", ""},
		{"rsa2048-enc-sha512-aes128.pem", ""},
		{"rsa2048-enc-des3.pem", ""},
		{"rsa2048-enc-des-cbc.pem", ""},
		{"rsa2048-enc-scrypt.pem", ""},
		{"rsa2048-enc-rc2.pem", "RC2-CBC, a weak cipher"},
		{"rsa2048-enc-pbes1-rc2.pem", "pbeWithSHAAnd128BitRC2-CBC"},
		{"rsa2048-enc-pbes1-md5-des.pem", "pbeWithMD5AndDES-CBC (PKCS#5 v1.5)"},
	}
	for _, tt := range tests {
		data := fixture(t, tt.file)
		for form, in := range map[string][]byte{"pem": data, "der": pemBody(t, data)} {
			t.Run(tt.file+"/"+form, func(t *testing.T) {
				calls := 0
				key, info, err := ParsePrivateKey(in, staticPass(pw, &calls))
				if !IsEncrypted(in) {
					t.Error("IsEncrypted = false")
				}
				if tt.refused != "" {
					if !errors.Is(err, ErrUnsupportedFormat) || !strings.Contains(err.Error(), tt.refused) {
						t.Fatalf("got %v, want ErrUnsupportedFormat naming %q", err, tt.refused)
					}
					if hintOf(err) != convertHint || calls != 0 || !info.Encrypted {
						t.Errorf("hint %q, %d passphrase calls, info %+v", hintOf(err), calls, info)
					}
					checkPlainMessage(t, err)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !key.Equal(ref) || info.Bits != 2048 || !info.Encrypted || calls != 1 {
					t.Errorf("wrong key or info %+v, %d calls", info, calls)
				}
				_, _, err = ParsePrivateKey(in, staticPass([]byte("fixture-passphrasE"), nil))
				if !errors.Is(err, ErrWrongPassphrase) || errors.Is(err, ErrMalformedKey) {
					t.Errorf("wrong passphrase: got %v", err)
				}
				if !errors.Is(err, errBadPadding) && !errors.Is(err, errNotPKCS8) {
					t.Errorf("wrong passphrase error does not keep its cause: %v", err)
				}
				checkPlainMessage(t, err)
			})
		}
	}
}

// encryptedKey builds an EncryptedPrivateKeyInfo with the given algorithm
// and parameters and 32 bytes of (meaningless) ciphertext.
func encryptedKey(t testing.TB, oid asn1.ObjectIdentifier, params any) []byte {
	t.Helper()
	p, err := asn1.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	der, err := asn1.Marshal(encryptedInfo{
		Algo: pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.RawValue{FullBytes: p}},
		Data: make([]byte, 32),
	})
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemEncryptedPKCS8, Bytes: der})
}

// pbes2Key builds a PBES2 key with the given KDF and AES-256-CBC.
func pbes2Key(t testing.TB, kdf asn1.ObjectIdentifier, kdfParams any) []byte {
	t.Helper()
	k, err := asn1.Marshal(kdfParams)
	if err != nil {
		t.Fatal(err)
	}
	iv, _ := asn1.Marshal(make([]byte, 16))
	return encryptedKey(t, oidPBES2, pbes2Params{
		KDF:    pkix.AlgorithmIdentifier{Algorithm: kdf, Parameters: asn1.RawValue{FullBytes: k}},
		Scheme: pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: iv}},
	})
}

// TestPKCS8CostLimits: a key file whose key derivation would cost too much
// is refused before the passphrase is asked for, naming the parameters.
func TestPKCS8CostLimits(t *testing.T) {
	salt := make([]byte, 16)
	sha256PRF := pkix.AlgorithmIdentifier{Algorithm: oidHMACSHA256, Parameters: asn1.NullRawValue}
	scryptKey := func(n, r, p int) []byte {
		return pbes2Key(t, oidScrypt, scryptParams{Salt: salt, N: n, R: r, P: p})
	}
	tests := []struct {
		name, message string
		data          []byte
	}{
		{"pbkdf2 above the cap", "10000001 PBKDF2 iterations; this tool accepts 1 to 10000000",
			pbes2Key(t, oidPBKDF2, pbkdf2Params{Salt: salt, Iterations: maxIterations + 1, PRF: sha256PRF})},
		{"pbkdf2 2^31-1", "2147483647 PBKDF2 iterations", pbes2Key(t, oidPBKDF2, pbkdf2Params{Salt: salt, Iterations: 1<<31 - 1, PRF: sha256PRF})},
		{"pbkdf2 zero", "0 PBKDF2 iterations", pbes2Key(t, oidPBKDF2, pbkdf2Params{Salt: salt, PRF: sha256PRF})},
		{"pkcs12 pbe above the cap", "10000001 iterations of the PKCS#12 key derivation",
			encryptedKey(t, append(oidPKCS12PBE[:7:7], 3), pbeParams{Salt: salt, Iterations: maxIterations + 1})},
		{"scrypt N too large", "N=2097152, r=1, p=1", scryptKey(1<<21, 1, 1)},
		{"scrypt memory", "N=1048576, r=8, p=1", scryptKey(1<<20, 8, 1)},
		{"scrypt r huge", "N=1024, r=1073741824, p=1", scryptKey(1024, 1<<30, 1)},
		{"scrypt p huge", "N=16384, r=8, p=1073741824", scryptKey(16384, 8, 1<<30)},
		{"scrypt work", "N=131072, r=8, p=5", scryptKey(1<<17, 8, 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			_, _, err := ParsePrivateKey(tt.data, staticPass([]byte("x"), &calls))
			if !errors.Is(err, ErrUnsupportedFormat) || !strings.Contains(err.Error(), tt.message) {
				t.Fatalf("got %v, want ErrUnsupportedFormat containing %q", err, tt.message)
			}
			if calls != 0 {
				t.Error("the passphrase was asked for before the cost was checked")
			}
			if hintOf(err) != costHint {
				t.Errorf("hint %q", hintOf(err))
			}
		})
	}
	// Within the limits: OpenSSL's default scrypt cost and the largest work
	// accepted get as far as the passphrase.
	for _, data := range [][]byte{scryptKey(16384, 8, 1), scryptKey(1<<17, 8, 2)} {
		if _, _, err := ParsePrivateKey(data, nil); !errors.Is(err, ErrPassphraseRequired) {
			t.Errorf("scrypt within the limits: got %v", err)
		}
	}
}

// TestPKCS8Malformed: parameters that cannot be right are "damaged", with
// the parser's error kept as the cause, and no passphrase is asked for.
func TestPKCS8Malformed(t *testing.T) {
	salt := make([]byte, 16)
	tests := []struct {
		name string
		data []byte
	}{
		{"scrypt N not a power of two", pbes2Key(t, oidScrypt, scryptParams{Salt: salt, N: 1000, R: 8, P: 1})},
		{"scrypt N=1", pbes2Key(t, oidScrypt, scryptParams{Salt: salt, N: 1, R: 8, P: 1})},
		{"scrypt r=0", pbes2Key(t, oidScrypt, scryptParams{Salt: salt, N: 1024, R: 0, P: 1})},
		{"scrypt wrong keyLength", pbes2Key(t, oidScrypt, scryptParams{Salt: salt, N: 1024, R: 8, P: 1, KeyLength: 16})},
		{"scrypt params not a sequence", pbes2Key(t, oidScrypt, 7)},
		{"pbkdf2 params not a sequence", pbes2Key(t, oidPBKDF2, "x")},
		{"pbes1 params not a sequence", encryptedKey(t, append(oidPKCS12PBE[:7:7], 3), true)},
		{"pbes2 params not a sequence", encryptedKey(t, oidPBES2, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			_, _, err := ParsePrivateKey(tt.data, staticPass([]byte("x"), &calls))
			if !errors.Is(err, ErrMalformedKey) || calls != 0 || hintOf(err) != damagedHint {
				t.Fatalf("got %v (hint %q, %d calls), want ErrMalformedKey", err, hintOf(err), calls)
			}
			checkPlainMessage(t, err)
		})
	}
	// The ASN.1 error is kept as the cause.
	_, _, err := ParsePrivateKey(pbes2Key(t, oidPBKDF2, "x"), nil)
	var se asn1.StructuralError
	if !errors.As(err, &se) {
		t.Errorf("cause lost: %v", err)
	}
}

// TestPKCS8RefusedSchemes: weak and unknown schemes built by hand (the
// OpenSSL-made RC2 and MD5-DES files are in TestParsePKCS8Schemes).
func TestPKCS8RefusedSchemes(t *testing.T) {
	pbe := pbeParams{Salt: make([]byte, 8), Iterations: 2048}
	tests := []struct {
		name, message string
		data          []byte
	}{
		{"pbes1 sha1 rc4", "pbeWithSHAAnd128BitRC4", encryptedKey(t, append(oidPKCS12PBE[:7:7], 1), pbe)},
		{"pbes1 sha1 rc2-40", "pbeWithSHAAnd40BitRC2-CBC", encryptedKey(t, append(oidPKCS12PBE[:7:7], 6), pbe)},
		{"pkcs12 unknown", "unknown PKCS#12 scheme (OID 1.2.840.113549.1.12.1.9)", encryptedKey(t, append(oidPKCS12PBE[:7:7], 9), pbe)},
		{"pkcs5 sha1 des", "pbeWithSHA1AndDES-CBC", encryptedKey(t, append(oidPKCS5[:6:6], 10), pbe)},
		{"pkcs5 md2 des", "pbeWithMD2AndDES-CBC", encryptedKey(t, append(oidPKCS5[:6:6], 1), pbe)},
		{"pkcs5 unknown", "unknown password-based scheme (OID 1.2.840.113549.1.5.99)", encryptedKey(t, append(oidPKCS5[:6:6], 99), pbe)},
		{"unknown prf", "PBKDF2-PRF 1.2.840.113549.2.99", pbes2Key(t, oidPBKDF2, pbkdf2Params{Salt: pbe.Salt, Iterations: 2048,
			PRF: pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 99}}})},
		{"unknown kdf", "unknown key derivation (OID 1.2.3.4)", pbes2Key(t, asn1.ObjectIdentifier{1, 2, 3, 4}, pbe)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParsePrivateKey(tt.data, staticPass([]byte("x"), nil))
			if !errors.Is(err, ErrUnsupportedFormat) || !strings.Contains(err.Error(), tt.message) || hintOf(err) != convertHint {
				t.Fatalf("got %v (hint %q), want ErrUnsupportedFormat containing %q", err, hintOf(err), tt.message)
			}
			checkPlainMessage(t, err)
		})
	}
}

// TestPKCS12Passphrase: the PBES1 passphrase is UTF-16BE with a terminating
// zero, non-BMP characters as surrogate pairs.
func TestPKCS12Passphrase(t *testing.T) {
	for in, want := range map[string]string{
		"":   "\x00\x00",
		"aé": "\x00a\x00\xe9\x00\x00",
		"😀":  "\xd8\x3d\xde\x00\x00\x00",
	} {
		if got := string(pkcs12Passphrase([]byte(in))); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

// TestKeyErrorsKeepCause: a damaged key's error wraps the crypto/x509 error
// as well as the sentinel, and has a hint; the message stays plain.
func TestKeyErrorsKeepCause(t *testing.T) {
	pw := fixturePassphrase(t)
	for name, data := range map[string][]byte{
		"pkcs1":      []byte("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"),
		"legacy pem": bytes.Replace(fixture(t, "rsa2048-enc-legacy.pem"), []byte("DEK-Info: AES-256-CBC,"), []byte("DEK-Info: AES-256-CBC,zz"), 1),
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := ParsePrivateKey(data, staticPass(pw, nil))
			var he *hintError
			if !errors.As(err, &he) || he.cause == nil || !errors.Is(err, ErrMalformedKey) || !errors.Is(err, he.cause) {
				t.Fatalf("got %v (%T), want ErrMalformedKey with a cause", err, err)
			}
			if he.Hint() == "" {
				t.Error("no hint")
			}
			checkPlainMessage(t, err)
		})
	}
	// Legacy PEM with a wrong passphrase keeps crypto/x509's error when the
	// padding told (1 in 256 wrong passphrases leaves valid-looking padding).
	for i := range 20 {
		_, _, err := ParsePrivateKey(fixture(t, "rsa2048-enc-legacy.pem"), staticPass([]byte("wrong"+itoa(i)), nil))
		if !errors.Is(err, ErrWrongPassphrase) {
			t.Fatalf("got %v", err)
		}
		if errors.Is(err, x509.IncorrectPasswordError) {
			return
		}
	}
	t.Error("no wrong-passphrase error wraps x509.IncorrectPasswordError")
}
