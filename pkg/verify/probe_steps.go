package verify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// prober carries one probe's state. Every field is touched by the probe's
// own goroutine only (crypto/tls calls GetClientCertificate from within
// HandshakeContext or Read).
type prober struct {
	t   Target
	o   ProbeOptions
	res *ProbeResult

	host, port string
	serverName string
	leaf       *x509.Certificate // the client certificate, when one was given
	outside    bool              // the client certificate is expired or not yet valid at o.Now
}

func (p *prober) run(ctx context.Context) {
	p.preflight()
	host, port, err := net.SplitHostPort(p.t.Addr)
	if err != nil || host == "" || port == "" {
		p.fail(StepResolve, 0, &ProbeError{Code: CodeDNS, Err: err,
			Message: fmt.Sprintf("the address %q is not host:port", p.t.Addr),
			Hint:    "give the address as host:port, e.g. api.e-faktura.com:443 (--addr)"})
		return
	}
	p.host, p.port = host, port
	p.serverName = p.t.ServerName
	if p.serverName == "" {
		p.serverName = host
	}
	ips, ok := p.resolve(ctx)
	if !ok {
		return
	}
	conn, ok := p.connect(ctx, ips)
	if !ok {
		return
	}
	defer conn.Close()
	tc, ok := p.handshake(ctx, conn)
	if !ok {
		return
	}
	p.exchange(ctx, tc)
}

// preflight checks the client certificate before connecting and turns
// what is wrong with it into warnings.
func (p *prober) preflight() {
	if p.o.Client == nil || len(p.o.Client.Certificate) == 0 {
		return
	}
	at := p.o.Now()
	p.res.Preflight = PreflightClient(p.o.Client, p.t.ClientCAs, at)
	p.leaf, _, _ = clientChain(p.o.Client)
	for _, c := range p.res.Preflight {
		if c.Status == Fail || c.Status == Warn {
			p.warn("client certificate: " + c.Message)
		}
	}
	if p.leaf != nil {
		p.outside = at.Before(p.leaf.NotBefore) || at.After(p.leaf.NotAfter)
	}
}

func (p *prober) resolve(ctx context.Context) ([]string, bool) {
	if _, err := netip.ParseAddr(p.host); err == nil {
		p.res.Addresses = []string{p.host}
		p.step(StepResolve, 0, Skip, p.host+" is an IP address: nothing to resolve")
		return p.res.Addresses, true
	}
	start := time.Now()
	addrs, err := p.o.Resolver.LookupHost(ctx, p.host)
	d := time.Since(start)
	if err == nil && len(addrs) == 0 {
		err = errors.New("no addresses")
	}
	if err != nil {
		p.fail(StepResolve, d, p.dnsError(ctx, err))
		return nil, false
	}
	p.res.Addresses = addrs
	p.step(StepResolve, d, Pass, p.host+" → "+strings.Join(addrs, ", "))
	return addrs, true
}

// connect tries the addresses in turn until one accepts; a timeout ends
// the attempts, since it has used up the budget.
func (p *prober) connect(ctx context.Context, ips []string) (net.Conn, bool) {
	start := time.Now()
	var err error
	var addr string
	for _, ip := range ips {
		addr = net.JoinHostPort(ip, p.port)
		var conn net.Conn
		conn, err = p.o.Dialer.DialContext(ctx, "tcp", addr)
		if err == nil {
			return p.connected(conn, addr, time.Since(start)), true
		}
		if ctx.Err() != nil || !isRefused(err) {
			break
		}
	}
	d := time.Since(start)
	if isNetDialer(p.o.Dialer) {
		p.res.LocalAddr = routeSource(ctx, addr)
	}
	p.fail(StepTCP, d, p.dialError(ctx, addr, err))
	return nil, false
}

func (p *prober) connected(conn net.Conn, addr string, d time.Duration) net.Conn {
	p.res.RemoteAddr = addr
	if a := conn.RemoteAddr(); a != nil {
		p.res.RemoteAddr = a.String()
	}
	msg := "connected to " + p.res.RemoteAddr
	if a := conn.LocalAddr(); a != nil {
		p.res.LocalAddr = a.String()
		msg += " from " + p.res.LocalAddr + " (the source address; behind NAT the server sees your public address instead)"
	}
	p.step(StepTCP, d, Pass, msg)
	return conn
}

func isNetDialer(d Dialer) bool {
	_, ok := d.(*net.Dialer)
	return ok
}

// routeSource returns the source address the route to addr would use, by
// "connecting" a UDP socket (which sends nothing), or "".
func routeSource(ctx context.Context, addr string) string {
	if addr == "" {
		return ""
	}
	c, err := (&net.Dialer{}).DialContext(context.WithoutCancel(ctx), "udp", addr)
	if err != nil {
		return ""
	}
	defer c.Close()
	return c.LocalAddr().String()
}

func (p *prober) handshake(ctx context.Context, conn net.Conn) (*tls.Conn, bool) {
	pool := x509.NewCertPool()
	for _, c := range p.t.Roots {
		pool.AddCert(c)
	}
	tc := tls.Client(conn, &tls.Config{
		ServerName:           p.serverName,
		RootCAs:              pool,
		MinVersion:           p.o.MinVersion,
		Time:                 p.o.Now,
		NextProtos:           []string{"http/1.1"},
		GetClientCertificate: p.clientCertificate,
		// Some servers ask for the client certificate by renegotiating
		// (TLS 1.2) once the request shows which path it is for.
		Renegotiation: tls.RenegotiateOnceAsClient,
	})
	start := time.Now()
	err := tc.HandshakeContext(ctx)
	d := time.Since(start)
	if err != nil {
		p.fail(StepTLS, d, p.handshakeError(ctx, err))
		return nil, false
	}
	st := tc.ConnectionState()
	p.res.TLSVersion = tls.VersionName(st.Version)
	p.res.CipherSuite = tls.CipherSuiteName(st.CipherSuite)
	msg := p.res.TLSVersion + ", " + p.res.CipherSuite
	if len(st.VerifiedChains) > 0 {
		chain := st.VerifiedChains[0]
		p.res.ServerChain = subjects(chain)
		msg += "; server certificate verified: " + shortNames(chain, " → ")
	}
	p.step(StepTLS, d, Pass, msg)
	return tc, true
}

// step records a step.
func (p *prober) step(name string, d time.Duration, s Status, msg string) {
	p.res.Steps = append(p.res.Steps, Step{Name: name, Status: s, Duration: d, Message: msg})
}

// fail records a failed step and the probe's error.
func (p *prober) fail(name string, d time.Duration, e *ProbeError) {
	e.Step = name
	p.res.Err = e
	p.step(name, d, Fail, e.Message)
}

func (p *prober) warn(msg string) {
	if !slices.Contains(p.res.Warnings, msg) {
		p.res.Warnings = append(p.res.Warnings, msg)
	}
}
