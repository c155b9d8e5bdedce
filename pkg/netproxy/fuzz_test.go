package netproxy

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// FuzzParse: any proxy setting parses to a URL without credentials, or to
// a SettingError that never repeats the input's password.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"http://proxy:3128", "proxy:3128", "socks5://[::1]:1080", "http://u:pw@p:1", "https://p",
		"http://p:1/path", "::::", "http://[::1", "HTTP://P", "socks5h://p"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := Parse(raw, SourceFlag)
		if err != nil {
			var se *SettingError
			if !errors.As(err, &se) || se.Hint == "" {
				t.Fatalf("error %v is not a SettingError with a hint", err)
			}
			if strings.Contains(raw, "@") && strings.Contains(err.Error(), raw) {
				t.Fatalf("error %q repeats the input", err)
			}
			return
		}
		if u.User != nil || (u.Scheme != "http" && u.Scheme != "socks5") || u.Host == "" {
			t.Fatalf("Parse(%q) = %v", raw, u)
		}
	})
}

// pipeDialer answers every dial with one end of a pipe whose other end
// writes answer, then closes.
type pipeDialer struct{ answer []byte }

func (d pipeDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, s := net.Pipe()
	go func() {
		defer s.Close()
		go io.Copy(io.Discard, s)
		s.Write(d.answer)
	}()
	return c, nil
}

// FuzzConnectAnswer: whatever a proxy answers to CONNECT, Dial returns a
// tunnel after a 2xx or a classified *Error, and reads at most
// MaxConnectHeader bytes.
func FuzzConnectAnswer(f *testing.F) {
	for _, s := range []string{"HTTP/1.1 200 Connection established\r\n\r\n", "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n",
		"HTTP/1.0 403 Forbidden\r\nContent-Length: 5\r\n\r\nnope!", "HTTP/1.1 200 OK\r\n\r\n\x16\x03\x01", "SSH-2.0-OpenSSH\r\n",
		"HTTP/1.1 401 Unauthorized\r\n\r\n", "HTTP/1.1 999 \u202eevil\r\n\r\n", ""} {
		f.Add([]byte(s))
	}
	c := &Choice{Source: SourceFlag, Proxy: "http://p:1"}
	c.URL, _ = Parse("http://p:1", SourceFlag)
	c.Auth = &Auth{User: "bob", Password: "s3cret"}
	f.Fuzz(func(t *testing.T, answer []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn, tun, err := Dial(ctx, pipeDialer{answer}, c, "tcp", "api.example:443")
		if err == nil {
			conn.Close()
			if !strings.HasPrefix(tun.Status, "2") {
				t.Fatalf("tunnel after %q", tun.Status)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) || e.Kind == "" {
			t.Fatalf("error %v is not classified", err)
		}
		if strings.Contains(err.Error(), "s3cret") || strings.ContainsAny(e.StatusText, "\r\n\u202e") {
			t.Fatalf("error %q leaks or is not sanitized", err)
		}
	})
}
