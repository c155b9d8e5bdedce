package keystore

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"sync"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

var (
	oidLocalKeyID = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 21}
	oidX509Cert   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
)

// certBag is RFC 7292 CertBag.
type certBag struct {
	ID   asn1.ObjectIdentifier
	Data []byte `asn1:"tag:0,explicit"`
}

// openPKCS12 reads every bag of a PKCS#12 file.
func openPKCS12(ctx context.Context, data []byte, password string) (*Store, error) {
	s, f, err := inspect(data)
	if err != nil {
		return nil, err
	}
	if _, ok := bmpString(password); !ok {
		return nil, newError(ErrInvalidPassphrase, "%v", errPasswordChars)
	}
	budget := newKDFBudget()
	if f.hasMAC {
		if err := budget.spend(s.algs[0]); err != nil {
			return nil, err
		}
		ok, err := verifyMAC(&f.pfx.MacData, f.authSafe, password)
		if err != nil {
			return nil, newError(ErrUnsupportedFormat, "the PKCS#12 file's integrity check (%s) has damaged or unsupported parameters", s.info.MACAlgorithm)
		}
		if !ok {
			if err := s.checkDecodable(maxIterations); err != nil {
				return nil, err
			}
			return nil, f.macFailure(password, s)
		}
	}
	bags, err := f.openBags(ctx, password, budget)
	if errors.Is(err, errNeedsGoPKCS12) {
		return openWithGoPKCS12(ctx, data, password, s)
	}
	if err != nil {
		return nil, err
	}
	st := &Store{Format: FormatPKCS12, Info: &s.info}
	type keyBag struct {
		entry KeyEntry
		id    []byte
	}
	var keys []keyBag
	type cert struct {
		c       *x509.Certificate
		name    string
		id      []byte
		trusted bool
	}
	var certs []cert
	for _, b := range bags {
		switch {
		case b.ID.Equal(oidCertBag):
			var cb certBag
			if !unmarshalExact(b.Value.Bytes, &cb) {
				return nil, damaged("certificate bag")
			}
			if !cb.ID.Equal(oidX509Cert) {
				continue
			}
			c, err := x509.ParseCertificate(cb.Data)
			if err != nil {
				return nil, newError(ErrMalformedPKCS12, "a certificate in the PKCS#12 file is damaged")
			}
			certs = append(certs, cert{c: c, name: b.friendlyName(), id: b.localKeyID(), trusted: hasAttribute(b.Attributes, oidJavaTrustedKeyUsage)})
		case b.ID.Equal(oidKeyBag), b.ID.Equal(oidShroudedBag):
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			k, err := decodeKeyBag(b, password)
			if err != nil {
				return nil, err
			}
			keys = append(keys, keyBag{entry: KeyEntry{Alias: b.friendlyName(), Key: k}, id: b.localKeyID()})
		}
	}
	if len(keys) == 0 && len(certs) == 0 {
		return nil, newError(ErrNoCertificate, "the PKCS#12 file holds neither a key nor a certificate")
	}
	pool := make([]*x509.Certificate, len(certs))
	for i, c := range certs {
		pool[i] = c.c
	}
	used := map[*x509.Certificate]bool{}
	for _, k := range keys {
		var leaf *x509.Certificate
		for _, c := range certs {
			if len(k.id) > 0 && bytes.Equal(c.id, k.id) && keyMatches(k.entry.Key, c.c) {
				leaf = c.c
				break
			}
		}
		for _, c := range certs {
			if leaf == nil && keyMatches(k.entry.Key, c.c) {
				leaf = c.c
			}
		}
		if leaf != nil {
			k.entry.Chain = ChainPath(leaf, pool)
			if k.entry.Alias == "" {
				for _, c := range certs {
					if c.c == leaf {
						k.entry.Alias = c.name
					}
				}
			}
		}
		for _, c := range k.entry.Chain {
			used[c] = true
		}
		st.Keys = append(st.Keys, k.entry)
	}
	for _, c := range certs {
		switch {
		case used[c.c]:
		case c.trusted || len(keys) == 0:
			st.Trusted = append(st.Trusted, TrustedEntry{Alias: c.name, Cert: c.c})
		default:
			st.Others = append(st.Others, c.c)
		}
	}
	return st, nil
}

