package keystore

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"go.step.sm/crypto/pemutil"
)

// PEM block types written and read by this package.
const (
	pemPKCS8          = "PRIVATE KEY"
	pemEncryptedPKCS8 = "ENCRYPTED PRIVATE KEY"
	pemPKCS1          = "RSA PRIVATE KEY"
)

// EncodePrivateKey returns key as a PEM-encoded PKCS#8 private key.
//
// With a non-empty passphrase the block is "ENCRYPTED PRIVATE KEY": PKCS#8
// EncryptedPrivateKeyInfo with PBES2, PBKDF2-HMAC-SHA256 (600 000 iterations,
// 16-byte random salt) and AES-256-CBC, which OpenSSL 1.1 and 3, Java, Python
// and Node.js read. With a nil or empty passphrase it is an unencrypted
// "PRIVATE KEY" block; callers must make that an explicit choice.
//
// The PEM text is the only copy of the key material that survives the call;
// intermediate DER buffers are zeroed before returning.
func EncodePrivateKey(key *rsa.PrivateKey, passphrase []byte) ([]byte, error) {
	if key == nil {
		return nil, errors.New("no private key to encode")
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encoding the private key as PKCS#8: %w", err)
	}
	defer clear(der)

	if len(passphrase) == 0 {
		return pem.EncodeToMemory(&pem.Block{Type: pemPKCS8, Bytes: der}), nil
	}
	block, err := pemutil.EncryptPKCS8PrivateKey(rand.Reader, der, passphrase, x509.PEMCipherAES256)
	if err != nil {
		return nil, fmt.Errorf("encrypting the private key: %w", err)
	}
	return pem.EncodeToMemory(block), nil
}
