package verify

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
)

// CheckClientCertificate is the ID of PreflightClient's only check when
// there is no client certificate to check, or it cannot be read.
const CheckClientCertificate = "client_certificate"

// PreflightClient checks a client certificate before connecting: that the
// key belongs to it, that it chains to roots (the CA the environment issues
// client certificates from; skipped when roots is empty, and only a warning
// when it does not, since the server has the last word), that it is valid
// at at, and that it allows clientAuth. The checks are CheckCertificate's
// and come in the same order. Without a certificate the result is one
// skipped CheckClientCertificate check.
func PreflightClient(cert *tls.Certificate, roots []*x509.Certificate, at time.Time) []Check {
	if cert == nil || len(cert.Certificate) == 0 {
		return []Check{{ID: CheckClientCertificate, Status: Skip, Message: "no client certificate given",
			Hint: "pass the client certificate (--p12, or --cert and --key): an mTLS server refuses a connection without one"}}
	}
	leaf, others, err := clientChain(cert)
	if err != nil {
		return []Check{{ID: CheckClientCertificate, Status: Fail,
			Message: "the client certificate cannot be read: " + err.Error(),
			Hint:    "give the certificate the CA issued, as PEM, DER or in a PKCS#12 file"}}
	}
	in := CertInput{Leaf: leaf, Others: others, Roots: roots, Key: cert.PrivateKey, At: at}
	return []Check{checkKeyMatch(in), preflightChain(in), checkValidity(in), checkClientAuth(leaf)}
}

// preflightChain is the chain check, with a failure turned into a warning.
func preflightChain(in CertInput) Check {
	if len(in.Roots) == 0 {
		return Check{ID: CheckChain, Status: Skip, Message: "not checked: the environment names no CA for client certificates",
			Hint: "the server's list of accepted CAs is compared during the handshake instead"}
	}
	c := checkChain(in, &Report{})
	if c.Status == Fail {
		c.Status = Warn
		c.Message = "does not chain to the environment's client CA (" + shortNames(in.Roots, ", ") + "): " + c.Message
	}
	return c
}

// clientChain parses a tls.Certificate's chain: the leaf (Leaf when set)
// and the certificates sent with it.
func clientChain(cert *tls.Certificate) (*x509.Certificate, []*x509.Certificate, error) {
	leaf := cert.Leaf
	if leaf == nil {
		var err error
		if leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return nil, nil, err
		}
	}
	var others []*x509.Certificate
	for _, der := range cert.Certificate[1:] {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, nil, err
		}
		others = append(others, c)
	}
	return leaf, others, nil
}

// chainMatchesNames reports whether the certificate's chain reaches one of
// the CA names (DER) a server listed: a certificate in it was issued by, or
// is, one of them.
func chainMatchesNames(cert *tls.Certificate, names [][]byte) bool {
	for _, der := range cert.Certificate {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			continue
		}
		for _, n := range names {
			if bytes.Equal(c.RawIssuer, n) || bytes.Equal(c.RawSubject, n) {
				return true
			}
		}
	}
	return false
}

// clientCertificate is the GetClientCertificate callback: it records what
// the server asked for and answers with the client certificate, or with
// none.
func (p *prober) clientCertificate(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
	p.res.ClientCertRequested = true
	p.res.AcceptableCAs = nil
	for _, raw := range cri.AcceptableCAs {
		p.res.AcceptableCAs = append(p.res.AcceptableCAs, csr.FormatName(raw))
	}
	if p.o.Client == nil || len(p.o.Client.Certificate) == 0 {
		p.res.ClientCertSent = false
		return &tls.Certificate{}, nil
	}
	p.res.ClientCertSent = true
	p.res.ClientCertMatchesCAs = nil
	if len(cri.AcceptableCAs) > 0 {
		m := chainMatchesNames(p.o.Client, cri.AcceptableCAs)
		p.res.ClientCertMatchesCAs = &m
	}
	return p.o.Client, nil
}

// clientName describes the client certificate: "CN=BANK01, issued by CN=…".
func (p *prober) clientName() string {
	if p.leaf == nil {
		return "the client certificate"
	}
	return shortName(p.leaf) + ", issued by " + shortRawName(p.leaf.RawIssuer)
}

// finish puts the client certificate step after the tls step, once the
// outcome is known.
func (p *prober) finish() {
	s := p.clientCertStep()
	if s == nil {
		return
	}
	i := slices.IndexFunc(p.res.Steps, func(s Step) bool { return s.Name == StepTLS })
	p.res.Steps = slices.Insert(p.res.Steps, i+1, *s)
}

// clientCertStep sums up the client certificate exchange: what the server
// asked for, what was sent, and the server's verdict when it is known.
func (p *prober) clientCertStep() *Step {
	r := p.res
	tlsStep, ok := r.Step(StepTLS)
	if !ok || (tlsStep.Status == Fail && !r.ClientCertRequested) {
		return nil
	}
	s := &Step{Name: StepClientCertificate}
	if !r.ClientCertRequested {
		if r.Err == nil && p.o.Client != nil && len(p.o.Client.Certificate) > 0 {
			s.Status, s.Message = Warn, "the server did not ask for a client certificate, so yours was not sent: this connection proves nothing about it"
			p.warn(s.Message)
		} else {
			s.Status, s.Message = Skip, "the server did not ask for a client certificate"
		}
		return s
	}
	asked := "requested (the server named no CAs)"
	if len(r.AcceptableCAs) > 0 {
		asked = "requested, from the CAs " + strings.Join(r.AcceptableCAs, "; ")
	}
	sent := "none sent"
	if r.ClientCertSent {
		sent = "sent " + p.clientName()
		if m := r.ClientCertMatchesCAs; m != nil && *m {
			sent += ", which chains to a listed CA"
		} else if m != nil {
			sent += ", which chains to none of the listed CAs"
			p.warn(fmt.Sprintf("the client certificate (%s) does not chain to any CA the server listed", p.clientName()))
		}
	}
	s.Status, s.Message = p.clientVerdict()
	s.Message = asked + "; " + sent + "; " + s.Message
	return s
}

// clientVerdict says what became of the client certificate.
func (p *prober) clientVerdict() (Status, string) {
	r := p.res
	switch {
	case r.Err != nil && isClientCertCode(r.Err.Code):
		verdict := map[string]string{CodeClientCertRejected: "rejected", CodeClientCertMissing: "the server requires one",
			CodeClientCertExpired: "rejected as expired"}[r.Err.Code]
		return Fail, verdict + alertSuffix(r.Err.Alert) + when(r.Err.Step == StepHTTP)
	case r.Err == nil && r.ClientCertSent:
		return Pass, "accepted"
	case r.Err == nil:
		return Warn, "the server let the connection through without one"
	case r.TLSVersion == tls.VersionName(tls.VersionTLS12):
		return Pass, "accepted (the TLS 1.2 handshake completed)"
	}
	return Skip, "the server's verdict is unknown: no answer was read"
}

func isClientCertCode(code string) bool {
	return code == CodeClientCertRejected || code == CodeClientCertMissing || code == CodeClientCertExpired
}
