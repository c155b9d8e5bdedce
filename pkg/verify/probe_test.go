package verify

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/internal/testpki"
	"github.com/caronboard/caronboard/pkg/csr"
)

var versions = []struct {
	name string
	v    uint16
}{{"TLS 1.2", tls.VersionTLS12}, {"TLS 1.3", tls.VersionTLS13}}

func TestProbeSuccess(t *testing.T) {
	p := loadPKI(t)
	carCA := csr.FormatName(p.CARCA.Cert.RawSubject)
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			addr := server{maxVersion: v.v}.start(t)
			r := Probe(t.Context(), target(addr, p.CARCA.Cert), opts(clientCert(p.CARBank)))
			wantResult(t, r, "", "", "")
			if got := stepNames(r); got != "resolve tcp tls client_certificate http" {
				t.Errorf("steps %q", got)
			}
			for _, s := range r.Steps[1:] {
				if s.Status != Pass {
					t.Errorf("step %s: %s %q", s.Name, s.Status, s.Message)
				}
			}
			if r.TLSVersion != v.name || r.CipherSuite == "" {
				t.Errorf("version %q, cipher %q", r.TLSVersion, r.CipherSuite)
			}
			if r.HTTPStatus != http.StatusOK || r.HTTPBody != "hello BANK01" {
				t.Errorf("HTTP %d %q", r.HTTPStatus, r.HTTPBody)
			}
			if !r.ClientCertRequested || !r.ClientCertSent || !slices.Equal(r.AcceptableCAs, []string{carCA}) {
				t.Errorf("requested %v, sent %v, CAs %q; want %q", r.ClientCertRequested, r.ClientCertSent, r.AcceptableCAs, carCA)
			}
			if m := r.ClientCertMatchesCAs; m == nil || !*m {
				t.Errorf("ClientCertMatchesCAs = %v, want true", m)
			}
			if len(r.ServerChain) != 2 || !strings.HasSuffix(r.ServerChain[0], "CN=localhost") || r.ServerChain[1] != carCA {
				t.Errorf("server chain %q", r.ServerChain)
			}
			if r.SourceIP() != "127.0.0.1" || r.RemoteAddr != addr || len(r.Warnings) > 0 {
				t.Errorf("source %q, remote %q, warnings %q", r.LocalAddr, r.RemoteAddr, r.Warnings)
			}
		})
	}
}

// TestProbeClientCertificate covers what servers do with the client
// certificate, over both versions. Under TLS 1.3 the server judges it
// after the handshake, so the verdict shows at the first read (http).
func TestProbeClientCertificate(t *testing.T) {
	p := loadPKI(t)
	frejaCAs := []*x509.Certificate{p.FrejaRoot.Cert}
	rejectAll := func([][]byte, [][]*x509.Certificate) error { return errors.New("not on the list") }
	tests := []struct {
		name   string
		srv    server
		client *tls.Certificate
		code   string
		alert  [2]string // under TLS 1.2, TLS 1.3
	}{
		{"another CA", server{}, clientCert(p.RP, p.FrejaIssuing), CodeClientCertRejected, [2]string{"unknown_ca", "unknown_ca"}},
		{"none", server{}, nil, CodeClientCertMissing, [2]string{"handshake_failure", "certificate_required"}},
		// Go's server sends certificate_expired for an expired client
		// certificate, in both versions.
		{"expired", server{clientCAs: frejaCAs}, clientCert(p.RPExpired, p.FrejaIssuing), CodeClientCertExpired,
			[2]string{"certificate_expired", "certificate_expired"}},
		// A server that says only bad_certificate: the preflight knows the
		// certificate is expired.
		{"expired, server says bad_certificate", server{clientAuth: tls.RequireAnyClientCert, verify: rejectAll},
			clientCert(p.RPExpired, p.FrejaIssuing), CodeClientCertExpired, [2]string{"bad_certificate", "bad_certificate"}},
		// The server's clock is past the certificate's end; ours is not.
		{"expired by the server's clock", server{now: func() time.Time { return testpki.ValidUntil.Add(time.Hour) }},
			clientCert(p.CARBank), CodeClientCertExpired, [2]string{"certificate_expired", "certificate_expired"}},
		{"refused by the application", server{clientAuth: tls.RequireAnyClientCert, verify: rejectAll},
			clientCert(p.CARBank), CodeClientCertRejected, [2]string{"bad_certificate", "bad_certificate"}},
	}
	for _, tt := range tests {
		for i, v := range versions {
			t.Run(tt.name+"/"+v.name, func(t *testing.T) {
				srv := tt.srv
				srv.maxVersion = v.v
				addr := srv.start(t)
				r := Probe(t.Context(), target(addr, p.CARCA.Cert), opts(tt.client))
				step := StepTLS
				if v.v == tls.VersionTLS13 {
					step = StepHTTP // the post-handshake rejection
				}
				wantResult(t, r, tt.code, step, tt.alert[i])
				if s, ok := r.Step(StepClientCertificate); !ok || s.Status != Fail {
					t.Errorf("client_certificate step %+v, want it failed", s)
				}
				if v.v == tls.VersionTLS13 && r.TLSVersion != "TLS 1.3" {
					t.Errorf("TLS version %q", r.TLSVersion)
				}
				if tt.client == nil && r.ClientCertSent {
					t.Error("a certificate was sent")
				}
			})
		}
	}
}

