package netproxy

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// listen serves each connection with serve on a loopback port until the
// test ends.
func listen(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); serve(c) }()
		}
	}()
	return l.Addr().String()
}

// echo answers "hello" and echoes a line.
func echo(c net.Conn) {
	io.WriteString(c, "hello\n")
	line, _ := bufio.NewReader(c).ReadString('\n')
	io.WriteString(c, line)
}

// socks5 is a minimal RFC 1928 server (CONNECT only), with RFC 1929
// username/password when user is set.
func socks5(user, password string) func(net.Conn) {
	return func(c net.Conn) {
		br := bufio.NewReader(c)
		head := make([]byte, 2)
		if _, err := io.ReadFull(br, head); err != nil || head[0] != 5 {
			return
		}
		methods := make([]byte, head[1])
		io.ReadFull(br, methods)
		if user == "" {
			c.Write([]byte{5, 0})
		} else {
			c.Write([]byte{5, 2})
			b := make([]byte, 2)
			io.ReadFull(br, b)
			u := make([]byte, b[1])
			io.ReadFull(br, u)
			pl, _ := br.ReadByte()
			p := make([]byte, pl)
			io.ReadFull(br, p)
			if string(u) != user || string(p) != password {
				c.Write([]byte{1, 1})
				return
			}
			c.Write([]byte{1, 0})
		}
		req := make([]byte, 4)
		io.ReadFull(br, req)
		var host string
		switch req[3] {
		case 1:
			ip := make([]byte, 4)
			io.ReadFull(br, ip)
			host = net.IP(ip).String()
		case 3:
			n, _ := br.ReadByte()
			h := make([]byte, n)
			io.ReadFull(br, h)
			host = string(h)
		default:
			return
		}
		pb := make([]byte, 2)
		io.ReadFull(br, pb)
		up, err := net.Dial("tcp", net.JoinHostPort(host, itoa(binary.BigEndian.Uint16(pb))))
		if err != nil {
			c.Write([]byte{5, 5, 0, 1, 0, 0, 0, 0, 0, 0}) // connection refused
			return
		}
		defer up.Close()
		c.Write([]byte{5, 0, 0, 1, 127, 0, 0, 1, 0, 0})
		go io.Copy(up, br)
		io.Copy(c, up)
	}
}

func itoa(p uint16) string { return strconv.Itoa(int(p)) }

func choice(t *testing.T, raw string, auth *Auth) *Choice {
	t.Helper()
	c, err := Resolve(Input{Flag: raw, Auth: auth}, "x:1")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func roundTrip(t *testing.T, conn net.Conn) {
	t.Helper()
	defer conn.Close()
	br := bufio.NewReader(conn)
	if l, _ := br.ReadString('\n'); l != "hello\n" {
		t.Fatalf("greeting %q", l)
	}
	io.WriteString(conn, "ping\n")
	if l, _ := br.ReadString('\n'); l != "ping\n" {
		t.Fatalf("echo %q", l)
	}
}

func TestDialSOCKS5(t *testing.T) {
	dest := listen(t, echo)
	open := "socks5://" + listen(t, socks5("", ""))
	authed := "socks5://" + listen(t, socks5("bob", "s3cret"))
	t.Run("open", func(t *testing.T) {
		conn, tun, err := Dial(t.Context(), nil, choice(t, open, nil), "tcp", dest)
		if err != nil {
			t.Fatal(err)
		}
		if tun.Status != "granted" || tun.ProxyAddr == "" {
			t.Errorf("tunnel %+v", tun)
		}
		roundTrip(t, conn)
	})
	t.Run("username and password", func(t *testing.T) {
		conn, _, err := Dial(t.Context(), nil, choice(t, authed, &Auth{User: "bob", Password: "s3cret"}), "tcp", dest)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, conn)
	})
	for _, tt := range []struct {
		name, proxy string
		auth        *Auth
		dest, kind  string
	}{
		{"wrong password", authed, &Auth{User: "bob", Password: "wr0ng"}, dest, KindAuthRequired},
		{"destination refused", open, nil, "127.0.0.1:1", KindDenied},
		{"nothing listens", "socks5://" + closedPort(t), nil, dest, KindRefused},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Dial(t.Context(), nil, choice(t, tt.proxy, tt.auth), "tcp", tt.dest)
			var e *Error
			if !errors.As(err, &e) || e.Kind != tt.kind {
				t.Fatalf("error %v, want kind %s", err, tt.kind)
			}
			if strings.Contains(err.Error(), "wr0ng") || strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

// TestDialCONNECT: bytes the proxy sends right after its answer belong to
// the tunnel; an endless answer is cut at MaxConnectHeader.
func TestDialCONNECT(t *testing.T) {
	t.Run("data after the answer", func(t *testing.T) {
		proxy := listen(t, func(c net.Conn) {
			bufio.NewReader(c).ReadString('\n')
			io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\nhello\n")
			line, _ := bufio.NewReader(c).ReadString('\n')
			io.WriteString(c, line)
		})
		conn, tun, err := Dial(t.Context(), nil, choice(t, "http://"+proxy, nil), "tcp", "api.example:443")
		if err != nil {
			t.Fatal(err)
		}
		if tun.Status != "200 Connection established" {
			t.Errorf("status %q", tun.Status)
		}
		roundTrip(t, conn)
	})
	t.Run("endless header", func(t *testing.T) {
		var sent atomic.Int64
		proxy := listen(t, func(c net.Conn) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\n")
			line := []byte("X-Bomb: " + strings.Repeat("a", 1000) + "\r\n")
			for {
				n, err := c.Write(line)
				sent.Add(int64(n))
				if err != nil {
					return
				}
			}
		})
		d := &countingDialer{}
		_, _, err := Dial(context.Background(), d, choice(t, "http://"+proxy, nil), "tcp", "api.example:443")
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindProtocol || !strings.Contains(err.Error(), "exceeds 64 KiB") {
			t.Fatalf("error %v", err)
		}
		if n := d.n.Load(); n > MaxConnectHeader+8<<10 {
			t.Errorf("read %d bytes", n)
		}
	})
}

func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

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
