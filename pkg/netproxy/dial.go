package netproxy

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	xproxy "golang.org/x/net/proxy"
)

// MaxConnectHeader bounds the proxy's answer to CONNECT: a proxy that sends
// more is not answering CONNECT.
const MaxConnectHeader = 64 << 10

// Failure kinds of Dial: Error.Kind.
const (
	// KindRefused: the proxy refused the TCP connection, or it could not be
	// reached (no route, its name does not resolve).
	KindRefused = "refused"
	// KindTimeout: no answer from the proxy in time (to the connection or
	// to CONNECT).
	KindTimeout = "timeout"
	// KindAuthRequired: the proxy wants credentials (407), or refused the
	// ones given (407, or 401 as tinyproxy answers).
	KindAuthRequired = "auth_required"
	// KindDenied: the proxy answered CONNECT with another status (403, 502,
	// …): its policy or its own connection to the server failed.
	KindDenied = "denied"
	// KindProtocol: what answered is not an HTTP (or SOCKS5) proxy.
	KindProtocol = "protocol"
)

// Dialer opens TCP connections; *net.Dialer is one.
type Dialer interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// Tunnel describes an open tunnel through a proxy.
type Tunnel struct {
	// ProxyAddr is the proxy's address as connected (ip:port), LocalAddr
	// this side's.
	ProxyAddr, LocalAddr string
	// Status is the proxy's answer to CONNECT ("200 Connection
	// established"), or "granted" for SOCKS5.
	Status string
	// Connect is the time from the TCP connection to the proxy's answer,
	// TCP the time to connect to the proxy.
	TCP, Connect time.Duration
}

// Error is a failure to open a tunnel. Its text never holds a credential.
type Error struct {
	Kind string
	// Proxy is the proxy's URL (no credentials).
	Proxy string
	// Status is the proxy's HTTP status, when it answered.
	Status     int
	StatusText string
	// Tunnel holds what was learnt before the failure.
	Tunnel Tunnel
	Err    error
}

func (e *Error) Error() string {
	switch e.Kind {
	case KindRefused:
		return "the proxy " + e.Proxy + " cannot be reached: " + errText(e.Err)
	case KindTimeout:
		return "no answer from the proxy " + e.Proxy + " in time"
	case KindAuthRequired:
		return "the proxy " + e.Proxy + " requires authentication (" + e.StatusText + ")"
	case KindDenied:
		return "the proxy " + e.Proxy + " refused the tunnel (" + e.StatusText + ")"
	}
	return "the proxy " + e.Proxy + " does not answer as a proxy: " + errText(e.Err)
}

func errText(err error) string {
	if err == nil {
		return "no reason given"
	}
	return err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Dial opens a connection to dest (host:port) through c's proxy, or
// directly when c is Direct. network is "tcp", "tcp4" or "tcp6" and applies
// to the connection to the proxy (the proxy resolves dest). The context
// bounds the whole exchange; a deadline on it is set on the connection
// while the proxy answers.
func Dial(ctx context.Context, d Dialer, c *Choice, network, dest string) (net.Conn, *Tunnel, error) {
	if d == nil {
		d = &net.Dialer{}
	}
	if c.Direct() {
		conn, err := d.DialContext(ctx, network, dest)
		return conn, nil, err
	}
	if c.URL.Scheme == "socks5" {
		return dialSOCKS5(ctx, d, c, network, dest)
	}
	t := &Tunnel{}
	start := time.Now()
	conn, err := d.DialContext(ctx, network, c.URL.Host)
	t.TCP = time.Since(start)
	if err != nil {
		return nil, t, dialError(ctx, c, t, err)
	}
	t.ProxyAddr, t.LocalAddr = addrString(conn.RemoteAddr()), addrString(conn.LocalAddr())
	start = time.Now()
	br, err := connect(ctx, conn, c, dest, t)
	t.Connect = time.Since(start)
	if err != nil {
		conn.Close()
		return nil, t, err
	}
	if br.Buffered() > 0 {
		return &bufferedConn{Conn: conn, r: br}, t, nil
	}
	return conn, t, nil
}

// connect sends CONNECT and reads the answer, within ctx and within
// MaxConnectHeader bytes.
func connect(ctx context.Context, conn net.Conn, c *Choice, dest string, t *Tunnel) (*bufio.Reader, error) {
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	defer conn.SetDeadline(time.Time{})
	req := &http.Request{Method: http.MethodConnect, URL: nil, Host: dest, Header: http.Header{}}
	req.URL = mustOpaque(dest)
	req.Header.Set("User-Agent", "caronboard")
	if c.Auth != nil {
		cred := base64.StdEncoding.EncodeToString([]byte(c.Auth.User + ":" + c.Auth.Password))
		req.Header.Set("Proxy-Authorization", "Basic "+cred)
	}
	werr := req.Write(conn)
	lr := &io.LimitedReader{R: conn, N: MaxConnectHeader}
	br := bufio.NewReader(lr)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		e := &Error{Kind: KindProtocol, Proxy: c.Proxy, Tunnel: *t, Err: err}
		switch {
		case ctx.Err() != nil || isTimeout(err):
			e.Kind, e.Err = KindTimeout, err
		case lr.N == 0:
			e.Err = fmt.Errorf("its answer to CONNECT exceeds %d KiB", MaxConnectHeader>>10)
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isReset(err):
			e.Err = errors.New("it closed the connection without answering CONNECT")
			if werr != nil {
				e.Err = errors.New("it closed the connection before CONNECT was sent")
			}
		default:
			e.Err = errors.New("its answer to CONNECT is not HTTP")
		}
		return nil, e
	}
	t.Status = resp.Status
	switch {
	case resp.StatusCode/100 == 2:
		// The tunnel: what follows the header belongs to the server. A
		// 2xx to CONNECT has no body (RFC 9110 §9.3.6).
		lr.N = 1 << 62
		return br, nil
	case resp.StatusCode == http.StatusProxyAuthRequired || resp.StatusCode == http.StatusUnauthorized:
		// tinyproxy answers wrong credentials with 401, not 407.
		return nil, &Error{Kind: KindAuthRequired, Proxy: c.Proxy, Status: resp.StatusCode, StatusText: sanitize(resp.Status), Tunnel: *t}
	}
	return nil, &Error{Kind: KindDenied, Proxy: c.Proxy, Status: resp.StatusCode, StatusText: sanitize(resp.Status), Tunnel: *t}
}

