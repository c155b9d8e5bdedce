package verify

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
)

// alertError classifies an alert the server sent, during the handshake or,
// afterHandshake, on the first read (TLS 1.3 client authentication).
func (p *prober) alertError(a uint8, err error, afterHandshake bool) *ProbeError {
	name := alertName(a)
	r := p.res
	switch a {
	case alertProtocolVersion, alertInsufficientSec:
		return versionError(err, name)
	case alertUnrecognizedName:
		return &ProbeError{Code: CodeTLSProtocol, Err: err, Alert: name,
			Message: fmt.Sprintf("the server does not know the name %s (alert %s)", p.serverName, name),
			Hint:    "connect with the name the server expects (--server-name), or check that --addr is the environment's server"}
	case alertCertificateRequired:
		return p.missing(err, name, afterHandshake)
	case alertCertificateExpired:
		return p.expired(err, name, afterHandshake)
	case alertHandshakeFailure, alertBadCertificate, alertUnsupportedCert, alertCertificateRevoked,
		alertCertificateUnknown, alertUnknownCA, alertAccessDenied, alertDecryptError:
		switch {
		case r.ClientCertRequested && !r.ClientCertSent:
			return p.missing(err, name, afterHandshake)
		case r.ClientCertSent && p.outside:
			return p.expired(err, name, afterHandshake)
		case r.ClientCertSent:
			return p.rejected(err, name, afterHandshake)
		}
	}
	return &ProbeError{Code: CodeTLSProtocol, Err: err, Alert: name,
		Message: fmt.Sprintf("the server ended the TLS handshake (alert %s)", name),
		Hint: "the server and caronboard found no common ground (TLS 1.2 or newer, modern cipher suites and signatures): " +
			"tell the API operator which alert it sent"}
}

// when says when the server's verdict came.
func when(afterHandshake bool) string {
	if afterHandshake {
		return ", after the handshake, on the first read"
	}
	return ""
}

// acceptedCAs lists the CAs the server named, for hints.
func (p *prober) acceptedCAs() string {
	if len(p.res.AcceptableCAs) == 0 {
		return ""
	}
	return " (the server accepts certificates from " + strings.Join(p.res.AcceptableCAs, "; ") + ")"
}

func (p *prober) missing(err error, alert string, afterHandshake bool) *ProbeError {
	return &ProbeError{Code: CodeClientCertMissing, Err: err, Alert: alert,
		Message: "the server requires a client certificate and none was sent" + alertSuffix(alert) + when(afterHandshake),
		Hint:    "give the client certificate the CA issued for this environment: --p12 FILE, or --cert FILE --key FILE" + p.acceptedCAs()}
}

func (p *prober) rejected(err error, alert string, afterHandshake bool) *ProbeError {
	e := &ProbeError{Code: CodeClientCertRejected, Err: err, Alert: alert,
		Message: "the server rejected the client certificate " + p.clientName() + alertSuffix(alert) + when(afterHandshake)}
	if alert == "" {
		e.Message = "the server closed the connection after receiving the client certificate " + p.clientName() + ", without saying why"
	}
	switch alert {
	case "unknown_ca":
		e.Hint = "the server does not trust the CA that issued this certificate"
	case "certificate_revoked":
		e.Hint = "the CA has revoked this certificate: request a new one (caronboard csr)"
	case "access_denied":
		e.Hint = "the server knows the certificate but does not let it in: it may not be registered for this environment yet; ask the API operator"
	case "decrypt_error":
		e.Hint = "the server could not verify the handshake signature: the private key does not belong to the certificate (check --key or the PKCS#12 file)"
	default:
		e.Hint = "check that it is the certificate issued for this environment (--env), that its CA chain is included, and that it allows clientAuth"
	}
	if m := p.res.ClientCertMatchesCAs; m != nil && !*m {
		e.Hint += "; the server accepts certificates from " + strings.Join(p.res.AcceptableCAs, "; ") +
			", and yours does not chain to any of them: use the certificate from the environment's CA"
	} else if alert == "unknown_ca" {
		e.Hint += p.acceptedCAs() + ": use the certificate from the environment's CA, with its chain"
	}
	return e
}

