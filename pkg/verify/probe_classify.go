package verify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"syscall"
)

// canceled returns the error of a probe the caller cancelled, or nil.
func canceled(ctx context.Context, err error) *ProbeError {
	if !errors.Is(ctx.Err(), context.Canceled) {
		return nil
	}
	return &ProbeError{Code: CodeCanceled, Err: err, Message: "the probe was cancelled",
		Hint: "run it again and let it finish"}
}

// timedOut reports whether the probe's budget ran out or err is a timeout.
func timedOut(ctx context.Context, err error) bool {
	var ne net.Error
	return errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}

func (p *prober) dnsError(ctx context.Context, err error) *ProbeError {
	if e := canceled(ctx, err); e != nil {
		return e
	}
	e := &ProbeError{Code: CodeDNS, Err: err,
		Hint: "check the host name (the environment's host, or --addr); if it is right, this network's DNS does not know it: " +
			"try from the network the integration runs on (VPN, split DNS)"}
	var de *net.DNSError
	switch {
	case timedOut(ctx, err):
		e.Message = fmt.Sprintf("no DNS answer for %s within %s", p.host, p.o.Timeout)
		e.Hint = "this computer's DNS server did not answer: check the network connection, VPN and DNS settings, and try again"
	case errors.As(err, &de) && de.IsNotFound:
		e.Message = fmt.Sprintf("%s does not resolve: no such host", p.host)
	default:
		e.Message = fmt.Sprintf("%s could not be resolved: %v", p.host, err)
	}
	return e
}

func (p *prober) dialError(ctx context.Context, addr string, err error) *ProbeError {
	if e := canceled(ctx, err); e != nil {
		return e
	}
	src := ""
	if p.res.LocalAddr != "" {
		src = " (this computer connects from " + p.res.SourceIP() + "; behind NAT the server sees your public address instead)"
	}
	switch {
	case isRefused(err) || isReset(err):
		return &ProbeError{Code: CodeTCPRefused, Err: err,
			Message: addr + " refused the connection",
			Hint: "nothing accepts connections on that port: check the port (--addr; the APIs listen on 443) and that the service runs; " +
				"a firewall that rejects instead of dropping looks the same"}
	case timedOut(ctx, err):
		return &ProbeError{Code: CodeTCPTimeout, Err: err,
			Message: fmt.Sprintf("no answer from %s within %s (TCP connect)", addr, p.o.Timeout),
			Hint: "the server never answered the connection attempt. Most often the source address is not on the API's IP allow-list" +
				src + ": give the operator the address your traffic leaves from. Otherwise a firewall on the way drops the traffic" + p.noProxyHint()}
	}
	return &ProbeError{Code: CodeTCPTimeout, Err: err,
		Message: fmt.Sprintf("%s cannot be reached: %v", addr, err),
		Hint:    "there is no way to the server from this network: check the network connection, VPN and proxy settings, and the address (--addr)" + p.noProxyHint()}
}

func (p *prober) handshakeError(ctx context.Context, err error) *ProbeError {
	if e := canceled(ctx, err); e != nil {
		return e
	}
	var cve *tls.CertificateVerificationError
	var rhe tls.RecordHeaderError
	if errors.As(err, &cve) {
		return p.untrusted(err, cve.UnverifiedCertificates)
	}
	if isX509Error(err) {
		return p.untrusted(err, nil)
	}
	if a, ok := remoteAlert(err); ok {
		return p.alertError(a, err, false)
	}
	switch {
	case timedOut(ctx, err):
		return &ProbeError{Code: CodeTLSTimeout, Err: err,
			Message: fmt.Sprintf("connected to %s, but no TLS answer within %s", p.res.RemoteAddr, p.o.Timeout),
			Hint: "the port accepts TCP connections but does not complete a TLS handshake: check that it is the HTTPS port, " +
				"and whether a proxy or firewall holds the connection (some drop clients whose address is not allow-listed)"}
	case errors.As(err, &rhe):
		return &ProbeError{Code: CodeTLSProtocol, Err: err,
			Message: fmt.Sprintf("%s does not speak TLS: %v", p.res.RemoteAddr, err),
			Hint:    "check the port (--addr): what answers there is not an HTTPS server (plain HTTP, or another protocol)"}
	case isClosed(err):
		return p.closedInHandshake(err)
	case strings.Contains(err.Error(), "unsupported protocol version"):
		return versionError(err, "")
	}
	return &ProbeError{Code: CodeTLSProtocol, Err: err,
		Message: "the TLS handshake failed: " + strings.TrimPrefix(err.Error(), "tls: "),
		Hint:    "the server and caronboard found no common ground (TLS 1.2 or newer, modern cipher suites): tell the API operator what this says"}
}

