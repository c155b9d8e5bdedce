package keystore

import (
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.step.sm/crypto/pemutil"
)

// The decryption itself is done by go.step.sm/crypto/pemutil (which uses
// crypto/x509 for legacy PEM). Before calling it, this file checks every
// parameter of an encrypted PKCS#8 key and rewrites it into the one shape
// pemutil understands, because pemutil silently falls back to SHA-1 for any
// PRF it does not know, cannot skip the optional keyLength field, and panics
// on an IV or ciphertext of the wrong length. All of these would otherwise
// come out as a misleading "wrong passphrase" or a crash.

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

// stepPBKDF2 and friends are the exact shape pemutil unmarshals.
type stepPRF struct {
	Algo asn1.ObjectIdentifier
	Null asn1.RawValue
}

type stepPBKDF2 struct {
	Salt       []byte
	Iterations int
	PRF        stepPRF `asn1:"optional"`
}

type stepPBES2 struct {
	KDF struct {
		Algo   asn1.ObjectIdentifier
		Params stepPBKDF2
	}
	Scheme struct {
		Algo asn1.ObjectIdentifier
		IV   []byte
	}
}

type stepEncryptedInfo struct {
	Algo struct {
		Algo   asn1.ObjectIdentifier
		Params stepPBES2
	}
	Data []byte
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

// pbes2Cipher describes an encryption scheme pemutil decrypts.
type pbes2Cipher struct {
	oid       asn1.ObjectIdentifier
	name      string
	keySize   int
	blockSize int
}

var pbes2Ciphers = []pbes2Cipher{
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}, "AES-128-CBC", 16, 16},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}, "AES-192-CBC", 24, 16},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}, "AES-256-CBC", 32, 16},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}, "DES-EDE3-CBC", 24, 8},
	{asn1.ObjectIdentifier{1, 3, 14, 3, 2, 7}, "DES-CBC", 8, 8},
}

// legacyCiphers are the DEK-Info modes crypto/x509 decrypts.
var legacyCiphers = []string{"DES-CBC", "DES-EDE3-CBC", "AES-128-CBC", "AES-192-CBC", "AES-256-CBC"}

const reencryptHint = "re-encrypt a copy with: openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -in FILE -out NEW"

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

// parseEncryptedPKCS8 checks, normalises and decrypts an
// EncryptedPrivateKeyInfo, then reads the RSA key inside.
func (p *keyParser) parseEncryptedPKCS8(der []byte) (*rsa.PrivateKey, error) {
	p.info.Encrypted = true
	normalized, err := p.normalizePBES2(der)
	if err != nil {
		return nil, err
	}
	pw, err := p.passphrase()
	if err != nil {
		return nil, err
	}
	plain, err := pemutil.DecryptPKCS8PrivateKey(normalized, pw)
	if errors.Is(err, x509.IncorrectPasswordError) {
		return nil, newError(ErrWrongPassphrase, "wrong passphrase: the encrypted PKCS#8 key could not be decrypted with it")
	}
	if err != nil {
		return nil, newError(ErrMalformedKey, "the encrypted PKCS#8 key is damaged or truncated")
	}
	defer clear(plain)
	var info pkcs8Info
	if !unmarshalExact(plain, &info) {
		// A wrong key that happens to leave valid padding decrypts to noise.
		return nil, newError(ErrWrongPassphrase, "wrong passphrase: the encrypted PKCS#8 key could not be decrypted with it")
	}
	return parsePKCS8(plain)
}

