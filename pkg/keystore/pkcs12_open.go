package keystore

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
)

// Opening a PKCS#12 file bag by bag, so that nothing reaches go-pkcs12 whose
// work is not bounded: every encrypted SafeContents part is decrypted here
// (PBES2 AES with crypto/pbkdf2 and crypto/aes, pbeWithSHAAnd3-KeyTripleDES
// with the PKCS#12 KDF of pkcs12_mac.go and crypto/des), and the shrouded key
// bags found inside are checked (algorithm, iterations, the file's total)
// before go-pkcs12 decrypts them one at a time. Parts encrypted with RC2,
// which the standard library lacks, are left to go-pkcs12 whole (see
// errNeedsGoPKCS12).

// maxTotalIterations bounds the key-derivation work of one file: the MAC,
// every encrypted part and every key bag together. Real files spend a few
// thousand iterations each; 2 × maxIterations is a few seconds of CPU.
const maxTotalIterations = 2 * maxIterations

// errNeedsGoPKCS12 marks a part this file cannot decrypt itself (RC2).
var errNeedsGoPKCS12 = errors.New("encrypted part needs go-pkcs12")

var oid3DES = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}

// kdfBudget counts the iterations a file may still spend.
type kdfBudget struct{ left int }

func newKDFBudget() *kdfBudget { return &kdfBudget{left: maxTotalIterations} }

// spend refuses an algorithm go-pkcs12 cannot run, one with too many
// iterations, and one that would exceed the file's total.
func (b *kdfBudget) spend(a algInfo) error {
	switch {
	case !a.supported:
		return newError(ErrUnsupportedFormat, "the PKCS#12 file uses %s, which this tool cannot read; %s", a.name, p12ReexportHint)
	case a.iterations < 0 || a.iterations > maxIterations:
		return newError(ErrUnsupportedFormat, "the PKCS#12 file uses %d iterations for %s; this tool accepts at most %d; %s", a.iterations, a.name, maxIterations, p12ReexportHint)
	case a.iterations > b.left:
		return newError(ErrUnsupportedFormat, "the PKCS#12 file asks for more than %d key-derivation iterations in all; this tool stops there; %s", maxTotalIterations, p12ReexportHint)
	}
	b.left -= a.iterations
	return nil
}

// openBags returns every SafeBag of f in file order, decrypting the
// encrypted parts with password. Call it after the MAC was checked (or for a
// file without one). It checks ctx between parts.
func (f *p12File) openBags(ctx context.Context, password string, budget *kdfBudget) ([]safeBag, error) {
	var bags []safeBag
	for _, p := range f.parts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !p.encrypted {
			bags = append(bags, p.bags...)
			continue
		}
		a := describePBE(p.alg)
		if err := budget.spend(a); err != nil {
			return nil, err
		}
		plain, err := decryptPart(p.alg, p.ciphertext, password)
		if err != nil {
			return nil, err
		}
		der, err := berToDER(plain)
		var inner []safeBag
		if err != nil || !unmarshalExact(der, &inner) {
			return nil, newError(ErrWrongPassphrase, "wrong passphrase for the contents (or they are damaged): the encrypted part does not decrypt to certificates and keys")
		}
		bags = append(bags, inner...)
	}
	for _, b := range bags {
		if !b.ID.Equal(oidShroudedBag) {
			continue
		}
		var enc encryptedInfo
		if !unmarshalExact(b.Value.Bytes, &enc) {
			return nil, damaged("key bag")
		}
		if err := budget.spend(describePBE(enc.Algo)); err != nil {
			return nil, err
		}
	}
	return bags, nil
}

// partKey is a block cipher and IV for one encrypted part.
type partKey struct {
	block cipher.Block
	iv    []byte
}

