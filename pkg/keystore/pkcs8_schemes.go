package keystore

import (
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"hash"
	"unicode/utf16"

	"golang.org/x/crypto/scrypt"
)

// The encryption schemes of encrypted PKCS#8 keys read here:
//
//   - PBES2 (RFC 8018) with PBKDF2 and an HMAC-SHA1, -SHA224, -SHA256,
//     -SHA384, -SHA512, -SHA512/224 or -SHA512/256 PRF, or with scrypt
//     (RFC 7914); AES-128/192/256-CBC, DES-EDE3-CBC or DES-CBC;
//   - PBES1 pbeWithSHAAnd3-KeyTripleDES-CBC and pbeWithSHAAnd2-KeyTripleDES-CBC
//     (RFC 7292 appendix C), keyed by the PKCS#12 KDF of pkcs12_mac.go.
//
// RC2, RC4 and the PKCS#5 v1.5 schemes (MD2, MD5 or SHA-1 with DES or RC2)
// are refused with a conversion command. Every parameter is checked, and the
// cost of the key derivation bounded, before the passphrase is asked for.

// kdfLimits bound the work a key file can make us do.
type kdfLimits struct {
	// iterations caps PBKDF2 and PKCS#12 KDF iteration counts.
	iterations int
	// scryptMem caps the memory scrypt needs, 128·N·r bytes.
	scryptMem int
	// scryptWork caps N·r·p, to which scrypt's running time is proportional.
	scryptWork int
}

// defaultLimits: OpenSSL writes 2048 PBKDF2 iterations and scrypt N=16384,
// r=8, p=1 (16 MiB, N·r·p = 2^17); this package writes 600 000 iterations.
// The limits leave a wide margin above those and stop at about a second or
// two of work and 256 MiB of memory.
var defaultLimits = kdfLimits{
	iterations: maxIterations,
	scryptMem:  256 << 20,
	scryptWork: 1 << 22,
}

// maxScryptN is the largest scrypt cost parameter accepted, whatever r is.
const maxScryptN = 1 << 20

// scryptParams is RFC 7914 scrypt-params.
type scryptParams struct {
	Salt      []byte
	N         int
	R         int
	P         int
	KeyLength int `asn1:"optional"`
}

// pbkdf2PRF is one HMAC PRF of RFC 8018 appendix B.1.
type pbkdf2PRF struct {
	oid  asn1.ObjectIdentifier
	name string
	hash func() hash.Hash
}

var pbkdf2PRFs = []pbkdf2PRF{
	{oidHMACSHA1, "HMAC-SHA1", sha1.New},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}, "HMAC-SHA224", sha256.New224},
	{oidHMACSHA256, "HMAC-SHA256", sha256.New},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}, "HMAC-SHA384", sha512.New384},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}, "HMAC-SHA512", sha512.New},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 12}, "HMAC-SHA512/224", sha512.New512_224},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 13}, "HMAC-SHA512/256", sha512.New512_256},
}

// findPRF returns the PRF of oid; a missing PRF is HMAC-SHA1 (RFC 8018).
func findPRF(oid asn1.ObjectIdentifier) (pbkdf2PRF, bool) {
	if len(oid) == 0 {
		return pbkdf2PRFs[0], true
	}
	for _, p := range pbkdf2PRFs {
		if p.oid.Equal(oid) {
			return p, true
		}
	}
	return pbkdf2PRF{}, false
}

// prfName names a PBKDF2 PRF.
func prfName(oid asn1.ObjectIdentifier) string {
	if p, ok := findPRF(oid); ok {
		return p.name
	}
	return "PRF " + oid.String()
}

// pkcs5PBES1Names are the PKCS#5 v1.5 schemes (RFC 8018 A.3), all refused.
var pkcs5PBES1Names = map[int]string{
	1: "pbeWithMD2AndDES-CBC", 3: "pbeWithMD5AndDES-CBC", 4: "pbeWithMD2AndRC2-CBC",
	6: "pbeWithMD5AndRC2-CBC", 10: "pbeWithSHA1AndDES-CBC", 11: "pbeWithSHA1AndRC2-CBC",
}

