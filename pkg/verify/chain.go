package verify

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
)

// BuildChain builds the chain from leaf to a trusted CA and returns it in
// the order keystores need — leaf, then intermediates, then the root —
// deduplicated, whatever order the certificates came in and however often
// each was given.
//
// The CAs in roots are the trust anchors. When roots is empty, the
// self-signed certificates among others are the anchors instead (as for
// `pkcs12 --ca`, or Freja's ZIP, which holds its root), and the chain must
// still reach one of them. Other certificates in others that are not part of
// the chain are ignored. When a trusted CA is not self-signed (an issuing CA
// given as the anchor), the chain goes on past it to its issuer if that
// certificate was given too, so a keystore holds the whole chain.
//
// Every link is checked: the issuer's name and signature (SHA-1 and MD5 are
// refused), that the issuer is a CA, and that every CA is valid at the time
// at. The leaf's own validity is not judged here (CheckCertificate's
// validity check does that), so an expired certificate still has its chain
// built and checked. When at is inside the leaf's validity window, the
// result is also confirmed by crypto/x509's own Verify (path length and name
// constraints, critical extensions); otherwise that confirmation covers the
// CAs, and the leaf's link is checked here.
//
// A chain that does not build gives a *ChainError (wrapping ErrChain) that
// names the certificate that is missing or wrong.
func BuildChain(leaf *x509.Certificate, others, roots []*x509.Certificate, at time.Time) ([]*x509.Certificate, error) {
	if leaf == nil {
		return nil, &ChainError{Reason: "no certificate to build a chain for", Fix: "give the certificate the CA issued"}
	}
	b := newBuilder(leaf, others, roots, at)
	chain, err := b.walk()
	if err != nil {
		return nil, err
	}
	if err := b.confirm(chain); err != nil {
		return nil, err
	}
	return chain, nil
}

// builder holds the candidates of one chain.
type builder struct {
	leaf    *x509.Certificate
	pool    []*x509.Certificate // candidates, anchors first, deduplicated, without the leaf
	roots   []*x509.Certificate // the anchors given, deduplicated
	anchors map[string]bool     // DER of every trust anchor
	at      time.Time
}

func newBuilder(leaf *x509.Certificate, others, roots []*x509.Certificate, at time.Time) *builder {
	b := &builder{leaf: leaf, roots: dedupe(roots), anchors: map[string]bool{}, at: at}
	for _, c := range dedupe(append(append([]*x509.Certificate{}, b.roots...), others...)) {
		if !bytes.Equal(c.Raw, leaf.Raw) {
			b.pool = append(b.pool, c)
		}
	}
	if len(b.roots) > 0 {
		for _, c := range b.roots {
			b.anchors[string(c.Raw)] = true
		}
		return b
	}
	for _, c := range append([]*x509.Certificate{leaf}, b.pool...) {
		if selfSigned(c) {
			b.anchors[string(c.Raw)] = true
		}
	}
	return b
}

func (b *builder) isAnchor(c *x509.Certificate) bool { return b.anchors[string(c.Raw)] }

// walk follows issuers from the leaf up to a self-signed certificate, or to
// a trusted CA beyond which no issuer was given.
func (b *builder) walk() ([]*x509.Certificate, error) {
	chain := []*x509.Certificate{b.leaf}
	trusted := b.isAnchor(b.leaf)
	for {
		cur := chain[len(chain)-1]
		if selfSigned(cur) {
			break
		}
		issuer, err := b.issuerOf(cur, chain)
		if err != nil {
			if trusted {
				break
			}
			return nil, err
		}
		chain = append(chain, issuer)
		trusted = trusted || b.isAnchor(issuer)
	}
	if !trusted {
		return nil, b.untrusted(chain)
	}
	return chain, nil
}

// issuerOf finds the certificate that issued cur among the candidates not
// yet in the chain, preferring trusted CAs, or says why there is none.
func (b *builder) issuerOf(cur *x509.Certificate, chain []*x509.Certificate) (*x509.Certificate, error) {
	var sigErr, timeErr *ChainError
	for _, c := range b.pool {
		if !bytes.Equal(c.RawSubject, cur.RawIssuer) || inChain(c, chain) {
			continue
		}
		if err := cur.CheckSignatureFrom(c); err != nil {
			if sigErr == nil {
				sigErr = b.badIssuer(cur, c, err)
			}
			continue
		}
		if err := b.validCA(c); err != nil {
			if timeErr == nil {
				timeErr = err
			}
			continue
		}
		return c, nil
	}
	switch {
	case timeErr != nil:
		return nil, timeErr
	case sigErr != nil:
		return nil, sigErr
	}
	return nil, b.missing(cur)
}

// missing says that no certificate for cur's issuer was given.
func (b *builder) missing(cur *x509.Certificate) *ChainError {
	issuer := shortRawName(cur.RawIssuer)
	e := &ChainError{Cert: cur, Missing: csr.FormatName(cur.RawIssuer)}
	if cur == b.leaf {
		e.Reason = fmt.Sprintf("no certificate for the issuer %s of the leaf", issuer)
		e.Fix = fmt.Sprintf("add the issuing CA's .cer (%s)", issuer)
	} else {
		e.Reason = fmt.Sprintf("no certificate for the issuer %s of %s", issuer, shortName(cur))
		e.Fix = fmt.Sprintf("add the .cer of %s, the CA that issued %s (usually the root CA)", issuer, shortName(cur))
	}
	return e
}

