package verify

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caronboard/caronboard/pkg/netproxy"
)

// testProxy is an HTTP CONNECT proxy on loopback. Its mode says how it
// answers; names maps the host:port a client asks for to where it really
// connects (the tests' servers), so that names need not resolve.
type testProxy struct {
	mode     string // "" tunnels; "403", "close" (accept and close), "silent" (never answers)
	user     string // Basic authentication required when set
	password string
	names    map[string]string

	connects atomic.Int32 // CONNECT requests seen
	addr     string
}

func (tp *testProxy) start(t *testing.T) *testProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tp.addr = l.Addr().String()
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go tp.serve(c, func(up net.Conn) { mu.Lock(); conns = append(conns, up); mu.Unlock() })
		}
	}()
	return tp
}

// url is the proxy's URL.
func (tp *testProxy) url() string { return "http://" + tp.addr }

func (tp *testProxy) serve(c net.Conn, track func(net.Conn)) {
	switch tp.mode {
	case "close":
		c.Close()
		return
	case "silent":
		return // closed by the test's cleanup
	}
	defer c.Close()
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil || req.Method != http.MethodConnect {
		io.WriteString(c, "HTTP/1.1 400 Bad Request\r\n\r\n")
		return
	}
	tp.connects.Add(1)
	if tp.user != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(tp.user+":"+tp.password))
		if req.Header.Get("Proxy-Authorization") != want {
			io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n")
			return
		}
	}
	if tp.mode == "403" {
		io.WriteString(c, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
		return
	}
	to := req.Host
	if m, ok := tp.names[to]; ok {
		to = m
	}
	up, err := net.Dial("tcp", to)
	if err != nil {
		io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\n\r\n")
		return
	}
	track(up)
	defer up.Close()
	io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
	go func() { io.Copy(up, br); up.Close() }()
	io.Copy(c, up)
}

// viaProxy is a target reached through proxyURL, named by --proxy.
func viaProxy(tg Target, proxyURL string, auth *netproxy.Auth) Target {
	c, err := netproxy.Resolve(netproxy.Input{Flag: proxyURL, Auth: auth}, tg.Addr)
	if err != nil {
		panic(err)
	}
	tg.Proxy = c
	return tg
}

func TestProbeThroughProxy(t *testing.T) {
	p := loadPKI(t)
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		t.Run(tls.VersionName(v), func(t *testing.T) {
			addr := server{maxVersion: v}.start(t)
			tp := (&testProxy{names: map[string]string{"api.caronboard.test:443": addr}}).start(t)
			tg := target("api.caronboard.test:443", p.CARCA.Cert)
			tg.Proxy, _ = netproxy.Resolve(netproxy.Input{Getenv: func(k string) string {
				return map[string]string{"HTTPS_PROXY": tp.url()}[k]
			}}, tg.Addr)
			r := Probe(t.Context(), tg, opts(clientCert(p.CARBank)))
			wantResult(t, r, "", "", "")
			if got := stepNames(r); got != "resolve proxy tls client_certificate http" {
				t.Errorf("steps %q", got)
			}
			if r.TLSVersion != tls.VersionName(v) || !r.Via() || r.Proxy.Source != "HTTPS_PROXY" || r.Proxy.Addr != tp.addr ||
				!strings.HasPrefix(r.Proxy.Status, "200") || r.HTTPBody != "hello BANK01" {
				t.Errorf("result %+v, proxy %+v", r, r.Proxy)
			}
			s, _ := r.Step(StepProxy)
			if !strings.Contains(s.Message, "HTTPS_PROXY") || !strings.Contains(s.Message, "proxy's outgoing address") {
				t.Errorf("proxy step %q", s.Message)
			}
		})
	}
}

func TestProbeProxyAuth(t *testing.T) {
	p := loadPKI(t)
	addr := server{}.start(t)
	tp := (&testProxy{user: "bob", password: "pr0xy-s3cret"}).start(t)
	tests := []struct {
		name string
		auth *netproxy.Auth
		code string
	}{
		{"no credentials", nil, CodeProxyAuthRequired},
		{"wrong password", &netproxy.Auth{User: "bob", Password: "wr0ng-s3cret"}, CodeProxyAuthRequired},
		{"right password", &netproxy.Auth{User: "bob", Password: "pr0xy-s3cret"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Probe(t.Context(), viaProxy(target(addr, p.CARCA.Cert), tp.url(), tt.auth), opts(clientCert(p.CARBank)))
			wantResult(t, r, tt.code, StepProxy, "")
			out, _ := json.Marshal(r)
			text := string(out)
			if r.Err != nil {
				text += r.Err.Message + r.Err.Hint + r.Err.Err.Error()
			}
			if strings.Contains(text, "s3cret") || strings.Contains(text, base64.StdEncoding.EncodeToString([]byte("bob:pr0xy-s3cret"))) {
				t.Errorf("a credential shows in %s", text)
			}
			if tt.auth != nil && r.Err != nil && !strings.Contains(r.Err.Message, "bob") {
				t.Errorf("message %q does not name the user", r.Err.Message)
			}
		})
	}
}