// planPKCS8 checks an EncryptedPrivateKeyInfo and returns how to decrypt it.
func (p *keyParser) planPKCS8(der []byte) (*pkcs8Plan, error) {
	var enc encryptedInfo
	if rest, err := asn1.Unmarshal(der, &enc); err != nil || len(rest) != 0 {
		return nil, damagedKey(err)
	}
	oid := enc.Algo.Algorithm
	var plan *pkcs8Plan
	var err error
	switch {
	case oid.Equal(oidPBES2):
		plan, err = p.planPBES2(enc.Algo.Parameters.FullBytes)
	case len(oid) == len(oidPKCS12PBE)+1 && hasPrefix(oid, oidPKCS12PBE):
		plan, err = p.planPKCS12PBE(oid[len(oid)-1], enc.Algo.Parameters.FullBytes)
	case len(oid) == len(oidPKCS5)+1 && hasPrefix(oid, oidPKCS5) && pkcs5PBES1Names[oid[len(oid)-1]] != "":
		return nil, unsupportedScheme("the key is encrypted with %s (PKCS#5 v1.5), a weak scheme that is not supported", pkcs5PBES1Names[oid[len(oid)-1]])
	case isPasswordBased(oid):
		return nil, unsupportedScheme("the key is encrypted with an unknown password-based scheme (OID %s)", oid)
	default:
		return nil, damagedKey(nil)
	}
	if err != nil {
		return nil, err
	}
	if len(enc.Data) == 0 || len(enc.Data)%plan.blockSize != 0 {
		return nil, damagedKey(nil)
	}
	plan.data = enc.Data
	return plan, nil
}

// planPBES2 checks PBES2-params: the key derivation and the cipher.
func (p *keyParser) planPBES2(params []byte) (*pkcs8Plan, error) {
	var pb pbes2Params
	if rest, err := asn1.Unmarshal(params, &pb); err != nil || len(rest) != 0 {
		return nil, damagedKey(err)
	}
	if pb.Scheme.Algorithm.Equal(oidRC2CBC) {
		return nil, unsupportedScheme("the key is encrypted with RC2-CBC, a weak cipher that is not supported")
	}
	c, ok := findCipher(pb.Scheme.Algorithm)
	if !ok {
		return nil, unsupportedScheme("the key is encrypted with a cipher (OID %s) that is not supported", pb.Scheme.Algorithm)
	}
	var iv []byte
	if rest, err := asn1.Unmarshal(pb.Scheme.Parameters.FullBytes, &iv); err != nil || len(rest) != 0 || len(iv) != c.blockSize {
		return nil, damagedKey(err)
	}
	var derive func(pw []byte) ([]byte, error)
	var err error
	switch kdf := pb.KDF.Algorithm; {
	case kdf.Equal(oidPBKDF2):
		derive, err = p.planPBKDF2(pb.KDF.Parameters.FullBytes, c.keySize)
	case kdf.Equal(oidScrypt):
		derive, err = p.planScrypt(pb.KDF.Parameters.FullBytes, c.keySize)
	default:
		return nil, unsupportedScheme("the key uses an unknown key derivation (OID %s)", kdf)
	}
	if err != nil {
		return nil, err
	}
	return &pkcs8Plan{
		derive: func(pw []byte) ([]byte, []byte, error) {
			key, err := derive(pw)
			return key, iv, err
		},
		newCipher: c.newCipher,
		blockSize: c.blockSize,
	}, nil
}

// planPBKDF2 checks PBKDF2-params (RFC 8018 A.2) for a key of keySize bytes.
func (p *keyParser) planPBKDF2(params []byte, keySize int) (func([]byte) ([]byte, error), error) {
	var kp pbkdf2Params
	if rest, err := asn1.Unmarshal(params, &kp); err != nil || len(rest) != 0 {
		return nil, damagedKey(err)
	}
	prf, ok := findPRF(kp.PRF.Algorithm)
	if !ok {
		return nil, unsupportedScheme("the key's passphrase is derived with PBKDF2-%s, which is not supported", prfName(kp.PRF.Algorithm))
	}
	if kp.KeyLength != 0 && kp.KeyLength != keySize {
		return nil, damagedKey(nil)
	}
	if kp.Iterations < 1 || kp.Iterations > p.limits.iterations {
		return nil, tooCostly("the key uses %d PBKDF2 iterations; this tool accepts 1 to %d", kp.Iterations, p.limits.iterations)
	}
	return func(pw []byte) ([]byte, error) {
		return pbkdf2.Key(prf.hash, string(pw), kp.Salt, kp.Iterations, keySize)
	}, nil
}

