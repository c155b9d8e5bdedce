package verify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/caronboard/caronboard/pkg/netproxy"
)

// StepProxy is the step between resolve and tls when a proxy is set: which
// proxy and why (or why it was bypassed), its address and its answer to
// CONNECT.
const StepProxy = "proxy"

// Failure classes of the proxy step.
const (
	// CodeProxyRefused: the proxy refused the connection or cannot be reached.
	CodeProxyRefused = "proxy_refused"
	// CodeProxyTimeout: the proxy did not answer in time.
	CodeProxyTimeout = "proxy_timeout"
	// CodeProxyAuthRequired: the proxy wants credentials (407) or refused them.
	CodeProxyAuthRequired = "proxy_auth_required"
	// CodeProxyDenied: the proxy answered CONNECT with 403 or another
	// non-2xx status: its policy blocks the host or port, or it cannot reach it.
	CodeProxyDenied = "proxy_denied"
	// CodeProxyProtocol: what answers at the proxy's address is not a proxy.
	CodeProxyProtocol = "proxy_protocol"
)

// Family restricts the addresses a probe connects to.
type Family int

// Address families for ProbeOptions.Family.
const (
	AnyFamily Family = iota // IPv4 and IPv6, as the dialer prefers (Happy Eyeballs)
	IPv4
	IPv6
)

func (f Family) network() string {
	switch f {
	case IPv4:
		return "tcp4"
	case IPv6:
		return "tcp6"
	}
	return "tcp"
}

func (f Family) name() string {
	if f == IPv4 {
		return "IPv4 (A)"
	}
	return "IPv6 (AAAA)"
}

func (f Family) flag() string {
	if f == IPv4 {
		return "--ipv4"
	}
	return "--ipv6"
}

// keeps reports whether ip (text) is of family f.
func (f Family) keeps(ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil || f == AnyFamily {
		return true
	}
	return (f == IPv4) == a.Unmap().Is4()
}

// ProxyReport is the proxy step's outcome: the setting (netproxy.Choice:
// proxy, source, bypassed, user) and what the proxy said.
type ProxyReport struct {
	netproxy.Choice
	// Addr is the proxy's address as connected (ip:port).
	Addr string `json:"addr,omitempty"`
	// Status is the proxy's answer to CONNECT ("200 Connection established").
	Status string `json:"connect_status,omitempty"`
	// ConnectTime is the time from the TCP connection to that answer.
	ConnectTime time.Duration `json:"connect_ns,omitempty"`
}

// Via reports whether the probe went (or tried to go) through a proxy.
func (r *ProbeResult) Via() bool { return r.Proxy != nil && !r.Proxy.Direct() }

// tunnel connects through the target's proxy and records the proxy step.
func (p *prober) tunnel(ctx context.Context) (net.Conn, bool) {
	c := p.t.Proxy
	dest := net.JoinHostPort(p.host, p.port)
	start := time.Now()
	conn, t, err := netproxy.Dial(ctx, p.o.Dialer, c, p.o.Family.network(), dest)
	d := time.Since(start)
	rep := p.res.Proxy
	if t != nil {
		rep.Addr, rep.Status, rep.ConnectTime = t.ProxyAddr, t.Status, t.Connect
		p.res.LocalAddr = t.LocalAddr
	}
	if err != nil {
		p.fail(StepProxy, d, p.proxyError(ctx, err))
		return nil, false
	}
	p.res.RemoteAddr = dest
	msg := fmt.Sprintf("via %s: connected to %s from %s; CONNECT %s → %s in %s. The API sees the proxy's outgoing address, not %s: that address goes on the CAR allow-list (ask the network team for it)",
		c.Describe(), rep.Addr, p.res.LocalAddr, dest, rep.Status, rep.ConnectTime.Round(time.Microsecond), p.res.SourceIP())
	p.step(StepProxy, d, Pass, msg)
	return conn, true
}

func (p *prober) proxyError(ctx context.Context, err error) *ProbeError {
	if e := canceled(ctx, err); e != nil {
		return e
	}
	c := p.t.Proxy
	dest := net.JoinHostPort(p.host, p.port)
	where := "the proxy URL (" + c.Source + ")"
	var pe *netproxy.Error
	if !errors.As(err, &pe) {
		return &ProbeError{Code: CodeProxyProtocol, Err: err, Message: "the proxy " + c.Proxy + " cannot be used: " + err.Error(),
			Hint: "check " + where}
	}
	e := &ProbeError{Err: err, Message: pe.Error()}
	switch pe.Kind {
	case netproxy.KindRefused:
		e.Code = CodeProxyRefused
		e.Hint = "nothing accepts connections at the proxy's address: check " + where + " with the network team, and that the proxy runs"
	case netproxy.KindTimeout:
		e.Code = CodeProxyTimeout
		e.Message = fmt.Sprintf("no answer from the proxy %s within %s", c.Proxy, p.o.Timeout)
		e.Hint = "the proxy did not answer: check " + where + ", and that this network reaches it (a firewall may drop the traffic)"
	case netproxy.KindAuthRequired:
		e.Code = CodeProxyAuthRequired
		e.Hint = "give the proxy user with --proxy-user NAME and its password with --proxy-password-file FILE or CARONBOARD_PROXY_PASSWORD"
		if c.User != "" {
			e.Message = "the proxy " + c.Proxy + " refused the user " + c.User + " (" + pe.StatusText + ")"
			e.Hint = "check the proxy user name and password (--proxy-user, --proxy-password-file or CARONBOARD_PROXY_PASSWORD)"
		}
	case netproxy.KindDenied:
		e.Code = CodeProxyDenied
		e.Hint = "the proxy's policy blocks " + dest + " (or the proxy cannot reach it): ask the network team to allow CONNECT to " + dest
	default:
		e.Code = CodeProxyProtocol
		e.Hint = "what answers there is not an HTTP proxy: check the host, port and scheme (http:// or socks5://) of " + where
	}
	e.Message += " (proxy from " + c.Source
	if c.User != "" {
		e.Message += ", as user " + c.User
	}
	e.Message += ")"
	return e
}

// proxySkipped records a proxy step for a setting that sends the
// connection direct (bypassed by NO_PROXY, or turned off).
func (p *prober) proxySkipped() {
	p.step(StepProxy, 0, Skip, p.t.Proxy.Describe())
}

// noProxyHint is added to connection hints when no proxy is set.
func (p *prober) noProxyHint() string {
	if p.t.Proxy != nil && p.t.Proxy.Source != "" {
		return ""
	}
	return "; if this network needs a proxy, set HTTPS_PROXY or pass --proxy"
}
