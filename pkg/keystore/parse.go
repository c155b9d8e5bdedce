package keystore

import (
	"bytes"
	"crypto/rsa"
	"encoding/pem"
	"fmt"
	"strings"
	"unicode/utf16"
)

// Key formats reported in KeyInfo.Format.
const (
	FormatPKCS1             = "PKCS#1"
	FormatPKCS8             = "PKCS#8"
	FormatEncryptedPKCS8    = "encrypted PKCS#8"
	FormatLegacyEncrypted   = "legacy encrypted PEM"
	FormatPKCS8DER          = "PKCS#8 DER"
	FormatPKCS1DER          = "PKCS#1 DER"
	FormatEncryptedPKCS8DER = "encrypted PKCS#8 DER"
)

// PassphraseFunc returns the passphrase of an encrypted key. ParsePrivateKey
// calls it at most once, and only when the key is encrypted, so a caller can
// prompt lazily. An error it returns is passed back wrapped.
type PassphraseFunc func() ([]byte, error)

// KeyInfo describes the key ParsePrivateKey read. Format is one of the Format*
// constants; Bits is the RSA modulus size. On error the fields known so far
// are filled in (for example Format and Encrypted when the passphrase was
// wrong), so a caller can tell an encrypted key from a plain one.
type KeyInfo struct {
	Format    string
	Encrypted bool
	Bits      int
}

// maxIterations caps the PBKDF2 (and PKCS#12 KDF) iteration count of keys we
// decrypt, so that a crafted file cannot make us spin for hours. OpenSSL
// writes 2048, this package 600 000; nobody uses more than a few million.
// scrypt's parameters are bounded by defaultLimits (pkcs8_schemes.go).
const maxIterations = 10_000_000

// ParsePrivateKey reads one RSA private key from data.
//
// data may be PEM or DER. PEM may start with a UTF-8 or UTF-16 byte order
// mark, use CRLF line endings or indented lines, and carry other text and
// other blocks (certificates, as in a combined cert+key file or the output of
// openssl pkcs12 -nodes) around the single private key block. Forms read:
// PKCS#1 ("RSA PRIVATE KEY"), PKCS#8 ("PRIVATE KEY"), encrypted PKCS#8
// ("ENCRYPTED PRIVATE KEY": PBES2 with PBKDF2-HMAC-SHA1, -SHA224, -SHA256,
// -SHA384 or -SHA512, or scrypt, and AES-128/192/256-CBC, 3DES or DES, as
// OpenSSL 3 genrsa -aes256 and pkcs8 -topk8 write; PBES1
// pbeWithSHAAnd3-KeyTripleDES-CBC and pbeWithSHAAnd2-KeyTripleDES-CBC, as
// OpenSSL 1.0 pkcs8 -topk8 and Java write), legacy encrypted PEM
// ("Proc-Type: 4,ENCRYPTED", as OpenSSL 1.1 genrsa -aes256 and
// rsa -traditional -aes256 write), and DER PKCS#8 (plain or encrypted) and
// PKCS#1.
//
// RC2, RC4 and PKCS#5 v1.5 (MD5-DES and the like) encryption is refused with
// ErrUnsupportedFormat and a conversion command as the error's Hint(). The
// cost of the key derivation is bounded (PBKDF2 iterations, scrypt N, r and
// p) and checked before pass is called.
//
// pass is called at most once, only for an encrypted key. The key is checked
// for consistency (rsa.PrivateKey.Validate) and must have at least
// MinReadBits bits.
//
// Errors wrap ErrPassphraseRequired, ErrWrongPassphrase, ErrNotRSA (through
// *UnsupportedKeyError), ErrNoPrivateKey, ErrMultipleKeys, ErrMalformedKey,
// ErrUnsupportedFormat or ErrKeySize (through *KeySizeError), or the error of
// pass. Errors about encrypted keys also wrap their cause (the ASN.1 or
// crypto/x509 error) where there is one, and have a Hint() string method.
func ParsePrivateKey(data []byte, pass PassphraseFunc) (*rsa.PrivateKey, KeyInfo, error) {
	p := &keyParser{pass: pass, limits: defaultLimits}
	return p.parse(data)
}

// IsEncrypted reports whether data holds an encrypted private key, in any of
// the forms ParsePrivateKey reads. It never needs a passphrase.
func IsEncrypted(data []byte) bool {
	text, isPEM := normalize(data)
	if !isPEM {
		return looksEncryptedDER(text)
	}
	for _, b := range decodeAll(text) {
		if isPrivateKeyType(b.Type) && (b.Type == pemEncryptedPKCS8 || isLegacyEncrypted(b)) {
			return true
		}
	}
	return false
}

// keyParser holds the state of one ParsePrivateKey call.
type keyParser struct {
	pass   PassphraseFunc
	limits kdfLimits
	info   KeyInfo
}

func (p *keyParser) parse(data []byte) (*rsa.PrivateKey, KeyInfo, error) {
	key, err := p.parseAny(data)
	if err != nil {
		return nil, p.info, err
	}
	p.info.Bits = key.N.BitLen()
	return key, p.info, nil
}

