package verify

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/internal/testnet"
)

func TestProbeTCPRefused(t *testing.T) {
	p := loadPKI(t)
	r := Probe(t.Context(), target(freePort(t), p.CARCA.Cert), opts(clientCert(p.CARBank)))
	wantResult(t, r, CodeTCPRefused, StepTCP, "")
}

// TestProbeTCPTimeout: loopback cannot drop a SYN, so the dialer never
// connects instead.
func TestProbeTCPTimeout(t *testing.T) {
	p := loadPKI(t)
	o := opts(clientCert(p.CARBank))
	o.Timeout = 300 * time.Millisecond
	o.Dialer = blockingDialer{}
	r := Probe(t.Context(), target("192.0.2.1:443", p.CARCA.Cert), o)
	wantResult(t, r, CodeTCPTimeout, StepTCP, "")
	if !strings.Contains(r.Err.Hint, "allow-list") {
		t.Errorf("hint %q does not mention the allow-list", r.Err.Hint)
	}
}

// TestProbeTLSTimeout: a listener that accepts and never answers.
func TestProbeTLSTimeout(t *testing.T) {
	p := loadPKI(t)
	addr := testnet.SilentListener(t)
	o := opts(clientCert(p.CARBank))
	o.Timeout = 300 * time.Millisecond
	r := Probe(t.Context(), target(addr, p.CARCA.Cert), o)
	wantResult(t, r, CodeTLSTimeout, StepTLS, "")
	if r.LocalAddr == "" {
		t.Error("no local address although TCP connected")
	}
}

func TestProbeDNS(t *testing.T) {
	p := loadPKI(t)
	t.Run("injected resolver", func(t *testing.T) {
		o := opts(clientCert(p.CARBank))
		o.Resolver = failingResolver{}
		r := Probe(t.Context(), target("api.e-faktura.com:443", p.CARCA.Cert), o)
		wantResult(t, r, CodeDNS, StepResolve, "")
		if !strings.Contains(r.Err.Message, "api.e-faktura.com does not resolve") {
			t.Errorf("message %q", r.Err.Message)
		}
	})
	t.Run("name that cannot resolve", func(t *testing.T) {
		o := opts(clientCert(p.CARBank))
		o.Timeout = 5 * time.Second
		r := Probe(t.Context(), target("caronboard-test.invalid:443", p.CARCA.Cert), o) // RFC 2606
		wantResult(t, r, CodeDNS, StepResolve, "")
	})
	t.Run("not host:port", func(t *testing.T) {
		r := Probe(t.Context(), target("api.e-faktura.com", p.CARCA.Cert), opts(nil))
		wantResult(t, r, CodeDNS, StepResolve, "")
	})
	t.Run("resolved names are dialled", func(t *testing.T) {
		addr := server{}.start(t)
		_, port, _ := net.SplitHostPort(addr)
		o := opts(clientCert(p.CARBank))
		o.Resolver = staticResolver{"localhost": {"127.0.0.1"}}
		r := Probe(t.Context(), target("localhost:"+port, p.CARCA.Cert), o)
		wantResult(t, r, "", "", "")
		if s, _ := r.Step(StepResolve); s.Status != Pass || len(r.Addresses) != 1 {
			t.Errorf("resolve step %+v, addresses %q", s, r.Addresses)
		}
	})
}

type staticResolver map[string][]string

func (s staticResolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	return s[host], nil
}

// TestProbeHTTPGarbage: a TLS server that accepts the client certificate and
// answers something that is not HTTP.
func TestProbeHTTPGarbage(t *testing.T) {
	p := loadPKI(t)
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{serverCert(p)}})
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
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				io.WriteString(c, "garbage\r\n\r\n")
				io.Copy(io.Discard, c)
			}()
		}
	}()
	r := Probe(t.Context(), target(l.Addr().String(), p.CARCA.Cert), opts(nil))
	wantResult(t, r, CodeHTTP, StepHTTP, "")
	if !strings.Contains(r.Err.Message, "not HTTP") {
		t.Errorf("message %q", r.Err.Message)
	}
}

