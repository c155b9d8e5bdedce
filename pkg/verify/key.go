package verify

import (
	"crypto"
	"crypto/x509"
	"slices"

	"github.com/caronboard/caronboard/pkg/csr"
)

// KeyMatches reports whether pub is the certificate's public key. pub may
// also be a private key (anything with a Public method, such as
// *rsa.PrivateKey); its public half is compared. A nil certificate or key
// never matches.
func KeyMatches(cert *x509.Certificate, pub crypto.PublicKey) bool {
	if cert == nil {
		return false
	}
	k, ok := publicOf(pub).(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(cert.PublicKey)
}

// MatchKey returns nil when pub (or the public half of a private key)
// belongs to the certificate, and a *KeyMismatchError wrapping
// keystore.ErrKeyMismatch otherwise, for refusing to write a keystore whose key and
// certificate do not go together.
func MatchKey(cert *x509.Certificate, pub crypto.PublicKey) error {
	if KeyMatches(cert, pub) {
		return nil
	}
	e := &KeyMismatchError{}
	if cert != nil {
		e.CertSubject = csr.FormatName(cert.RawSubject)
		e.CertKeySHA256, _ = csr.PublicKeyFingerprint(cert.PublicKey)
	}
	if pub != nil {
		e.KeySHA256, _ = csr.PublicKeyFingerprint(pub)
	}
	return e
}

// FindLeaf picks, from a set of certificates (for example everything in the
// ZIP Freja partner support sends), the one whose public key is pub (or the
// public half of a private key) and returns it with every other certificate,
// deduplicated, in input order. When several distinct certificates belong
// to the key (a renewal for the same key), the one that is not a CA and was
// issued last (latest NotBefore) is the leaf. When none does, the error is
// a *NoLeafError wrapping ErrNoLeaf that lists the subjects that were there.
func FindLeaf(certs []*x509.Certificate, pub crypto.PublicKey) (leaf *x509.Certificate, others []*x509.Certificate, err error) {
	certs = dedupe(certs)
	for _, c := range certs {
		if KeyMatches(c, pub) && betterLeaf(c, leaf) {
			leaf = c
		}
	}
	if leaf == nil {
		e := &NoLeafError{}
		for _, c := range certs {
			e.Subjects = append(e.Subjects, csr.FormatName(c.RawSubject))
		}
		return nil, nil, e
	}
	for _, c := range certs {
		if c != leaf {
			others = append(others, c)
		}
	}
	return leaf, others, nil
}

// betterLeaf reports whether c is a better leaf than the current choice.
func betterLeaf(c, cur *x509.Certificate) bool {
	switch {
	case cur == nil:
		return true
	case c.IsCA != cur.IsCA:
		return !c.IsCA
	default:
		return c.NotBefore.After(cur.NotBefore)
	}
}

// dedupe returns the non-nil certificates without repeats (same DER), in
// input order.
func dedupe(certs []*x509.Certificate) []*x509.Certificate {
	seen := make(map[string]bool, len(certs))
	out := make([]*x509.Certificate, 0, len(certs))
	for _, c := range certs {
		if c == nil || seen[string(c.Raw)] {
			continue
		}
		seen[string(c.Raw)] = true
		out = append(out, c)
	}
	return slices.Clip(out)
}

// publicOf returns the public half of a private key, or pub unchanged.
func publicOf(pub crypto.PublicKey) crypto.PublicKey {
	if k, ok := pub.(interface{ Public() crypto.PublicKey }); ok {
		return k.Public()
	}
	return pub
}