func (p *keyParser) parseAny(data []byte) (*rsa.PrivateKey, error) {
	text, isPEM := normalize(data)
	if len(bytes.TrimSpace(text)) == 0 {
		return nil, newError(ErrNoPrivateKey, "the key data is empty")
	}
	if isPEM {
		return p.parsePEM(text)
	}
	return p.parseDER(text)
}

// normalize removes a byte order mark (converting UTF-16 text to UTF-8) and,
// when the data is PEM text, trims every line so that CRLF endings and
// indentation do not hide the block. It reports whether the result is PEM.
func normalize(data []byte) ([]byte, bool) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		data = fromUTF16(data[2:], false)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		data = fromUTF16(data[2:], true)
	}
	if !bytes.Contains(data, []byte("-----BEGIN ")) {
		return data, false
	}
	lines := bytes.Split(data, []byte("\n"))
	for i, l := range lines {
		lines[i] = bytes.TrimSpace(l)
	}
	return bytes.Join(lines, []byte("\n")), true
}

// fromUTF16 decodes UTF-16 text, as Windows PowerShell 5 writes with ">".
func fromUTF16(b []byte, bigEndian bool) []byte {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return []byte(string(utf16.Decode(u)))
}

// decodeAll returns every well-formed PEM block in text.
func decodeAll(text []byte) []*pem.Block {
	var blocks []*pem.Block
	for {
		b, rest := pem.Decode(text)
		if b == nil {
			return blocks
		}
		blocks = append(blocks, b)
		text = rest
	}
}

func isPrivateKeyType(t string) bool { return strings.HasSuffix(t, "PRIVATE KEY") }

// privateKeyBeginLines counts "-----BEGIN … PRIVATE KEY-----" lines,
// including those of blocks too damaged for pem.Decode to return.
func privateKeyBeginLines(text []byte) int {
	n := 0
	for _, l := range bytes.Split(text, []byte("\n")) {
		if bytes.HasPrefix(l, []byte("-----BEGIN ")) && bytes.HasSuffix(l, []byte("PRIVATE KEY-----")) {
			n++
		}
	}
	return n
}

func (p *keyParser) parsePEM(text []byte) (*rsa.PrivateKey, error) {
	var keys []*pem.Block
	var others []string
	for _, b := range decodeAll(text) {
		if isPrivateKeyType(b.Type) {
			keys = append(keys, b)
		} else {
			others = append(others, b.Type)
		}
	}
	begins := privateKeyBeginLines(text)
	switch {
	case max(len(keys), begins) > 1:
		return nil, newError(ErrMultipleKeys, "found %d private keys; give a file that holds exactly one", max(len(keys), begins))
	case len(keys) == 1:
		return p.parseBlock(keys[0])
	case begins == 1:
		return nil, newError(ErrMalformedKey, "the private key PEM block is incomplete or damaged (was the file cut short or edited?)")
	case len(others) > 0:
		return nil, newError(ErrNoPrivateKey, "found %s, not a private key", describeBlocks(others))
	}
	return nil, newError(ErrMalformedKey, "the PEM block is incomplete or damaged (was the file cut short or edited?)")
}

// describeBlocks says in words which PEM blocks were found:
// "a CERTIFICATE", "2 CERTIFICATE blocks and a PUBLIC KEY".
func describeBlocks(types []string) string {
	var order []string
	count := map[string]int{}
	for _, t := range types {
		if count[t] == 0 {
			order = append(order, t)
		}
		count[t]++
	}
	parts := make([]string, len(order))
	for i, t := range order {
		if count[t] == 1 {
			parts[i] = "a " + t
		} else {
			parts[i] = fmt.Sprintf("%d %s blocks", count[t], t)
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func (p *keyParser) parseBlock(b *pem.Block) (*rsa.PrivateKey, error) {
	switch b.Type {
	case pemPKCS1, pemPKCS8:
		if isLegacyEncrypted(b) {
			return p.parseLegacyEncrypted(b)
		}
		// Go by the content, not the label: some tools write PKCS#8 under
		// "RSA PRIVATE KEY" and the other way round.
		p.info.Format = FormatPKCS1
		if isPKCS8(b.Bytes) {
			p.info.Format = FormatPKCS8
		}
		return parseRSA(b.Bytes)
	case pemEncryptedPKCS8:
		p.info.Format = FormatEncryptedPKCS8
		return p.parseEncryptedPKCS8(b.Bytes)
	case "EC PRIVATE KEY":
		return nil, &UnsupportedKeyError{Algorithm: ecName(b.Bytes)}
	case "DSA PRIVATE KEY":
		return nil, &UnsupportedKeyError{Algorithm: "DSA"}
	case "OPENSSH PRIVATE KEY":
		return nil, newError(ErrUnsupportedFormat, "this is an OpenSSH private key; convert a copy to PKCS#8 with: ssh-keygen -p -m PKCS8 -f COPY")
	}
	return nil, newError(ErrUnsupportedFormat, "a %q PEM block is not a private key format this tool reads; convert it with: openssl pkey -in FILE -out key.pem", b.Type)
}
