package verify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"time"

	"github.com/caronboard/caronboard/pkg/netproxy"
)

// Target says where to connect and what to trust.
type Target struct {
	// Name is the environment's name, for reports.
	Name string
	// Addr is host:port.
	Addr string
	// ServerName is sent as SNI and is the name the server certificate must
	// carry; empty means the host of Addr.
	ServerName string
	// Roots are the environment's CA(s): the only trust for the server's
	// chain. The system pool is never used, so no Roots means no server is
	// trusted.
	Roots []*x509.Certificate
	// ClientCAs are the CA(s) the environment's client certificates come
	// from, for PreflightClient's chain check; empty skips that check.
	ClientCAs []*x509.Certificate
	// Request is the HTTP request sent over the connection.
	Request ProbeRequest
	// Proxy is how to reach Addr (netproxy.Resolve decides it per target):
	// nil or an empty Source means no proxy is set and adds no step.
	Proxy *netproxy.Choice
}

// ProbeRequest is the HTTP/1.1 request a probe sends; the zero value is
// GET /.
type ProbeRequest struct {
	Method string
	Path   string
	// Header holds extra header fields; a "Host" entry replaces the Host
	// header, which is otherwise the server name (and the port unless 443).
	Header map[string]string
	Body   string
}

// Dialer opens TCP connections; *net.Dialer is one.
type Dialer interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// Resolver looks up host names; *net.Resolver is one.
type Resolver interface {
	LookupHost(ctx context.Context, host string) ([]string, error)
}

// DefaultProbeTimeout is the whole-probe budget when ProbeOptions.Timeout is
// zero.
const DefaultProbeTimeout = 10 * time.Second

// ProbeOptions are the settings shared by every probe.
type ProbeOptions struct {
	// Client is the client certificate with its key; nil sends none (the
	// probe then reports whether the server demanded one).
	Client *tls.Certificate
	// Timeout is the whole probe's budget (DefaultProbeTimeout when zero);
	// every step is bounded by what is left of it.
	Timeout time.Duration
	// Dialer connects; nil means a net.Dialer.
	Dialer Dialer
	// Resolver resolves host names; nil means net.DefaultResolver.
	Resolver Resolver
	// Now gives the time to judge certificates at (the client certificate's
	// validity and the server's chain). Required.
	Now func() time.Time
	// MinVersion is the lowest TLS version offered; zero, or anything below
	// tls.VersionTLS12, means TLS 1.2, the floor.
	MinVersion uint16
	// Family forces IPv4 or IPv6 (for the server, or for the proxy when
	// there is one); AnyFamily lets the dialer choose (Happy Eyeballs).
	Family Family
}

// Step names, in the order a probe takes them.
const (
	StepResolve = "resolve"
	// StepProxy ("proxy") comes here, when a proxy is set.
	StepTCP               = "tcp"
	StepTLS               = "tls"
	StepClientCertificate = "client_certificate"
	StepHTTP              = "http"
)

// Step is one stage of a probe, timed.
type Step struct {
	// Name is one of the Step… constants.
	Name     string        `json:"name"`
	Status   Status        `json:"status"`
	Duration time.Duration `json:"duration_ns"`
	Message  string        `json:"message"`
}

