package verify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/internal/testpki"
)

// server describes a test HTTPS server on loopback. The zero value
// requires and verifies a client certificate from the test CAR CA, over
// TLS 1.2 and 1.3.
type server struct {
	minVersion, maxVersion uint16
	clientAuth             tls.ClientAuthType // zero: RequireAndVerifyClientCert
	noClientAuth           bool               // NoClientCert (zero value of ClientAuthType is taken)
	clientCAs              []*x509.Certificate
	verify                 func([][]byte, [][]*x509.Certificate) error
	now                    func() time.Time // the server's clock
	handler                http.Handler
	listen                 string // "" is 127.0.0.1:0
}

// start starts the server and returns its address; it stops with the test.
func (s server) start(t testing.TB) string {
	t.Helper()
	p := loadPKI(t)
	h := s.handler
	if h == nil {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			who := "nobody"
			if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
				who = r.TLS.PeerCertificates[0].Subject.CommonName
			}
			io.WriteString(w, "hello "+who)
		})
	}
	cas := s.clientCAs
	if cas == nil {
		cas = []*x509.Certificate{p.CARCA.Cert}
	}
	pool := x509.NewCertPool()
	for _, c := range cas {
		pool.AddCert(c)
	}
	auth := s.clientAuth
	if auth == 0 {
		auth = tls.RequireAndVerifyClientCert
	}
	if s.noClientAuth {
		auth = tls.NoClientCert
	}
	srv := httptest.NewUnstartedServer(h)
	if s.listen != "" {
		srv.Listener.Close()
		l, err := net.Listen("tcp", s.listen)
		if err != nil {
			t.Fatal(err)
		}
		srv.Listener = l
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{
		Certificates:          []tls.Certificate{serverCert(p)},
		ClientAuth:            auth,
		ClientCAs:             pool,
		MinVersion:            s.minVersion,
		MaxVersion:            s.maxVersion,
		VerifyPeerCertificate: s.verify,
		Time:                  s.now,
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

func serverCert(p *testpki.PKI) tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{p.Server.Cert.Raw}, PrivateKey: p.Server.Key, Leaf: p.Server.Cert}
}

// clientCert makes a client credential: the certificate, then the CA
// certificates sent with it.
func clientCert(c *testpki.Cert, chain ...*testpki.Cert) *tls.Certificate {
	tc := &tls.Certificate{Certificate: [][]byte{c.Cert.Raw}, PrivateKey: c.Key, Leaf: c.Cert}
	for _, ca := range chain {
		tc.Certificate = append(tc.Certificate, ca.Cert.Raw)
	}
	return tc
}

// opts are the probe options of the tests: a fixed clock and a budget
// generous enough for a loaded CI machine.
func opts(client *tls.Certificate) ProbeOptions {
	return ProbeOptions{Client: client, Timeout: 20 * time.Second, Now: func() time.Time { return testpki.At }}
}

// target points at a local server, trusting roots.
func target(addr string, roots ...*x509.Certificate) Target {
	return Target{Name: "test", Addr: addr, ServerName: "localhost", Roots: roots}
}

// wantResult checks a probe's outcome: the error code ("" for success),
// the step it showed at, and the alert.
func wantResult(t *testing.T, r *ProbeResult, code, step, alert string) {
	t.Helper()
	if code == "" {
		if r.Err != nil {
			t.Fatalf("probe failed: %s: %s (hint %q, err %v); steps %+v", r.Err.Code, r.Err.Message, r.Err.Hint, r.Err.Err, r.Steps)
		}
		return
	}
	if r.Err == nil {
		t.Fatalf("probe succeeded, want %s; steps %+v", code, r.Steps)
	}
	e := r.Err
	if e.Code != code || e.Step != step || e.Alert != alert {
		t.Fatalf("error %s at %s (alert %q): %s (err %v); want %s at %s (alert %q)",
			e.Code, e.Step, e.Alert, e.Message, e.Err, code, step, alert)
	}
	if e.Message == "" || e.Hint == "" {
		t.Errorf("error without message or hint: %+v", e)
	}
	if s, ok := r.Step(step); !ok || s.Status != Fail {
		t.Errorf("step %s: %+v, want it failed", step, s)
	}
}

// stepNames lists the names of a result's steps.
func stepNames(r *ProbeResult) string {
	var names []string
	for _, s := range r.Steps {
		names = append(names, s.Name)
	}
	return strings.Join(names, " ")
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).AddrPort().String()
}

// blockingDialer never connects: it waits until the context is done.
type blockingDialer struct{ entered chan struct{} }

func (d blockingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.entered != nil {
		close(d.entered)
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

// failingResolver answers every lookup with "no such host".
type failingResolver struct{}

func (failingResolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}