// partKeys derives the key and IV of an encrypted part from the password:
// for an empty password, both forms writers use (the empty BMPString, two
// zero bytes, and no bytes at all), in that order. PBES2 takes the password
// as UTF-8 (RFC 8018; OpenSSL, Windows and go-pkcs12 agree). RC2 gives
// errNeedsGoPKCS12.
func partKeys(alg pkix.AlgorithmIdentifier, password string) ([]partKey, error) {
	switch {
	case alg.Algorithm.Equal(oidPBES2):
		var params pbes2Params
		var kdf pbkdf2Params
		if !unmarshalExact(alg.Parameters.FullBytes, &params) || !unmarshalExact(params.KDF.Parameters.FullBytes, &kdf) {
			return nil, damaged("encryption parameters")
		}
		prf, ok := hmacHash(kdf.PRF.Algorithm)
		c, cok := findCipher(params.Scheme.Algorithm)
		var iv []byte
		if !ok || !cok || !unmarshalExact(params.Scheme.Parameters.FullBytes, &iv) || len(iv) != aes.BlockSize {
			return nil, newError(ErrUnsupportedFormat, "the PKCS#12 file's encryption parameters are not supported; %s", p12ReexportHint)
		}
		key, err := pbkdf2.Key(prf, password, kdf.Salt, kdf.Iterations, c.keySize)
		if err != nil {
			return nil, damaged("encryption parameters")
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, newError(ErrUnsupportedFormat, "the PKCS#12 file's encryption parameters are not supported; %s", p12ReexportHint)
		}
		return []partKey{{block, iv}}, nil
	case alg.Algorithm.Equal(oid3DES):
		var p pbeParams
		if !unmarshalExact(alg.Parameters.FullBytes, &p) {
			return nil, damaged("encryption parameters")
		}
		pw, ok := bmpPassword(password)
		if !ok {
			return nil, newError(ErrInvalidPassphrase, "%v", errPasswordChars)
		}
		forms := [][]byte{pw}
		if password == "" {
			forms = append(forms, nil)
		}
		var out []partKey
		for _, pw := range forms {
			key := pkcs12KDF(sha1.New, pw, p.Salt, p.Iterations, 1, 24)
			iv := pkcs12KDF(sha1.New, pw, p.Salt, p.Iterations, 2, 8)
			block, err := des.NewTripleDESCipher(key)
			if err != nil {
				return nil, err
			}
			out = append(out, partKey{block, iv})
		}
		return out, nil
	}
	return nil, errNeedsGoPKCS12
}

// decryptPart decrypts one EncryptedData content.
func decryptPart(alg pkix.AlgorithmIdentifier, ct []byte, password string) ([]byte, error) {
	keys, err := partKeys(alg, password)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if out, ok := cbcDecrypt(k.block, k.iv, ct); ok {
			return out, nil
		}
	}
	return nil, wrongContentsPassphrase()
}

// encryptPart encrypts plain as decryptPart decrypts it (the first
// password form).
func encryptPart(alg pkix.AlgorithmIdentifier, plain []byte, password string) ([]byte, error) {
	keys, err := partKeys(alg, password)
	if err != nil {
		return nil, err
	}
	return cbcEncrypt(keys[0].block, keys[0].iv, plain), nil
}

func wrongContentsPassphrase() error {
	return newError(ErrWrongPassphrase, "wrong passphrase for the contents: they do not decrypt with it (another passphrase, or damage)")
}

// cbcDecrypt decrypts and removes PKCS#7 padding; ok is false when the
// padding is wrong (a wrong key, almost always).
func cbcDecrypt(block cipher.Block, iv, ct []byte) ([]byte, bool) {
	n := block.BlockSize()
	if len(ct) == 0 || len(ct)%n != 0 || len(iv) != n {
		return nil, false
	}
	out := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, ct)
	pad := int(out[len(out)-1])
	if pad == 0 || pad > n || !bytes.Equal(out[len(out)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return nil, false
	}
	return out[:len(out)-pad], true
}

// cbcEncrypt is the inverse of cbcDecrypt.
func cbcEncrypt(block cipher.Block, iv, plain []byte) []byte {
	n := block.BlockSize()
	pad := n - len(plain)%n
	in := append(append([]byte{}, plain...), bytes.Repeat([]byte{byte(pad)}, pad)...)
	out := make([]byte, len(in))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out, in)
	return out
}
