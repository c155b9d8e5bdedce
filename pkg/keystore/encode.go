package keystore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
)

// PEM block types written and read by this package.
const (
	pemPKCS8          = "PRIVATE KEY"
	pemEncryptedPKCS8 = "ENCRYPTED PRIVATE KEY"
	pemPKCS1          = "RSA PRIVATE KEY"
)

// The encryption EncodePrivateKey writes: PBES2, PBKDF2-HMAC-SHA256 with
// writeIterations and a writeSaltSize-byte salt, AES-256-CBC.
const (
	writeIterations = 600_000
	writeSaltSize   = 16
)

var oidAES256CBC = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}

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
	return encodePrivateKey(key, passphrase, rand.Reader)
}

// encodePrivateKey is EncodePrivateKey with the salt and IV read from random.
func encodePrivateKey(key *rsa.PrivateKey, passphrase []byte, random io.Reader) ([]byte, error) {
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
	enc, err := encryptPKCS8(random, der, passphrase)
	if err != nil {
		return nil, fmt.Errorf("encrypting the private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemEncryptedPKCS8, Bytes: enc}), nil
}

// encryptPKCS8 encrypts a PrivateKeyInfo as an EncryptedPrivateKeyInfo with
// PBES2 (RFC 8018 6.2): PBKDF2-HMAC-SHA256 and AES-256-CBC. The salt is read
// from random first, then the IV; the PRF is written with its NULL parameter
// and the optional keyLength left out, as OpenSSL writes it.
func encryptPKCS8(random io.Reader, der, passphrase []byte) ([]byte, error) {
	salt := make([]byte, writeSaltSize)
	if _, err := io.ReadFull(random, salt); err != nil {
		return nil, fmt.Errorf("generating the salt: %w", err)
	}
	iv := make([]byte, aes.BlockSize)
	if _, err := io.ReadFull(random, iv); err != nil {
		return nil, fmt.Errorf("generating the IV: %w", err)
	}
	key, err := pbkdf2.Key(sha256.New, string(passphrase), salt, writeIterations, 32)
	if err != nil {
		return nil, fmt.Errorf("deriving the key: %w", err)
	}
	defer clear(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	// PKCS#7 padding (RFC 8018 6.1.1): 1 to 16 bytes, each the pad length.
	pad := aes.BlockSize - len(der)%aes.BlockSize
	data := make([]byte, len(der), len(der)+pad)
	copy(data, der)
	for range pad {
		data = append(data, byte(pad))
	}
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(data, data)

	kdf, err := asn1.Marshal(pbkdf2Params{
		Salt:       salt,
		Iterations: writeIterations,
		PRF:        pkix.AlgorithmIdentifier{Algorithm: oidHMACSHA256, Parameters: asn1.NullRawValue},
	})
	if err != nil {
		return nil, err
	}
	ivDER, err := asn1.Marshal(iv)
	if err != nil {
		return nil, err
	}
	params, err := asn1.Marshal(pbes2Params{
		KDF:    pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: kdf}},
		Scheme: pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: ivDER}},
	})
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(encryptedInfo{
		Algo: pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: params}},
		Data: data,
	})
}
