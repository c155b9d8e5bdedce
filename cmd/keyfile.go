package cmd

import (
	"context"
	"crypto/rsa"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

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

// generateKey makes an RSA key, racing one generator per CPU. The progress
// line goes to stderr before the work, and only on a terminal: in a log or a
// transcript it would land after the result it announces.
func (a *App) generateKey(ctx context.Context, bits int) (*rsa.PrivateKey, error) {
	if !a.Quiet && !a.JSON() && isTerminalWriter(a.ErrOut) {
		fmt.Fprintf(a.ErrOut, "Generating an RSA-%d key…\n", bits) // *os.File: unbuffered
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

// keySource says where a key's passphrase may come from. NoPassphrase
// (--no-passphrase) means the user says the key has none: never ask, and
// refuse an encrypted key.
type keySource struct {
	passFile, passFlag, passEnv string
	noPassphrase                bool
	noPassFlag                  string // the flag that set noPassphrase, for the error
}

// loadKey reads a private key in any supported form, asking for its
// passphrase only if it is encrypted.
func (a *App) loadKey(path, passFile, passFlag, passEnv string) (*rsa.PrivateKey, keyReport, error) {
	return a.loadKeyFrom(path, keySource{passFile: passFile, passFlag: passFlag, passEnv: passEnv})
}

// loadKeyFrom is loadKey with every passphrase option. The permission
// warning is given only for a file that holds a private key: an encrypted
// one before its passphrase is asked for, any other once it parsed (a
// certificate passed as --key gets the error that it is not a key, alone).
func (a *App) loadKeyFrom(path string, src keySource) (*rsa.PrivateKey, keyReport, error) {
	data, err := safefile.ReadFile(path, keystore.MaxInputSize)
	if err != nil {
		return nil, keyReport{}, fmt.Errorf("reading the key: %w", err)
	}
	encrypted := keystore.IsEncrypted(data)
	if encrypted {
		if src.noPassphrase {
			return nil, keyReport{}, &Error{Code: codeKeyEncrypted,
				Message: fmt.Sprintf("%s is encrypted, but %s says it has no passphrase", path, src.noPassFlag),
				Hint:    fmt.Sprintf("drop %s and give the key's passphrase with %s FILE (- for stdin) or %s", src.noPassFlag, src.passFlag, src.passEnv)}
		}
		a.warnPermissions(path)
	}
	pass := func() ([]byte, error) {
		return a.readSecret(secretSpec{what: "passphrase for " + path, file: src.passFile, fileFlag: src.passFlag, envVar: src.passEnv})
	}
	key, info, err := keystore.ParsePrivateKey(data, pass)
	if err != nil {
		return nil, keyReport{}, fmt.Errorf("%s: %w", path, err)
	}
	if !encrypted {
		a.warnPermissions(path)
	}
	return key, describeKey(path, key, info), nil
}

// warnPermissions warns when others can read or change a key file.
func (a *App) warnPermissions(path string) {
	if w := keystore.PermissionWarning(path); w != "" {
		a.Warn(w)
	}
}

// isTerminalWriter reports whether w is a terminal, looking through init's
// indenting of its steps' output.
func isTerminalWriter(w io.Writer) bool {
	switch v := w.(type) {
	case *os.File:
		return term.IsTerminal(int(v.Fd()))
	case *indentWriter:
		return isTerminalWriter(v.w)
	}
	return false
}

// describeKey fills a keyReport from a key and how it is stored.
func describeKey(path string, key *rsa.PrivateKey, info keystore.KeyInfo) keyReport {
	fp, _ := csr.PublicKeyFingerprint(&key.PublicKey)
	return keyReport{
		File: path, Algorithm: "RSA", Bits: key.N.BitLen(), Format: info.Format,
		Encrypted: info.Encrypted, PublicKeySHA256: fp,
	}
}