// ProbeResult is everything a probe found out. Err is nil exactly when the
// probe proved connectivity: an HTTP response, of any status, was read over
// the mutual-TLS connection.
type ProbeResult struct {
	Target string `json:"target"`
	Addr   string `json:"addr"`
	Steps  []Step `json:"steps"`
	// Addresses are the DNS answers (or the IP address given).
	Addresses []string `json:"addresses,omitempty"`
	// LocalAddr is the source address of the connection (ip:port): the IP
	// the CAR allow-list needs, unless NAT is in between. When the connection
	// could not be made it is the source address the route to the server
	// would use, when that is known.
	LocalAddr  string `json:"local_addr,omitempty"`
	RemoteAddr string `json:"remote_addr,omitempty"`
	// Proxy is the proxy step's outcome, when a proxy was set (even if
	// bypassed). With a proxy, LocalAddr is the address this computer
	// connects to the proxy from: the API sees the proxy's outgoing address.
	Proxy *ProxyReport `json:"proxy,omitempty"`
	// TLSVersion and CipherSuite are as crypto/tls names them ("TLS 1.3").
	TLSVersion  string `json:"tls_version,omitempty"`
	CipherSuite string `json:"cipher_suite,omitempty"`
	// ServerChain holds the subjects of the server's verified chain, leaf
	// first.
	ServerChain []string `json:"server_chain,omitempty"`
	// ClientCertRequested says whether the server asked for a client
	// certificate.
	ClientCertRequested bool `json:"client_cert_requested"`
	// ClientCertSent says whether a (non-empty) client certificate was sent.
	ClientCertSent bool `json:"client_cert_sent"`
	// AcceptableCAs are the CA names the server listed in its request.
	AcceptableCAs []string `json:"acceptable_cas,omitempty"`
	// ClientCertMatchesCAs says whether the client certificate's chain
	// reaches one of AcceptableCAs; nil when the server listed none or no
	// certificate was given.
	ClientCertMatchesCAs *bool `json:"client_cert_matches_cas,omitempty"`
	HTTPStatus           int   `json:"http_status,omitempty"`
	// HTTPBody is the first 2 KiB of the response body.
	HTTPBody string `json:"http_body,omitempty"`
	// FrejaError is a Freja-style {"code":…,"message":…} 4xx body, decoded.
	FrejaError *FrejaError `json:"freja_error,omitempty"`
	// Preflight holds PreflightClient's checks of the client certificate.
	Preflight []Check `json:"preflight,omitempty"`
	// Warnings are problems that did not stop the probe.
	Warnings []string      `json:"warnings,omitempty"`
	Err      *ProbeError   `json:"error,omitempty"`
	Elapsed  time.Duration `json:"elapsed_ns"`
}

// OK reports whether the probe proved connectivity.
func (r *ProbeResult) OK() bool { return r.Err == nil }

// SourceIP is the IP address part of LocalAddr.
func (r *ProbeResult) SourceIP() string {
	if h, _, err := net.SplitHostPort(r.LocalAddr); err == nil {
		return h
	}
	return r.LocalAddr
}

// Step returns the step with the given name.
func (r *ProbeResult) Step(name string) (Step, bool) {
	for _, s := range r.Steps {
		if s.Name == name {
			return s, true
		}
	}
	return Step{}, false
}

// FrejaError is the error body Freja's API sends with a 4xx status.
type FrejaError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// Probe connects to t as o says and reports each step: resolve, the proxy
// (when t.Proxy sets one), TCP connect (direct only), TLS handshake (server chain verified against t.Roots only),
// the client certificate exchange, and one HTTP/1.1 request. Success is
// never reported before the response has been read: under TLS 1.3 a server
// rejects a client certificate after the handshake, on the first read.
// Failures are classified in Err (a Code… constant, a message and a hint).
// Probe never fails otherwise; it panics only when o.Now is nil.
func Probe(ctx context.Context, t Target, o ProbeOptions) *ProbeResult {
	o = o.withDefaults()
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	p := &prober{t: t, o: o, res: &ProbeResult{Target: t.Name, Addr: t.Addr}}
	p.run(ctx)
	p.finish()
	p.res.Elapsed = time.Since(start)
	return p.res
}

// withDefaults fills in the defaults and checks what is required.
func (o ProbeOptions) withDefaults() ProbeOptions {
	if o.Now == nil {
		panic("verify: ProbeOptions.Now is required")
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultProbeTimeout
	}
	if o.Dialer == nil {
		o.Dialer = &net.Dialer{}
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	o.MinVersion = max(o.MinVersion, tls.VersionTLS12)
	return o
}