// decodeKeyBag decrypts one key bag. A shrouded bag (already checked by
// openBags) goes to go-pkcs12 alone, in a one-part file with a one-iteration
// MAC, so that go-pkcs12 never sees more than this bag.
func decodeKeyBag(b safeBag, password string) (crypto.PrivateKey, error) {
	if b.ID.Equal(oidKeyBag) {
		k, err := x509.ParsePKCS8PrivateKey(b.Value.Bytes)
		if err != nil {
			return nil, newError(ErrMalformedPKCS12, "the private key in the PKCS#12 file is damaged or of an algorithm this tool does not read")
		}
		return k, nil
	}
	bag := b
	bag.Attributes = nil
	key, err := decodeShrouded(bag, password, false)
	if err != nil && password == "" {
		// The key may be encrypted with the other empty-password form.
		key, err = decodeShrouded(bag, password, true)
	}
	if err != nil {
		return nil, decodeError(err)
	}
	return key, nil
}

// decodeShrouded has go-pkcs12 decrypt one shrouded key bag, in a one-part
// file with a one-iteration MAC. With nilForm the MAC is keyed with the
// absent password (no bytes), which makes go-pkcs12 decrypt with it too.
func decodeShrouded(bag safeBag, password string, nilForm bool) (crypto.PrivateKey, error) {
	cert, err := placeholderCert()
	if err != nil {
		return nil, err
	}
	// go-pkcs12 wants a certificate next to the key: any will do.
	dummy, err := asn1.Marshal(certBag{ID: oidX509Cert, Data: cert})
	if err != nil {
		return nil, err
	}
	raw, err := asn1.Marshal([]safeBag{bag, {ID: oidCertBag, Value: explicit0(dummy)}})
	if err != nil {
		return nil, err
	}
	octets, err := asn1.Marshal(raw)
	if err != nil {
		return nil, err
	}
	authSafe, err := asn1.Marshal([]contentInfo{{ContentType: oidData, Content: explicit0(octets)}})
	if err != nil {
		return nil, err
	}
	md := macData{
		Mac:        digestInfo{Algorithm: pkix.AlgorithmIdentifier{Algorithm: oidSHA256, Parameters: asn1.NullRawValue}},
		MacSalt:    make([]byte, 8),
		Iterations: 1,
	}
	var pfx []byte
	if nilForm {
		m := hmac.New(sha256.New, pkcs12KDF(sha256.New, nil, md.MacSalt, 1, 3, sha256.Size))
		m.Write(authSafe)
		md.Mac.Digest = m.Sum(nil)
		octets, err := asn1.Marshal(authSafe)
		if err != nil {
			return nil, err
		}
		pfx, err = asn1.Marshal(pfxPDU{Version: 3, AuthSafe: contentInfo{ContentType: oidData, Content: explicit0(octets)}, MacData: md})
		if err != nil {
			return nil, err
		}
	} else if pfx, err = marshalPFX(authSafe, md, password); err != nil {
		return nil, err
	}
	key, _, _, err := pkcs12.DecodeChain(pfx, password)
	return key, err
}

// placeholderCert is a throw-away self-signed certificate (of a fixed
// Ed25519 key) that decodeShrouded puts next to a key bag.
var placeholderCert = sync.OnceValues(func() ([]byte, error) {
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "placeholder"},
		NotBefore: time.Unix(0, 0).UTC(), NotAfter: time.Unix(0, 0).UTC()}
	return x509.CreateCertificate(nil, tmpl, tmpl, key.Public(), key)
})

// openWithGoPKCS12 reads a file with an RC2-encrypted part, which only
// go-pkcs12 decrypts: one key at most, as DecodePKCS12. go-pkcs12 cannot
// be interrupted, so ctx is honoured before it starts.
func openWithGoPKCS12(ctx context.Context, data []byte, password string, s *p12Summary) (*Store, error) {
	if err := s.checkDecodable(maxIterations); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, err := DecodePKCS12(data, password)
	if err != nil {
		return nil, err
	}
	pool := append([]*x509.Certificate{c.Leaf}, c.CACerts...)
	chain := ChainPath(c.Leaf, pool)
	st := &Store{Format: FormatPKCS12, Info: &s.info, Keys: []KeyEntry{{Alias: c.FriendlyName, Key: c.Key, Chain: chain}}}
	if !c.KeyMatchesLeaf {
		st.Keys[0].Chain = nil
		chain = nil
	}
	for _, x := range pool {
		if !containsCert(chain, x) {
			st.Others = append(st.Others, x)
		}
	}
	return st, nil
}

func containsCert(list []*x509.Certificate, c *x509.Certificate) bool {
	for _, x := range list {
		if x.Equal(c) {
			return true
		}
	}
	return false
}

// localKeyID returns a bag's localKeyId attribute, or nil.
func (b *safeBag) localKeyID() []byte {
	for _, a := range b.Attributes {
		var id []byte
		if a.ID.Equal(oidLocalKeyID) && unmarshalExact(a.Values.Bytes, &id) {
			return id
		}
	}
	return nil
}
