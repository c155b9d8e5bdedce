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
	var conn net.Conn
	var ok bool
	if c := p.t.Proxy; c != nil && c.Source != "" {
		p.res.Proxy = &ProxyReport{Choice: *c}
	}
	if !p.t.Proxy.Direct() {
		msg := host + " is resolved by the proxy"
		if _, err := netip.ParseAddr(host); err == nil {
			msg = host + " is an IP address: the proxy connects to it"
		}
		p.step(StepResolve, 0, Skip, msg)
		if conn, ok = p.tunnel(ctx); !ok {
			return
		}
	} else {
		var ips []string
		if ips, ok = p.resolve(ctx); !ok {
			return
		}
		if p.res.Proxy != nil {
			p.proxySkipped()
		}
		if conn, ok = p.connect(ctx, ips); !ok {
			return
		}
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
		if !p.o.Family.keeps(p.host) {
			p.fail(StepResolve, 0, p.familyError(p.res.Addresses))
			return nil, false
		}
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
	kept := slices.DeleteFunc(slices.Clone(addrs), func(a string) bool { return !p.o.Family.keeps(a) })
	if len(kept) == 0 {
		p.fail(StepResolve, d, p.familyError(addrs))
		return nil, false
	}
	msg := p.host + " → " + strings.Join(addrs, ", ")
	if len(kept) < len(addrs) {
		msg += " (" + p.o.Family.flag() + ": " + strings.Join(kept, ", ") + ")"
	}
	p.step(StepResolve, d, Pass, msg)
	return kept, true
}

// familyError is the dns failure of a name without an address of the
// forced family.
func (p *prober) familyError(addrs []string) *ProbeError {
	if _, err := netip.ParseAddr(p.host); err == nil {
		// An address, not a name: there is no record to lack.
		other := map[Family]string{IPv4: "IPv6", IPv6: "IPv4"}[p.o.Family]
		want := map[Family]string{IPv4: "IPv4", IPv6: "IPv6"}[p.o.Family]
		return &ProbeError{Code: CodeDNS,
			Message: fmt.Sprintf("%s is an %s address, and %s connects over %s only", p.host, other, p.o.Family.flag(), want),
			Hint:    "drop " + p.o.Family.flag() + ", or give --addr an " + want + " address or a host name that has one"}
	}
	return &ProbeError{Code: CodeDNS,
		Message: fmt.Sprintf("%s has no %s address (%s: %s)", p.host, p.o.Family.name(), p.o.Family.flag(), strings.Join(addrs, ", ")),
		Hint:    "drop " + p.o.Family.flag() + " to use the addresses it has, or ask the API operator whether it is reachable over " + map[Family]string{IPv4: "IPv4", IPv6: "IPv6"}[p.o.Family]}
}

// connect dials the server. With the standard dialer and resolver it dials
// the name and lets Go's dialer choose among the addresses (Happy Eyeballs,
// RFC 6555: IPv6 and IPv4 raced, the first to connect wins); otherwise it
// tries the addresses in turn until one accepts. A timeout ends the
// attempts, since it has used up the budget.
func (p *prober) connect(ctx context.Context, ips []string) (net.Conn, bool) {
	start := time.Now()
	var err error
	var addr string
	if nd, ok := p.happyEyeballs(); ok && len(ips) > 1 {
		var conn net.Conn
		conn, err = nd.DialContext(ctx, p.o.Family.network(), net.JoinHostPort(p.host, p.port))
		if err == nil {
			return p.connected(conn, conn.RemoteAddr().String(), time.Since(start)), true
		}
		addr, ips = net.JoinHostPort(ips[0], p.port), nil // addr: for the route's source address
	}
	for _, ip := range ips {
		addr = net.JoinHostPort(ip, p.port)
		var conn net.Conn
		conn, err = p.o.Dialer.DialContext(ctx, p.o.Family.network(), addr)
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
	if n := len(p.res.Addresses); n > 1 {
		msg += fmt.Sprintf(" (of %d addresses)", n)
	}
	if a := conn.LocalAddr(); a != nil {
		p.res.LocalAddr = a.String()
		msg += " from " + p.res.LocalAddr + " (the source address; behind NAT the server sees your public address instead)"
	}
	p.step(StepTCP, d, Pass, msg)
	return conn
}

// happyEyeballs returns the dialer to dial names with, when both the
// dialer and the resolver are the standard ones.
func (p *prober) happyEyeballs() (*net.Dialer, bool) {
	nd, ok := p.o.Dialer.(*net.Dialer)
	r, rok := p.o.Resolver.(*net.Resolver)
	if !ok || !rok {
		return nil, false
	}
	d := *nd
	d.Resolver = r
	return &d, true
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
