package keystore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Decryption of the two encrypted key formats. An encrypted PKCS#8 key is
// read in two steps: planPKCS8 (pkcs8_schemes.go) checks every parameter of
// the EncryptedPrivateKeyInfo, including the cost of the key derivation,
// without the passphrase; only then is the passphrase asked for and the key
// derived and decrypted, with crypto/pbkdf2, x/crypto/scrypt or the PKCS#12
// KDF of pkcs12_mac.go, and crypto/aes or crypto/des in CBC mode. Legacy
// "Proc-Type: 4,ENCRYPTED" PEM is decrypted by crypto/x509.

// encryptedInfo is PKCS#8 EncryptedPrivateKeyInfo (RFC 5958).
type encryptedInfo struct {
	Algo pkix.AlgorithmIdentifier
	Data []byte
}

// pbes2Params and pbkdf2Params follow RFC 8018 (PKCS #5 v2.1).
type pbes2Params struct {
	KDF    pkix.AlgorithmIdentifier
	Scheme pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int                      `asn1:"optional"`
	PRF        pkix.AlgorithmIdentifier `asn1:"optional"`
}

var (
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidScrypt     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidPKCS5      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5}
	oidPKCS12PBE  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1}
)

// pbes2Cipher describes a PBES2 encryption scheme.
type pbes2Cipher struct {
	oid       asn1.ObjectIdentifier
	name      string
	keySize   int
	blockSize int
	newCipher func(key []byte) (cipher.Block, error)
}

var pbes2Ciphers = []pbes2Cipher{
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}, "AES-128-CBC", 16, 16, aes.NewCipher},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}, "AES-192-CBC", 24, 16, aes.NewCipher},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}, "AES-256-CBC", 32, 16, aes.NewCipher},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}, "DES-EDE3-CBC", 24, 8, des.NewTripleDESCipher},
	// Single DES: weak, but read so that old keys can be opened; it was
	// read before pemutil was replaced.
	{asn1.ObjectIdentifier{1, 3, 14, 3, 2, 7}, "DES-CBC", 8, 8, des.NewCipher},
}

// oidRC2CBC is RC2-CBC (RFC 8018 B.2.3), recognised to be refused by name.
var oidRC2CBC = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 2}

// legacyCiphers are the DEK-Info modes crypto/x509 decrypts.
var legacyCiphers = []string{"DES-CBC", "DES-EDE3-CBC", "AES-128-CBC", "AES-192-CBC", "AES-256-CBC"}

// isPasswordBased reports whether oid is PBES2 or an older PKCS#5/PKCS#12
// password-based encryption scheme.
func isPasswordBased(oid asn1.ObjectIdentifier) bool {
	return oid.Equal(oidPBES2) || hasPrefix(oid, oidPKCS5) || hasPrefix(oid, oidPKCS12PBE)
}

func hasPrefix(oid, prefix asn1.ObjectIdentifier) bool {
	return len(oid) > len(prefix) && oid[:len(prefix)].Equal(prefix)
}

func looksEncryptedDER(der []byte) bool {
	var enc encryptedInfo
	return unmarshalExact(der, &enc) && isPasswordBased(enc.Algo.Algorithm)
}

func isLegacyEncrypted(b *pem.Block) bool {
	_, dek := b.Headers["DEK-Info"]
	return dek || strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED")
}

// passphrase asks for the passphrase, once.
func (p *keyParser) passphrase() ([]byte, error) {
	p.info.Encrypted = true
	if p.pass == nil {
		return nil, newError(ErrPassphraseRequired, "the %s private key needs a passphrase", p.info.Format)
	}
	pw, err := p.pass()
	if err != nil {
		return nil, fmt.Errorf("reading the passphrase: %w", err)
	}
	return pw, nil
}

// errBadPadding is the cause of a wrong-passphrase error found through the
// CBC padding.
var errBadPadding = errors.New("invalid CBC padding after decryption")

// errNotPKCS8 is the cause of a wrong-passphrase error found because the
// plaintext is no PrivateKeyInfo.
var errNotPKCS8 = errors.New("the decrypted data is not a PKCS#8 PrivateKeyInfo")

// errNotRSAKey is the cause of a wrong-passphrase error found because the
// plaintext of legacy PEM is no RSA key.
var errNotRSAKey = errors.New("the decrypted data is not an RSA private key")

func wrongPKCS8Passphrase(cause error) error {
	return keyErr(ErrWrongPassphrase, cause, "", "wrong passphrase: the encrypted PKCS#8 key could not be decrypted with it")
}