// normalizePBES2 validates der and re-encodes it in pemutil's shape.
func (p *keyParser) normalizePBES2(der []byte) ([]byte, error) {
	damaged := newError(ErrMalformedKey, "the encrypted PKCS#8 key is damaged or truncated")
	var enc encryptedInfo
	if !unmarshalExact(der, &enc) {
		return nil, damaged
	}
	if !enc.Algo.Algorithm.Equal(oidPBES2) {
		if isPasswordBased(enc.Algo.Algorithm) {
			return nil, newError(ErrUnsupportedFormat, "the key is encrypted with an old scheme (PKCS#5 v1.5 or PKCS#12 PBE, OID %s) that is not supported; %s", enc.Algo.Algorithm, reencryptHint)
		}
		return nil, damaged
	}
	var params pbes2Params
	if !unmarshalExact(enc.Algo.Parameters.FullBytes, &params) {
		return nil, damaged
	}
	if params.KDF.Algorithm.Equal(oidScrypt) {
		return nil, newError(ErrUnsupportedFormat, "the key is encrypted with an scrypt-derived key, which is not supported; %s", reencryptHint)
	}
	if !params.KDF.Algorithm.Equal(oidPBKDF2) {
		return nil, newError(ErrUnsupportedFormat, "the key uses an unknown key derivation (OID %s); %s", params.KDF.Algorithm, reencryptHint)
	}
	var kdf pbkdf2Params
	if !unmarshalExact(params.KDF.Parameters.FullBytes, &kdf) {
		return nil, damaged
	}
	var out stepEncryptedInfo
	out.Algo.Algo = oidPBES2
	out.Algo.Params.KDF.Algo = oidPBKDF2
	out.Algo.Params.KDF.Params = stepPBKDF2{Salt: kdf.Salt, Iterations: kdf.Iterations}
	switch prf := kdf.PRF.Algorithm; {
	case len(prf) == 0 || prf.Equal(oidHMACSHA1):
		// PBKDF2-HMAC-SHA1, the RFC 8018 default: pemutil's default too.
	case prf.Equal(oidHMACSHA256):
		out.Algo.Params.KDF.Params.PRF = stepPRF{Algo: oidHMACSHA256, Null: asn1.NullRawValue}
	default:
		return nil, newError(ErrUnsupportedFormat, "the key's passphrase is derived with PBKDF2-%s, which is not supported (only HMAC-SHA1 and HMAC-SHA256 are); %s", prfName(prf), reencryptHint)
	}
	if kdf.Iterations < 1 || kdf.Iterations > p.maxIter {
		return nil, newError(ErrUnsupportedFormat, "the key uses %d PBKDF2 iterations; this tool accepts 1 to %d; %s", kdf.Iterations, p.maxIter, reencryptHint)
	}

	c, ok := findCipher(params.Scheme.Algorithm)
	if !ok {
		return nil, newError(ErrUnsupportedFormat, "the key is encrypted with a cipher (OID %s) that is not supported; %s", params.Scheme.Algorithm, reencryptHint)
	}
	var iv []byte
	if !unmarshalExact(params.Scheme.Parameters.FullBytes, &iv) || len(iv) != c.blockSize ||
		(kdf.KeyLength != 0 && kdf.KeyLength != c.keySize) ||
		len(enc.Data) == 0 || len(enc.Data)%c.blockSize != 0 {
		return nil, damaged
	}
	out.Algo.Params.Scheme.Algo = c.oid
	out.Algo.Params.Scheme.IV = iv
	out.Data = enc.Data
	normalized, err := asn1.Marshal(out)
	if err != nil {
		return nil, damaged
	}
	return normalized, nil
}

// prfName names the HMAC PRFs of RFC 8018 B.1.
func prfName(oid asn1.ObjectIdentifier) string {
	names := map[int]string{8: "HMAC-SHA224", 10: "HMAC-SHA384", 11: "HMAC-SHA512", 12: "HMAC-SHA512/224", 13: "HMAC-SHA512/256"}
	// 1.2.840.113549.2.N
	if len(oid) == 6 && hasPrefix(oid, oidHMACSHA1[:5]) && names[oid[5]] != "" {
		return names[oid[5]]
	}
	return "PRF " + oid.String()
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
		return nil, newError(ErrMalformedKey, "the Proc-Type or DEK-Info header of the encrypted key is missing or damaged")
	}
	if !slices.Contains(legacyCiphers, mode) {
		return nil, newError(ErrUnsupportedFormat, "the key is encrypted with %s, which is not supported; %s", mode, reencryptHint)
	}
	pw, err := p.passphrase()
	if err != nil {
		return nil, err
	}
	plain, err := pemutil.DecryptPEMBlock(b, pw)
	if errors.Is(err, x509.IncorrectPasswordError) {
		return nil, newError(ErrWrongPassphrase, "wrong passphrase: the encrypted PEM key could not be decrypted with it")
	}
	if err != nil {
		return nil, newError(ErrMalformedKey, "the encrypted PEM key is damaged or truncated")
	}
	defer clear(plain)
	key, err := parseRSA(plain)
	if errors.Is(err, ErrMalformedKey) {
		// Noise after decryption: the passphrase was wrong.
		return nil, newError(ErrWrongPassphrase, "wrong passphrase: the encrypted PEM key could not be decrypted with it")
	}
	return key, err
}