func (p *prober) expired(err error, alert string, afterHandshake bool) *ProbeError {
	e := &ProbeError{Code: CodeClientCertExpired, Err: err, Alert: alert}
	at := p.o.Now()
	switch {
	case p.leaf != nil && at.After(p.leaf.NotAfter):
		e.Message = fmt.Sprintf("the server rejected the client certificate %s: it expired on %s%s%s",
			p.clientName(), date(p.leaf.NotAfter), alertSuffix(alert), when(afterHandshake))
		e.Hint = "request a new certificate: make a new key and CSR (caronboard csr), send it to the CA, and ping again with what comes back"
	case p.leaf != nil && at.Before(p.leaf.NotBefore):
		e.Message = fmt.Sprintf("the server rejected the client certificate %s: it is not valid until %s%s%s",
			p.clientName(), date(p.leaf.NotBefore), alertSuffix(alert), when(afterHandshake))
		e.Hint = "check this computer's clock; otherwise wait until the certificate becomes valid"
	default:
		e.Message = "the server says the client certificate, or a CA certificate sent with it, has expired" +
			alertSuffix(alert) + when(afterHandshake)
		e.Hint = "the certificate itself is valid by this computer's clock: check the CA certificates in the file you gave (an expired intermediate?), and the clocks"
	}
	return e
}

// untrusted explains a server chain that does not verify against the
// environment's CA; sent is the chain the server sent, when known.
func (p *prober) untrusted(err error, sent []*x509.Certificate) *ProbeError {
	e := &ProbeError{Code: CodeServerUntrusted, Err: err}
	env := "this environment"
	if p.t.Name != "" {
		env = p.t.Name
	}
	var he x509.HostnameError
	var ie x509.CertificateInvalidError
	switch {
	case len(p.t.Roots) == 0:
		e.Message = "the server's certificate cannot be checked: no CA to trust was given for " + env
		e.Hint = "pass the environment's CA certificate with --ca (CAR: the ca.cer you received); the system's CAs are never used"
	case errors.As(err, &he):
		e.Message = fmt.Sprintf("the server's certificate is for %s, not %s", certNames(he.Certificate), he.Host)
		e.Hint = "connect by a name the certificate carries (--server-name), or check that --addr is the server of " + env
	case errors.As(err, &ie) && ie.Reason == x509.Expired:
		e.Message = fmt.Sprintf("the server's certificate %s is not valid now (valid from %s until %s)",
			shortName(ie.Cert), date(ie.Cert.NotBefore), date(ie.Cert.NotAfter))
		e.Hint = "tell the API operator; if the dates look right, check this computer's clock"
	case errors.As(err, &ie):
		e.Message = "the server's certificate is not acceptable: " + strings.TrimPrefix(ie.Error(), "x509: ")
		e.Hint = "check that --env (or --addr) names the server you mean; otherwise tell the API operator"
	default:
		end := "a CA that is not trusted"
		if len(sent) > 0 {
			end = chainEnd(sent)
		}
		trusted := shortNames(p.t.Roots, ", ")
		e.Message = fmt.Sprintf("the server's certificate does not chain to the CA trusted for %s (%s): its chain ends at %s",
			env, trusted, end)
		e.Hint = fmt.Sprintf("pass the CA the server uses (%s) with --ca if it is the right one, or check that --env (or --addr) names the server you mean", end)
	}
	return e
}

// chainEnd names the CA a presented chain ends at: the last certificate
// when it is self-signed, otherwise the issuer it names.
func chainEnd(sent []*x509.Certificate) string {
	top := sent[len(sent)-1]
	if selfSigned(top) {
		return shortName(top)
	}
	return shortRawName(top.RawIssuer)
}

// certNames lists the names a certificate is for.
func certNames(c *x509.Certificate) string {
	if c == nil {
		return "other names"
	}
	names := append([]string{}, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 {
		return shortName(c) + " (no names in subjectAltName)"
	}
	return strings.Join(names, ", ")
}
