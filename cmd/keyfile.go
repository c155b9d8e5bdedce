package cmd

import (
	"context"
	"crypto/rsa"
	"fmt"

	"github.com/caronboard/caronboard/internal/keygen"
	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// keyReport describes a private key caronboard wrote or read.
type keyReport struct {
	File            string `json:"file"`
	Algorithm       string `json:"algorithm"`
	Bits            int    `json:"bits"`
	Format          string `json:"format"`
	Encrypted       bool   `json:"encrypted"`
	PublicKeySHA256 string `json:"public_key_sha256"`
}

const encryptedFormat = "encrypted PKCS#8 (PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256)"

// newKeyPassphrase gets the passphrase for a key about to be written, or nil
// with a warning when --no-passphrase was given.
func (a *App) newKeyPassphrase(file string, noPassphrase bool) ([]byte, error) {
	if noPassphrase {
		return nil, nil
	}
	return a.readSecret(secretSpec{
		what: "passphrase for the new key", file: file, fileFlag: "--passphrase-file",
		envVar: envPassphrase, confirm: true, noneFlag: "--no-passphrase",
	})
}

// generateKey makes an RSA key, racing one generator per CPU.
func (a *App) generateKey(ctx context.Context, bits int) (*rsa.PrivateKey, error) {
	if !a.Quiet && !a.JSON() {
		fmt.Fprintf(a.ErrOut, "Generating an RSA-%d key…\n", bits)
	}
	return keygen.RSA(ctx, bits, 0)
}

// writeKey encodes key (encrypted when pass is not empty) and writes it 0600,
// exclusively unless force, atomically either way; not at all once ctx is
// done (interrupted).
func (a *App) writeKey(ctx context.Context, path string, key *rsa.PrivateKey, pass []byte, force bool) (keyReport, error) {
	pemBytes, err := keystore.EncodePrivateKey(key, pass)
	if err != nil {
		return keyReport{}, err
	}
	if err := a.writeFile(ctx, path, pemBytes, 0o600, force); err != nil {
		return keyReport{}, err
	}
	rep := describeKey(path, key, keystore.KeyInfo{Format: encryptedFormat, Encrypted: len(pass) > 0})
	if len(pass) == 0 {
		rep.Format = "PKCS#8, not encrypted"
		a.Warn(path + " is not encrypted: anyone who can read the file can use the key; keep it on this machine only")
	}
	return rep, nil
}

// loadKey reads a private key in any supported form, asking for its
// passphrase only if it is encrypted.
func (a *App) loadKey(path, passFile, passFlag, passEnv string) (*rsa.PrivateKey, keyReport, error) {
	data, err := safefile.ReadFile(path, keystore.MaxInputSize)
	if err != nil {
		return nil, keyReport{}, fmt.Errorf("reading the key: %w", err)
	}
	if w := keystore.PermissionWarning(path); w != "" {
		a.Warn(w)
	}
	pass := func() ([]byte, error) {
		return a.readSecret(secretSpec{what: "passphrase for " + path, file: passFile, fileFlag: passFlag, envVar: passEnv})
	}
	key, info, err := keystore.ParsePrivateKey(data, pass)
	if err != nil {
		return nil, keyReport{}, fmt.Errorf("%s: %w", path, err)
	}
	return key, describeKey(path, key, info), nil
}

// describeKey fills a keyReport from a key and how it is stored.
func describeKey(path string, key *rsa.PrivateKey, info keystore.KeyInfo) keyReport {
	fp, _ := csr.PublicKeyFingerprint(&key.PublicKey)
	return keyReport{
		File: path, Algorithm: "RSA", Bits: key.N.BitLen(), Format: info.Format,
		Encrypted: info.Encrypted, PublicKeySHA256: fp,
	}
}