func isX509Error(err error) bool {
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ie x509.CertificateInvalidError
	return errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ie)
}

// isClosed reports whether the peer closed or reset the connection.
func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		isReset(err) || errors.Is(err, syscall.EPIPE)
}

// Windows reports WSAECONNRESET and WSAECONNREFUSED, which syscall's
// portable constants there do not match.
const wsaECONNRESET, wsaECONNREFUSED = 10054, 10061

func isRefused(err error) bool {
	var errno syscall.Errno
	return errors.Is(err, syscall.ECONNREFUSED) ||
		(runtime.GOOS == "windows" && errors.As(err, &errno) && errno == wsaECONNREFUSED)
}

func isReset(err error) bool {
	var errno syscall.Errno
	return errors.Is(err, syscall.ECONNRESET) ||
		(runtime.GOOS == "windows" && errors.As(err, &errno) && errno == wsaECONNRESET)
}

func versionError(err error, alert string) *ProbeError {
	return &ProbeError{Code: CodeTLSProtocol, Err: err, Alert: alert,
		Message: "the server does not offer TLS 1.2 or newer" + alertSuffix(alert),
		Hint:    "TLS 1.2 is the minimum, and the server offers only older versions (or refuses ours): tell the API operator"}
}

func alertSuffix(alert string) string {
	if alert == "" {
		return ""
	}
	return " (alert " + alert + ")"
}

// closedInHandshake explains a server that hung up during the handshake
// without an alert.
func (p *prober) closedInHandshake(err error) *ProbeError {
	r := p.res
	switch {
	case r.ClientCertRequested && !r.ClientCertSent:
		return p.missing(err, "", false)
	case r.ClientCertRequested:
		return p.rejected(err, "", false)
	}
	return &ProbeError{Code: CodeTLSProtocol, Err: err,
		Message: "the server closed the connection during the TLS handshake, without saying why",
		Hint: "it may not accept TLS 1.2 or newer or our cipher suites, or a proxy in front refuses this source address: " +
			"check the address (--addr) and ask the API operator"}
}

// readError classifies a failure to read the HTTP response (err) after
// writing the request (werr, which may be nil).
func (p *prober) readError(ctx context.Context, err, werr error) *ProbeError {
	if e := canceled(ctx, err); e != nil {
		return e
	}
	for _, x := range []error{err, werr} {
		if a, ok := remoteAlert(x); ok {
			return p.alertError(a, x, true)
		}
	}
	r := p.res
	tls13 := r.TLSVersion == tls.VersionName(tls.VersionTLS13)
	maybeRejected := ""
	if tls13 && r.ClientCertRequested {
		maybeRejected = "; under TLS 1.3 a server that refuses the client certificate without an alert looks the same: check that it is the one issued for this environment"
	}
	switch {
	case timedOut(ctx, err):
		return &ProbeError{Code: CodeHTTP, Err: err,
			Message: fmt.Sprintf("the TLS connection was set up, but no HTTP answer came within %s", p.o.Timeout),
			Hint:    "the server sent nothing back: check the request (method and path) the environment sends" + maybeRejected}
	case isClosed(err) || (werr != nil && isClosed(werr)):
		return &ProbeError{Code: CodeHTTP, Err: err,
			Message: "the server closed the connection without an HTTP answer",
			Hint:    "the server does not answer this request on this port: check the address and path" + maybeRejected}
	}
	return &ProbeError{Code: CodeHTTP, Err: err,
		Message: "the server's answer is not HTTP: " + err.Error(),
		Hint:    "the TLS connection was accepted, but what came back is not an HTTP response: check that this port serves the API"}
}