// parseEncryptedPKCS8 checks, decrypts and reads an EncryptedPrivateKeyInfo
// holding an RSA key.
func (p *keyParser) parseEncryptedPKCS8(der []byte) (*rsa.PrivateKey, error) {
	p.info.Encrypted = true
	plan, err := p.planPKCS8(der)
	if err != nil {
		return nil, err
	}
	pw, err := p.passphrase()
	if err != nil {
		return nil, err
	}
	plain, err := plan.decrypt(pw)
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	var info pkcs8Info
	if rest, err := asn1.Unmarshal(plain, &info); err != nil || len(rest) != 0 {
		// A wrong key that happens to leave valid padding decrypts to noise.
		return nil, wrongPKCS8Passphrase(errors.Join(errNotPKCS8, err))
	}
	return parsePKCS8(plain)
}

// pkcs8Plan is an encrypted PKCS#8 key whose parameters have all been checked:
// what is left is deriving the key from the passphrase and decrypting.
type pkcs8Plan struct {
	// derive returns the cipher key and IV for a passphrase.
	derive    func(pw []byte) (key, iv []byte, err error)
	newCipher func(key []byte) (cipher.Block, error)
	blockSize int
	data      []byte
}

// decrypt derives the key, decrypts in CBC mode and removes the padding.
func (pl *pkcs8Plan) decrypt(pw []byte) ([]byte, error) {
	key, iv, err := pl.derive(pw)
	if err != nil {
		return nil, keyErr(ErrUnsupportedFormat, err, convertHint, "the key derivation of the encrypted PKCS#8 key failed")
	}
	defer clear(key)
	block, err := pl.newCipher(key)
	if err != nil {
		return nil, damagedKey(err)
	}
	if len(iv) != block.BlockSize() || len(pl.data) == 0 || len(pl.data)%block.BlockSize() != 0 {
		return nil, damagedKey(nil)
	}
	plain := make([]byte, len(pl.data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, pl.data)
	n, ok := unpad(plain, block.BlockSize())
	if !ok {
		clear(plain)
		return nil, wrongPKCS8Passphrase(errBadPadding)
	}
	return plain[:n], nil
}

// unpad checks the PKCS#7 padding of RFC 8018 6.1.1 and returns the length of
// the data before it.
func unpad(b []byte, blockSize int) (int, bool) {
	if len(b) == 0 {
		return 0, false
	}
	n := int(b[len(b)-1])
	if n == 0 || n > blockSize || n > len(b) {
		return 0, false
	}
	for _, c := range b[len(b)-n:] {
		if int(c) != n {
			return 0, false
		}
	}
	return len(b) - n, true
}

func findCipher(oid asn1.ObjectIdentifier) (pbes2Cipher, bool) {
	for _, c := range pbes2Ciphers {
		if c.oid.Equal(oid) {
			return c, true
		}
	}
	return pbes2Cipher{}, false
}

// parseLegacyEncrypted decrypts an OpenSSL "Proc-Type: 4,ENCRYPTED" block and
// reads the PKCS#1 (or, rarely, PKCS#8) key inside.
func (p *keyParser) parseLegacyEncrypted(b *pem.Block) (*rsa.PrivateKey, error) {
	p.info.Format = FormatLegacyEncrypted
	p.info.Encrypted = true
	mode, _, ok := strings.Cut(b.Headers["DEK-Info"], ",")
	if b.Headers["Proc-Type"] != "4,ENCRYPTED" || !ok {
		return nil, keyErr(ErrMalformedKey, nil, damagedHint, "the Proc-Type or DEK-Info header of the encrypted key is missing or damaged")
	}
	if !slices.Contains(legacyCiphers, mode) {
		return nil, unsupportedScheme("the key is encrypted with %s, which is not supported", mode)
	}
	pw, err := p.passphrase()
	if err != nil {
		return nil, err
	}
	// RFC 1423 encryption is deprecated because a wrong passphrase is only
	// detected by the padding and the key derivation is one round of MD5;
	// reading it is still the only way to open keys OpenSSL 1.1 wrote, and the
	// key found is checked as a whole below. Its cost is fixed and tiny.
	//lint:ignore SA1019 reading legacy encrypted PEM is what this function is for; see above.
	plain, err := x509.DecryptPEMBlock(b, pw)
	if errors.Is(err, x509.IncorrectPasswordError) {
		return nil, keyErr(ErrWrongPassphrase, err, "", "wrong passphrase: the encrypted PEM key could not be decrypted with it")
	}
	if err != nil {
		return nil, keyErr(ErrMalformedKey, err, damagedHint, "the encrypted PEM key is damaged or truncated")
	}
	defer clear(plain)
	key, err := parseRSA(plain)
	if errors.Is(err, ErrMalformedKey) {
		// Noise after decryption: the passphrase was wrong. (Not wrapped:
		// this is no ErrMalformedKey.)
		return nil, keyErr(ErrWrongPassphrase, errNotRSAKey, "", "wrong passphrase: the encrypted PEM key could not be decrypted with it")
	}
	return key, err
}