func TestProbeProxyFailures(t *testing.T) {
	p := loadPKI(t)
	addr := server{}.start(t)
	tests := []struct {
		name, mode, code string
	}{
		{"403", "403", CodeProxyDenied},
		{"accepts and closes", "close", CodeProxyProtocol},
		{"never answers", "silent", CodeProxyTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tp := (&testProxy{mode: tt.mode}).start(t)
			o := opts(clientCert(p.CARBank))
			if tt.mode == "silent" {
				o.Timeout = 300 * time.Millisecond
			}
			r := Probe(t.Context(), viaProxy(target(addr, p.CARCA.Cert), tp.url(), nil), o)
			wantResult(t, r, tt.code, StepProxy, "")
			if tt.code == CodeProxyDenied && (!strings.Contains(r.Err.Hint, addr) || !strings.Contains(r.Err.Message, "403")) {
				t.Errorf("denied: %q / %q", r.Err.Message, r.Err.Hint)
			}
		})
	}
	t.Run("refused", func(t *testing.T) {
		r := Probe(t.Context(), viaProxy(target(addr, p.CARCA.Cert), "http://"+freePort(t), nil), opts(clientCert(p.CARBank)))
		wantResult(t, r, CodeProxyRefused, StepProxy, "")
	})
	t.Run("a TLS server is not a proxy", func(t *testing.T) {
		r := Probe(t.Context(), viaProxy(target(addr, p.CARCA.Cert), "http://"+addr, nil), opts(clientCert(p.CARBank)))
		wantResult(t, r, CodeProxyProtocol, StepProxy, "")
	})
}

// TestProbeProxyBypass: NO_PROXY sends the connection direct, with a
// skipped proxy step saying why; the proxy sees nothing.
func TestProbeProxyBypass(t *testing.T) {
	p := loadPKI(t)
	addr := server{}.start(t)
	tp := (&testProxy{}).start(t)
	tg := target(addr, p.CARCA.Cert)
	tg.Proxy, _ = netproxy.Resolve(netproxy.Input{Flag: tp.url(), Getenv: func(k string) string {
		return map[string]string{"NO_PROXY": "127.0.0.1"}[k]
	}}, tg.Addr)
	r := Probe(t.Context(), tg, opts(clientCert(p.CARBank)))
	wantResult(t, r, "", "", "")
	s, _ := r.Step(StepProxy)
	if got := stepNames(r); got != "resolve proxy tcp tls client_certificate http" || s.Status != Skip || !strings.Contains(s.Message, "NO_PROXY") {
		t.Errorf("steps %q, proxy step %+v", got, s)
	}
	if tp.connects.Load() != 0 || r.Via() {
		t.Errorf("the proxy was used")
	}
}

func TestProbeTCPTimeoutHintNamesProxy(t *testing.T) {
	p := loadPKI(t)
	o := opts(clientCert(p.CARBank))
	o.Timeout = 300 * time.Millisecond
	o.Dialer = blockingDialer{}
	r := Probe(t.Context(), target("192.0.2.1:443", p.CARCA.Cert), o)
	wantResult(t, r, CodeTCPTimeout, StepTCP, "")
	if !strings.Contains(r.Err.Hint, "set HTTPS_PROXY or pass --proxy") {
		t.Errorf("hint %q", r.Err.Hint)
	}
}

// countingDialer counts the bytes read from its connections.
type countingDialer struct{ n atomic.Int64 }

func (d *countingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, n: &d.n}, nil
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.n.Add(int64(n))
	return n, err
}