// badIssuer says why a certificate with the issuer's name did not sign cur.
func (b *builder) badIssuer(cur, c *x509.Certificate, err error) *ChainError {
	e := &ChainError{Cert: cur, Err: err}
	var insecure x509.InsecureAlgorithmError
	var constraint x509.ConstraintViolationError
	switch {
	case errors.As(err, &insecure):
		e.Reason = fmt.Sprintf("%s is signed with %s, which is no longer accepted", shortName(cur), cur.SignatureAlgorithm)
		e.Fix = "ask the CA to issue it again signed with SHA-256"
	case errors.As(err, &constraint):
		e.Reason = fmt.Sprintf("%s has the name of the issuer of %s but is not a CA certificate (or may not sign certificates)",
			shortName(c), shortName(cur))
		e.Fix = "give the issuing CA's certificate, not another certificate with the same name"
	default:
		e.Reason = fmt.Sprintf("%s has the name of the issuer of %s but did not sign it", shortName(c), shortName(cur))
		e.Fix = "that is another CA (or another generation of it) with the same name: give the CA certificate that came with this certificate"
	}
	return e
}

// validCA checks a CA's validity window at b.at.
func (b *builder) validCA(c *x509.Certificate) *ChainError {
	switch {
	case b.at.Before(c.NotBefore):
		return &ChainError{Cert: c,
			Reason: fmt.Sprintf("the CA %s is not valid until %s", shortName(c), date(c.NotBefore)),
			Fix:    "check the date and time (--at, or the computer's clock)"}
	case b.at.After(c.NotAfter):
		return &ChainError{Cert: c,
			Reason: fmt.Sprintf("the CA %s expired on %s", shortName(c), date(c.NotAfter)),
			Fix:    "get the CA's current certificate; if this certificate was issued under the old one, request a new certificate"}
	}
	return nil
}

// untrusted explains a chain that ends at a root that is not trusted.
func (b *builder) untrusted(chain []*x509.Certificate) *ChainError {
	top := chain[len(chain)-1]
	return &ChainError{Cert: top,
		Reason: fmt.Sprintf("the chain %s ends at %s, which is not the CA given (--ca %s)",
			shortNames(chain, " → "), shortName(top), shortNames(b.roots, ", ")),
		Fix: fmt.Sprintf("this certificate was issued under %s: pass that CA with --ca, or check that the certificate comes from the CA you expect",
			shortName(top))}
}

// confirm checks the chain up to its first trust anchor with crypto/x509.
func (b *builder) confirm(chain []*x509.Certificate) error {
	k := 0
	for !b.isAnchor(chain[k]) {
		k++
	}
	if k == 0 {
		return nil
	}
	from, at := chain[0], b.at
	if at.Before(b.leaf.NotBefore) || at.After(b.leaf.NotAfter) {
		if err := b.checkLeafLink(chain[:k+1]); err != nil {
			return err
		}
		from = chain[1]
	}
	opts := x509.VerifyOptions{
		Roots:         x509.NewCertPool(),
		Intermediates: x509.NewCertPool(),
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	}
	opts.Roots.AddCert(chain[k])
	for _, c := range chain[1:k] {
		opts.Intermediates.AddCert(c)
	}
	if _, err := from.Verify(opts); err != nil {
		return &ChainError{Cert: from, Err: err,
			Reason: "the chain " + shortNames(chain[:k+1], " → ") + " does not verify: " + strings.TrimPrefix(err.Error(), "x509: "),
			Fix:    "check that the CA certificates given are the ones that came with this certificate"}
	}
	return nil
}

// checkLeafLink checks what Verify would check about the leaf when the leaf
// itself cannot be verified at b.at: its critical extensions and the path
// length constraints of the CAs above it.
func (b *builder) checkLeafLink(chain []*x509.Certificate) error {
	if len(b.leaf.UnhandledCriticalExtensions) > 0 {
		return &ChainError{Cert: b.leaf,
			Reason: fmt.Sprintf("the certificate has a critical extension that cannot be processed (%s)", b.leaf.UnhandledCriticalExtensions[0]),
			Fix:    "ask the CA about the extension; TLS libraries will refuse the certificate"}
	}
	for i, ca := range chain[1:] {
		limited := ca.MaxPathLen > 0 || (ca.MaxPathLen == 0 && ca.MaxPathLenZero)
		if limited && i > ca.MaxPathLen {
			return &ChainError{Cert: ca,
				Reason: fmt.Sprintf("the CA %s allows %d intermediate CAs below it, but the chain has %d", shortName(ca), ca.MaxPathLen, i),
				Fix:    "check that the CA certificates given are the ones that came with this certificate"}
		}
	}
	return nil
}

// selfSigned reports whether c names itself as issuer and its signature
// verifies with its own key.
func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject) &&
		c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

func inChain(c *x509.Certificate, chain []*x509.Certificate) bool {
	for _, x := range chain {
		if bytes.Equal(x.Raw, c.Raw) {
			return true
		}
	}
	return false
}