// planScrypt checks scrypt-params (RFC 7914 section 7.1) for a key of keySize
// bytes, and their cost.
func (p *keyParser) planScrypt(params []byte, keySize int) (func([]byte) ([]byte, error), error) {
	var sp scryptParams
	if rest, err := asn1.Unmarshal(params, &sp); err != nil || len(rest) != 0 {
		return nil, damagedKey(err)
	}
	if sp.KeyLength != 0 && sp.KeyLength != keySize {
		return nil, damagedKey(nil)
	}
	if sp.N < 2 || sp.N&(sp.N-1) != 0 || sp.R < 1 || sp.P < 1 {
		return nil, damagedKey(nil)
	}
	// Each bound is checked before the next product is formed, so none overflows.
	lim := p.limits
	if sp.N > maxScryptN || sp.R > lim.scryptMem/128/sp.N || sp.P > lim.scryptWork/sp.N/sp.R ||
		128*sp.N*sp.R > lim.scryptMem || sp.N*sp.R*sp.P > lim.scryptWork {
		return nil, tooCostly("the key uses scrypt with N=%d, r=%d, p=%d; this tool accepts N up to %d, at most %d MiB of memory (128·N·r) and N·r·p up to %d",
			sp.N, sp.R, sp.P, maxScryptN, lim.scryptMem>>20, lim.scryptWork)
	}
	return func(pw []byte) ([]byte, error) {
		return scrypt.Key(pw, sp.Salt, sp.N, sp.R, sp.P, keySize)
	}, nil
}

// planPKCS12PBE checks the parameters of an RFC 7292 appendix C scheme
// (1.2.840.113549.1.12.1.n) and returns how to decrypt it. Only the two
// Triple DES schemes are read; the key and IV come from the PKCS#12 KDF with
// SHA-1 (IDs 1 and 2), as in PKCS#12 bags.
func (p *keyParser) planPKCS12PBE(n int, params []byte) (*pkcs8Plan, error) {
	var keySize int
	switch n {
	case 3: // pbeWithSHAAnd3-KeyTripleDES-CBC
		keySize = 24
	case 4: // pbeWithSHAAnd2-KeyTripleDES-CBC: K1, K2, then K1 again
		keySize = 16
	default:
		name := pkcs12PBENames[n].name
		if name == "" {
			name = "an unknown PKCS#12 scheme (OID " + append(oidPKCS12PBE[:len(oidPKCS12PBE):len(oidPKCS12PBE)], n).String() + ")"
		}
		return nil, unsupportedScheme("the key is encrypted with %s, which is not supported", name)
	}
	var pp pbeParams
	if rest, err := asn1.Unmarshal(params, &pp); err != nil || len(rest) != 0 {
		return nil, damagedKey(err)
	}
	if pp.Iterations < 1 || pp.Iterations > p.limits.iterations {
		return nil, tooCostly("the key uses %d iterations of the PKCS#12 key derivation; this tool accepts 1 to %d", pp.Iterations, p.limits.iterations)
	}
	return &pkcs8Plan{
		derive: func(pw []byte) ([]byte, []byte, error) {
			bmp := pkcs12Passphrase(pw)
			defer clear(bmp)
			key := pkcs12KDF(sha1.New, bmp, pp.Salt, pp.Iterations, 1, keySize)
			if keySize == 16 {
				key = append(key, key[:8]...)
			}
			return key, pkcs12KDF(sha1.New, bmp, pp.Salt, pp.Iterations, 2, des.BlockSize), nil
		},
		newCipher: func(key []byte) (cipher.Block, error) { return des.NewTripleDESCipher(key) },
		blockSize: des.BlockSize,
	}, nil
}

// pkcs12Passphrase encodes a passphrase as RFC 7292 appendix B.1 wants it:
// UTF-16 big-endian with two trailing zero bytes. Characters outside the
// Basic Multilingual Plane become surrogate pairs, as OpenSSL encodes them.
func pkcs12Passphrase(pw []byte) []byte {
	u := utf16.Encode([]rune(string(pw)))
	out := make([]byte, 0, 2*len(u)+2)
	for _, c := range u {
		out = append(out, byte(c>>8), byte(c))
	}
	return append(out, 0, 0)
}