func TestProbeRejectedNamesTheCAs(t *testing.T) {
	p := loadPKI(t)
	addr := server{maxVersion: tls.VersionTLS13}.start(t)
	r := Probe(t.Context(), target(addr, p.CARCA.Cert), opts(clientCert(p.RP, p.FrejaIssuing)))
	wantResult(t, r, CodeClientCertRejected, StepHTTP, "unknown_ca")
	if m := r.ClientCertMatchesCAs; m == nil || *m {
		t.Errorf("ClientCertMatchesCAs = %v, want false", m)
	}
	for _, s := range []string{"CN=Document signing service", "CN=Test Freja Issuing CA", "after the handshake"} {
		if !strings.Contains(r.Err.Message, s) {
			t.Errorf("message %q lacks %q", r.Err.Message, s)
		}
	}
	if !strings.Contains(r.Err.Hint, "CN=Test CAR CA") {
		t.Errorf("hint %q does not name the CA the server accepts", r.Err.Hint)
	}
	if len(r.Warnings) == 0 {
		t.Error("no warning that the certificate does not chain to a listed CA")
	}
}

func TestProbeServer(t *testing.T) {
	p := loadPKI(t)
	bank := clientCert(p.CARBank)
	t.Run("untrusted CA", func(t *testing.T) {
		addr := server{}.start(t)
		r := Probe(t.Context(), target(addr, p.FrejaRoot.Cert), opts(bank))
		wantResult(t, r, CodeServerUntrusted, StepTLS, "")
		for _, s := range []string{"ends at CN=Test CAR CA", "trusted for test (CN=Test Freja Root CA)"} {
			if !strings.Contains(r.Err.Message, s) {
				t.Errorf("message %q lacks %q", r.Err.Message, s)
			}
		}
		var ua x509.UnknownAuthorityError
		if !errors.As(r.Err, &ua) {
			t.Errorf("error %v does not wrap x509.UnknownAuthorityError", r.Err.Err)
		}
	})
	t.Run("no CA", func(t *testing.T) {
		addr := server{}.start(t)
		r := Probe(t.Context(), target(addr), opts(bank))
		wantResult(t, r, CodeServerUntrusted, StepTLS, "")
		if !strings.Contains(r.Err.Hint, "--ca") {
			t.Errorf("hint %q", r.Err.Hint)
		}
	})
	t.Run("wrong name", func(t *testing.T) {
		addr := server{}.start(t)
		tg := target(addr, p.CARCA.Cert)
		tg.ServerName = "api.e-faktura.com"
		r := Probe(t.Context(), tg, opts(bank))
		wantResult(t, r, CodeServerUntrusted, StepTLS, "")
		if !strings.Contains(r.Err.Message, "localhost, 127.0.0.1, ::1, not api.e-faktura.com") {
			t.Errorf("message %q", r.Err.Message)
		}
	})
	t.Run("TLS 1.1 only", func(t *testing.T) {
		addr := server{minVersion: tls.VersionTLS10, maxVersion: tls.VersionTLS11}.start(t)
		r := Probe(t.Context(), target(addr, p.CARCA.Cert), opts(bank))
		wantResult(t, r, CodeTLSProtocol, StepTLS, "protocol_version")
	})
	t.Run("plain HTTP", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		t.Cleanup(srv.Close)
		r := Probe(t.Context(), target(srv.Listener.Addr().String(), p.CARCA.Cert), opts(bank))
		wantResult(t, r, CodeTLSProtocol, StepTLS, "")
		if !strings.Contains(r.Err.Message, "does not speak TLS") {
			t.Errorf("message %q", r.Err.Message)
		}
	})
	t.Run("closes during the handshake", func(t *testing.T) {
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
				c.Read(make([]byte, 5)) // the start of the ClientHello
				c.Close()
			}
		}()
		r := Probe(t.Context(), target(l.Addr().String(), p.CARCA.Cert), opts(bank))
		wantResult(t, r, CodeTLSProtocol, StepTLS, "")
		if !strings.Contains(r.Err.Message, "closed the connection during the TLS handshake") {
			t.Errorf("message %q", r.Err.Message)
		}
	})
	t.Run("server name defaults to the host", func(t *testing.T) {
		addr := server{}.start(t)
		tg := target(addr, p.CARCA.Cert)
		tg.ServerName = "" // 127.0.0.1, in the certificate's IP SANs
		wantResult(t, Probe(t.Context(), tg, opts(bank)), "", "", "")
	})
}