// sanitize keeps a proxy's status line printable and short.
func sanitize(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x200e && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

func dialError(ctx context.Context, c *Choice, t *Tunnel, err error) error {
	kind := KindRefused
	if ctx.Err() != nil || isTimeout(err) {
		kind = KindTimeout
	}
	return &Error{Kind: kind, Proxy: c.Proxy, Tunnel: *t, Err: err}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }

func addrString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}

// bufferedConn reads what the proxy sent after its answer first.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (b *bufferedConn) Read(p []byte) (int, error) { return b.r.Read(p) }

// socksForward lets x/net/proxy dial through a Dialer, with the network
// (tcp4/tcp6) fixed.
type socksForward struct {
	d       Dialer
	network string
	t       *Tunnel
	start   time.Time
}

func (f *socksForward) Dial(network, addr string) (net.Conn, error) {
	return f.DialContext(context.Background(), network, addr)
}

func (f *socksForward) DialContext(ctx context.Context, _, addr string) (net.Conn, error) {
	conn, err := f.d.DialContext(ctx, f.network, addr)
	f.t.TCP = time.Since(f.start)
	f.start = time.Now()
	if err != nil {
		return nil, &dialFailure{err}
	}
	f.t.ProxyAddr, f.t.LocalAddr = addrString(conn.RemoteAddr()), addrString(conn.LocalAddr())
	return conn, nil
}

// dialFailure marks an error from the connection to the SOCKS proxy itself.
type dialFailure struct{ err error }

func (d *dialFailure) Error() string { return d.err.Error() }
func (d *dialFailure) Unwrap() error { return d.err }

func dialSOCKS5(ctx context.Context, d Dialer, c *Choice, network, dest string) (net.Conn, *Tunnel, error) {
	t := &Tunnel{}
	f := &socksForward{d: d, network: network, t: t, start: time.Now()}
	var auth *xproxy.Auth
	if c.Auth != nil {
		auth = &xproxy.Auth{User: c.Auth.User, Password: c.Auth.Password}
	}
	sd, err := xproxy.SOCKS5("tcp", c.URL.Host, auth, f)
	if err != nil {
		return nil, t, &Error{Kind: KindProtocol, Proxy: c.Proxy, Err: err}
	}
	conn, err := sd.(xproxy.ContextDialer).DialContext(ctx, "tcp", dest)
	t.Connect = time.Since(f.start)
	if err == nil {
		t.Status = "granted"
		return conn, t, nil
	}
	var df *dialFailure
	switch msg := err.Error(); {
	case errors.As(err, &df):
		return nil, t, dialError(ctx, c, t, df.err)
	case ctx.Err() != nil || isTimeout(err):
		return nil, t, &Error{Kind: KindTimeout, Proxy: c.Proxy, Tunnel: *t, Err: err}
	case strings.Contains(msg, "authentication"):
		return nil, t, &Error{Kind: KindAuthRequired, Proxy: c.Proxy, StatusText: "SOCKS5 authentication failed", Tunnel: *t, Err: err}
	case strings.Contains(msg, "unknown error") || strings.Contains(msg, "not allowed") || strings.Contains(msg, "unreachable") || strings.Contains(msg, "refused"):
		return nil, t, &Error{Kind: KindDenied, Proxy: c.Proxy, StatusText: "SOCKS5: " + sanitize(lastPart(msg)), Tunnel: *t, Err: err}
	}
	return nil, t, &Error{Kind: KindProtocol, Proxy: c.Proxy, Tunnel: *t, Err: errors.New(sanitize(lastPart(err.Error())))}
}

// lastPart drops the "socks connect tcp A->B: " prefix x/net/proxy adds.
func lastPart(s string) string {
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

// mustOpaque is the request URL of CONNECT: the authority form host:port.
func mustOpaque(dest string) *url.URL { return &url.URL{Opaque: dest} }
