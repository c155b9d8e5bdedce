package keystore

import (
	"bytes"
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"errors"
	"fmt"

	jks "github.com/pavlo-v-chernykh/keystore-go/v4"

	"github.com/caronboard/caronboard/internal/safefile"
)

// Java KeyStore (JKS) files are read with github.com/pavlo-v-chernykh/keystore-go.
// Before it sees a file, jksAliases walks the length fields of the format
// (without interpreting any content) so that a crafted length cannot make it
// allocate gigabytes, and collects the aliases in file order (keystore-go
// keeps them in a map).

const (
	jksPrivateKeyTag = 1
	jksTrustedTag    = 2
	jksMaxEntries    = 1000
	jksMinKeyData    = 20 + 20 + 1 // salt, check digest, one byte of key
)

// jksAliases checks the structure of a JKS file and returns its aliases in
// file order.
func jksAliases(data []byte) ([]string, error) {
	aliases, _, err := jksWalk(data)
	return aliases, err
}

// jksWalk is jksAliases, also returning the aliases of the private-key
// entries.
func jksWalk(data []byte) ([]string, []string, error) {
	var keys []string
	r := &jksReader{b: data}
	r.u32() // magic
	version := r.u32()
	if version != 1 && version != 2 {
		return nil, nil, errJKSDamaged("unknown version")
	}
	n := r.u32()
	if n > jksMaxEntries {
		return nil, nil, errJKSDamaged("too many entries")
	}
	var aliases []string
	for range n {
		tag := r.u32()
		aliases = append(aliases, string(r.bytes(int(r.u16()))))
		r.skip(8) // creation time
		switch tag {
		case jksPrivateKeyTag:
			keys = append(keys, aliases[len(aliases)-1])
			key := r.bytes(int(r.u32()))
			var info struct {
				Algo pkix.AlgorithmIdentifier
				Data []byte
			}
			if r.err == nil && (!unmarshalExact(key, &info) || len(info.Data) < jksMinKeyData) {
				return nil, nil, errJKSDamaged("private key entry")
			}
			certs := r.u32()
			if certs > jksMaxEntries {
				return nil, nil, errJKSDamaged("certificate chain")
			}
			for range certs {
				r.cert(version)
			}
		case jksTrustedTag:
			r.cert(version)
		default:
			if r.err == nil {
				return nil, nil, newError(ErrUnsupportedFormat, "the Java keystore holds an entry of a kind this tool does not read (a secret key?); convert it with keytool -importkeystore -deststoretype PKCS12")
			}
		}
		if r.err != nil {
			break
		}
	}
	r.skip(20) // SHA-1 integrity digest
	if r.err != nil || len(r.b) != 0 {
		return nil, nil, errJKSDamaged("truncated, or data after the end")
	}
	return aliases, keys, nil
}

func errJKSDamaged(what string) error {
	return newError(ErrMalformedPKCS12, "the Java keystore (JKS) is damaged or truncated (%s)", what)
}

// jksReader reads big-endian fields, remembering the first overrun.
type jksReader struct {
	b   []byte
	err error
}

func (r *jksReader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b) {
		r.err = errors.New("overrun")
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *jksReader) skip(n int) { r.bytes(n) }

func (r *jksReader) u16() uint16 {
	if b := r.bytes(2); b != nil {
		return binary.BigEndian.Uint16(b)
	}
	return 0
}

func (r *jksReader) u32() uint32 {
	if b := r.bytes(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (r *jksReader) cert(version uint32) {
	if version == 2 {
		r.skip(int(r.u16())) // certificate type, "X.509"
	}
	r.skip(int(r.u32()))
}

// jksPassword encodes a password as keystore-go (and Java, for these
// characters) wants it: one byte per character, Latin-1.
func jksPassword(pw string) ([]byte, error) {
	out := make([]byte, 0, len(pw))
	for _, c := range pw {
		if c > 0xff {
			return nil, newError(ErrInvalidPassphrase, "the passphrase holds characters beyond Latin-1, which this tool cannot use for a Java keystore; convert it with keytool -importkeystore -deststoretype PKCS12")
		}
		out = append(out, byte(c))
	}
	return out, nil
}

// openJKS reads every entry of a Java KeyStore.
func openJKS(ctx context.Context, data []byte, pw StorePasswords) (*Store, error) {
	if len(data) > MaxInputSize {
		return nil, newError(safefile.ErrTooLarge, "the keystore is larger than %s; is it the right file?", safefile.ByteSize(MaxInputSize))
	}
	aliases, err := jksAliases(data)
	if err != nil {
		return nil, err
	}
	storePW, err := jksPassword(pw.Store)
	if err != nil {
		return nil, err
	}
	keyPW, err := jksPassword(pw.key())
	if err != nil {
		return nil, err
	}
	ks := jks.New(jks.WithCaseExactAliases())
	if err := ks.Load(bytes.NewReader(data), storePW); err != nil {
		if err.Error() == "got invalid digest" {
			return nil, newError(ErrWrongPassphrase, "wrong passphrase for the Java keystore (or it was altered: its integrity check fails)")
		}
		return nil, errJKSDamaged("unreadable")
	}
	st := &Store{Format: FormatJKS}
	for _, alias := range aliases {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		switch {
		case ks.IsPrivateKeyEntry(alias):
			e, err := ks.GetPrivateKeyEntry(alias, keyPW)
			if err != nil {
				return nil, newError(ErrWrongPassphrase, "wrong passphrase for the key entry %q of the Java keystore: the key has its own passphrase; give it with --key-passphrase-file", alias)
			}
			key, err := x509.ParsePKCS8PrivateKey(e.PrivateKey)
			if err != nil {
				return nil, newError(ErrMalformedPKCS12, "the private key of entry %q in the Java keystore is damaged or of an algorithm this tool does not read", alias)
			}
			var chain []*x509.Certificate
			for _, c := range e.CertificateChain {
				cert, err := x509.ParseCertificate(c.Content)
				if err != nil {
					return nil, newError(ErrMalformedPKCS12, "a certificate of entry %q in the Java keystore is damaged", alias)
				}
				chain = append(chain, cert)
			}
			entry := KeyEntry{Alias: alias, Key: key}
			if len(chain) > 0 && keyMatches(key, chain[0]) {
				entry.Chain = ChainPath(chain[0], chain)
				for _, c := range chain {
					if !containsCert(entry.Chain, c) {
						st.Others = append(st.Others, c)
					}
				}
			} else {
				st.Others = append(st.Others, chain...)
			}
			st.Keys = append(st.Keys, entry)
		case ks.IsTrustedCertificateEntry(alias):
			e, err := ks.GetTrustedCertificateEntry(alias)
			if err != nil {
				return nil, errJKSDamaged(fmt.Sprintf("entry %q", alias))
			}
			cert, err := x509.ParseCertificate(e.Certificate.Content)
			if err != nil {
				return nil, newError(ErrMalformedPKCS12, "the certificate of entry %q in the Java keystore is damaged", alias)
			}
			st.Trusted = append(st.Trusted, TrustedEntry{Alias: alias, Cert: cert})
		}
	}
	return st, nil
}

// jksRecommendation is what this package says of JKS.
const jksRecommendation = "JKS is Java's old keystore format; for new use, rebuild it as PKCS#12 (caronboard pkcs12 --from FILE --out NEW.p12)"