func TestProbeCanceled(t *testing.T) {
	p := loadPKI(t)
	ctx, cancel := context.WithCancel(t.Context())
	entered := make(chan struct{})
	o := opts(clientCert(p.CARBank))
	o.Dialer = blockingDialer{entered: entered}
	go func() { <-entered; cancel() }()
	r := Probe(ctx, target("192.0.2.1:443", p.CARCA.Cert), o)
	wantResult(t, r, CodeCanceled, StepTCP, "")
}

func TestProbeHTTPAnswers(t *testing.T) {
	p := loadPKI(t)
	bank := clientCert(p.CARBank)
	t.Run("Freja error body", func(t *testing.T) {
		var got *http.Request
		addr := server{handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = r
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"code":1100,"message":"Invalid or missing userInfoType."}`)
		})}.start(t)
		tg := target(addr, p.CARCA.Cert)
		tg.Request = ProbeRequest{Method: "POST", Path: "/authentication/1.0/initAuthentication",
			Header: map[string]string{"Content-Type": "application/json"}, Body: "initAuthRequest=e30="}
		r := Probe(t.Context(), tg, opts(bank))
		wantResult(t, r, "", "", "")
		if r.HTTPStatus != 400 || r.FrejaError == nil || *r.FrejaError != (FrejaError{1100, "Invalid or missing userInfoType."}) {
			t.Fatalf("status %d, Freja error %+v, body %q", r.HTTPStatus, r.FrejaError, r.HTTPBody)
		}
		if s, _ := r.Step(StepHTTP); s.Status != Pass || !strings.Contains(s.Message, "Freja error 1100") {
			t.Errorf("http step %+v", s)
		}
		if got.Method != "POST" || got.URL.Path != "/authentication/1.0/initAuthentication" || got.ContentLength != 20 ||
			got.Host != "localhost:"+addr[strings.LastIndex(addr, ":")+1:] || !got.Close {
			t.Errorf("request %s %s, length %d, host %q, close %v", got.Method, got.URL, got.ContentLength, got.Host, got.Close)
		}
	})
	t.Run("not a Freja body", func(t *testing.T) {
		addr := server{handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, strings.Repeat("x", 5000), http.StatusNotFound)
		})}.start(t)
		r := Probe(t.Context(), target(addr, p.CARCA.Cert), opts(bank))
		wantResult(t, r, "", "", "")
		if r.HTTPStatus != 404 || r.FrejaError != nil || len(r.HTTPBody) != MaxHTTPBody {
			t.Errorf("status %d, Freja error %+v, body of %d bytes", r.HTTPStatus, r.FrejaError, len(r.HTTPBody))
		}
	})
	t.Run("client certificate optional, none given", func(t *testing.T) {
		addr := server{clientAuth: tls.VerifyClientCertIfGiven}.start(t)
		r := Probe(t.Context(), target(addr, p.CARCA.Cert), opts(nil))
		wantResult(t, r, "", "", "")
		if s, _ := r.Step(StepClientCertificate); s.Status != Warn || !r.ClientCertRequested {
			t.Errorf("client_certificate step %+v", s)
		}
	})
	t.Run("client certificate not requested", func(t *testing.T) {
		addr := server{noClientAuth: true}.start(t)
		r := Probe(t.Context(), target(addr, p.CARCA.Cert), opts(bank))
		wantResult(t, r, "", "", "")
		if s, _ := r.Step(StepClientCertificate); s.Status != Warn || r.ClientCertRequested || len(r.Warnings) != 1 {
			t.Errorf("client_certificate step %+v, warnings %q", s, r.Warnings)
		}
	})
}

func TestProbeResultJSON(t *testing.T) {
	p := loadPKI(t)
	r := Probe(t.Context(), target(freePort(t), p.CARCA.Cert), opts(clientCert(p.CARBank)))
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"error":{"code":"tcp_refused","message":"`, `"hint":"`, `"step":"tcp"`,
		`"steps":[{"name":"resolve","status":"skip","duration_ns":0,`, `"elapsed_ns":`} {
		if !strings.Contains(string(out), s) {
			t.Errorf("JSON %s lacks %s", out, s)
		}
	}
}