// TestProbeHostileServer: a trusted server that answers with endless
// header fields, or an endless body, makes the probe read a bounded
// number of bytes; the connection is closed, not drained.
func TestProbeHostileServer(t *testing.T) {
	p := loadPKI(t)
	endless := func(first string, line string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Error("no hijacker")
				return
			}
			c, bw, _ := hj.Hijack()
			defer c.Close()
			bw.WriteString(first)
			for bw.Flush() == nil {
				for range 64 {
					bw.WriteString(line)
				}
			}
		})
	}
	tests := []struct {
		name    string
		h       http.Handler
		code    string
		maxRead int64
	}{
		{"header bomb", endless("HTTP/1.1 200 OK\r\n", "X-Bomb: "+strings.Repeat("a", 1000)+"\r\n"), CodeHTTP, MaxHTTPHeader + 32<<10},
		{"endless body", endless("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", strings.Repeat("b", 1000)), "", MaxHTTPHeader + 32<<10},
		{"endless chunked body", endless("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "3e8\r\n"+strings.Repeat("c", 1000)+"\r\n"), "", MaxHTTPHeader + 32<<10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := server{handler: tt.h}.start(t)
			o := opts(clientCert(p.CARBank))
			d := &countingDialer{}
			o.Dialer = d
			r := Probe(t.Context(), target(addr, p.CARCA.Cert), o)
			wantResult(t, r, tt.code, StepHTTP, "")
			t.Logf("read %d bytes", d.n.Load())
			if n := d.n.Load(); n > tt.maxRead {
				t.Errorf("read %d bytes, want at most %d", n, tt.maxRead)
			}
			if tt.code == "" && len(r.HTTPBody) != MaxHTTPBody {
				t.Errorf("body of %d bytes kept", len(r.HTTPBody))
			}
		})
	}
}

// TestProbeIPv6 connects to a server on [::1]; --ipv4 makes an IPv6-only
// name a dns failure, and a name with both families is narrowed.
func TestProbeIPv6(t *testing.T) {
	l, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skip("this machine has no ::1: ", err)
	}
	l.Close()
	p := loadPKI(t)
	addr := server{listen: "[::1]:0"}.start(t)
	_, port, _ := net.SplitHostPort(addr)
	t.Run("literal", func(t *testing.T) {
		o := opts(clientCert(p.CARBank))
		o.Family = IPv6
		r := Probe(t.Context(), target(addr, p.CARCA.Cert), o)
		wantResult(t, r, "", "", "")
		if r.RemoteAddr != addr {
			t.Errorf("remote %q", r.RemoteAddr)
		}
	})
	t.Run("literal under --ipv4", func(t *testing.T) {
		o := opts(clientCert(p.CARBank))
		o.Family = IPv4
		r := Probe(t.Context(), target(addr, p.CARCA.Cert), o)
		wantResult(t, r, CodeDNS, StepResolve, "")
		if !strings.Contains(r.Err.Hint, "--ipv4") {
			t.Errorf("hint %q", r.Err.Hint)
		}
	})
	t.Run("both families, --ipv6", func(t *testing.T) {
		o := opts(clientCert(p.CARBank))
		o.Family = IPv6
		o.Resolver = staticResolver{"localhost": {"127.0.0.1", "::1"}}
		r := Probe(t.Context(), target("localhost:"+port, p.CARCA.Cert), o)
		wantResult(t, r, "", "", "")
		s, _ := r.Step(StepResolve)
		if r.RemoteAddr != addr || !strings.Contains(s.Message, "127.0.0.1, ::1") || !strings.Contains(s.Message, "--ipv6: ::1") {
			t.Errorf("remote %q, resolve %q", r.RemoteAddr, s.Message)
		}
	})
	t.Run("both families, the one that listens is used", func(t *testing.T) {
		o := opts(clientCert(p.CARBank))
		o.Resolver = staticResolver{"localhost": {"127.0.0.1", "::1"}}
		r := Probe(t.Context(), target("localhost:"+port, p.CARCA.Cert), o)
		wantResult(t, r, "", "", "")
		s, _ := r.Step(StepTCP)
		if r.RemoteAddr != addr || !strings.Contains(s.Message, "connected to "+addr+" (of 2 addresses)") {
			t.Errorf("remote %q, tcp %q", r.RemoteAddr, s.Message)
		}
	})
	t.Run("IPv6 only, --ipv4", func(t *testing.T) {
		o := opts(clientCert(p.CARBank))
		o.Family = IPv4
		o.Resolver = staticResolver{"v6only.test": {"::1"}}
		r := Probe(t.Context(), target("v6only.test:"+port, p.CARCA.Cert), o)
		wantResult(t, r, CodeDNS, StepResolve, "")
		if !strings.Contains(r.Err.Message, "no IPv4") {
			t.Errorf("message %q", r.Err.Message)
		}
	})
	t.Run("through a proxy", func(t *testing.T) {
		tp := (&testProxy{}).start(t)
		r := Probe(t.Context(), viaProxy(target(addr, p.CARCA.Cert), tp.url(), nil), opts(clientCert(p.CARBank)))
		wantResult(t, r, "", "", "")
	})
}
