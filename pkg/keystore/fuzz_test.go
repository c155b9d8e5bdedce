package keystore

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParsePrivateKey checks that no input makes ParsePrivateKey panic or
// break its contract, with and without a passphrase. The seed corpus is every
// key fixture (all forms, every encryption scheme, encrypted and not, in PEM
// and DER) plus a few edge cases.
func FuzzParsePrivateKey(f *testing.F) {
	entries, err := os.ReadDir(fixtureDir)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if data, err := os.ReadFile(filepath.Join(fixtureDir, e.Name())); err == nil && len(data) <= MaxInputSize {
			f.Add(data)
		}
	}
	f.Add(bomCRLF(fixture(f, "rsa2048-enc-legacy.pem")))
	f.Add(pemBody(f, fixture(f, "rsa2048-enc-pkcs8.pem")))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"))
	// Every encryption scheme as DER too (the PEM fixtures are read above),
	// and key derivations just above and far above the limits.
	for _, name := range []string{"rsa2048-enc-pbes1-3des.pem", "rsa2048-enc-pbes1-2des.pem", "rsa2048-enc-scrypt.pem",
		"rsa2048-enc-sha512-aes128.pem", "rsa2048-enc-des3.pem", "rsa2048-enc-rc2.pem", "rsa2048-enc-pbes1-md5-des.pem"} {
		f.Add(pemBody(f, fixture(f, name)))
	}
	salt := make([]byte, 8)
	f.Add(pbes2Key(f, oidScrypt, scryptParams{Salt: salt, N: 2048, R: 8, P: 1}))
	f.Add(pbes2Key(f, oidScrypt, scryptParams{Salt: salt, N: 1 << 30, R: 1 << 20, P: 1 << 20}))
	f.Add(pbes2Key(f, oidPBKDF2, pbkdf2Params{Salt: salt, Iterations: 4097}))
	f.Add(encryptedKey(f, append(oidPKCS12PBE[:7:7], 3), pbeParams{Salt: salt, Iterations: 1 << 30}))
	f.Add([]byte{})
	pw := fixturePassphrase(f)

	f.Fuzz(func(t *testing.T, data []byte) {
		// No input may make parsing slow (a crafted iteration count, a huge
		// modulus): far below a second is normal.
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("parsing took %v", d)
			}
		}()
		key, info, err := ParsePrivateKey(data, nil)
		checkResult(t, key, info, err)

		calls := 0
		// The KDF limits are lowered from the production ones (fuzzLimits).
		p := &keyParser{pass: staticPass(pw, &calls), limits: fuzzLimits}
		key, info, err = p.parse(data)
		checkResult(t, key, info, err)
		if calls > 1 || (calls == 1 && !info.Encrypted) {
			t.Errorf("passphrase asked %d times, encrypted=%v", calls, info.Encrypted)
		}
		_ = IsEncrypted(data)
	})
}

func checkResult(t *testing.T, key any, info KeyInfo, err error) {
	t.Helper()
	if err != nil {
		if err.Error() == "" {
			t.Error("empty error message")
		}
		return
	}
	if key == nil || info.Bits < MinReadBits || info.Format == "" {
		t.Errorf("success without a usable key: %+v", info)
	}
}

// fuzzLimits are far below defaultLimits so that a mutated iteration count or
// scrypt cost cannot stall the fuzzer; the fixtures stay within them (OpenSSL
// writes 2048 iterations, testdata/gen.sh scrypt with N=1024, r=8, p=1).
var fuzzLimits = kdfLimits{iterations: 4096, scryptMem: 1 << 20, scryptWork: 1 << 13}
