package sandbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func getProbe(t *testing.T, c *http.Client, srv *Server) ProbeResponse {
	t.Helper()
	resp, err := c.Get(srv.URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var p ProbeResponse
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProbe(t *testing.T) {
	srv := startServer(t, 0)
	cert := clientCert(t)
	p := getProbe(t, client(t, cert), srv)
	if p.Status != "ok" || p.Service != ServiceName {
		t.Errorf("status %q service %q", p.Status, p.Service)
	}
	if p.Client.Subject != "C=SE, O=E-fakturabolaget, OU=bank, CN=BANK01" {
		t.Errorf("client subject %q", p.Client.Subject)
	}
	if p.Client.Issuer != "C=SE, O=caronboard sandbox, CN=caronboard sandbox CA" {
		t.Errorf("client issuer %q", p.Client.Issuer)
	}
	if !strings.EqualFold(p.Client.Serial, cert.Leaf.SerialNumber.Text(16)) || !p.Client.NotAfter.Equal(cert.Leaf.NotAfter) {
		t.Errorf("serial %s not after %v", p.Client.Serial, p.Client.NotAfter)
	}
	if p.TLS.Version != "TLS 1.3" || p.TLS.CipherSuite == "" {
		t.Errorf("tls %+v", p.TLS)
	}
}

func TestProbeTLS12(t *testing.T) {
	srv := startServer(t, tls.VersionTLS12)
	p := getProbe(t, client(t, clientCert(t)), srv)
	if p.TLS.Version != "TLS 1.2" || !strings.HasPrefix(p.TLS.CipherSuite, "TLS_ECDHE_RSA_") {
		t.Errorf("tls %+v", p.TLS)
	}
}

func TestRefusesClients(t *testing.T) {
	srv := startServer(t, 0)
	for _, tc := range []struct {
		name  string
		certs []tls.Certificate
	}{
		{"no client certificate", nil},
		{"certificate from another CA", []tls.Certificate{foreignClientCert(t)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := client(t, tc.certs...).Get(srv.URL() + "/")
			if err == nil {
				resp.Body.Close()
				t.Fatalf("got HTTP %d, want the handshake or first read to fail", resp.StatusCode)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	srv := startServer(t, 0)
	c := client(t, clientCert(t))
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/nothing/here", http.StatusNotFound},
		{http.MethodGet, PathAuthGetOneResult, http.StatusMethodNotAllowed},
		{http.MethodPost, "/", http.StatusMethodNotAllowed},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL()+tc.path, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var fe FrejaError
		err = json.NewDecoder(resp.Body).Decode(&fe)
		resp.Body.Close()
		if resp.StatusCode != tc.status || err != nil || fe.Code != CodeNotAllowed || fe.Message == "" {
			t.Errorf("%s %s: HTTP %d, body %+v (%v)", tc.method, tc.path, resp.StatusCode, fe, err)
		}
	}
}

func TestServeStopsGracefully(t *testing.T) {
	srv, err := sb.NewServer("127.0.0.1:0", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	getProbe(t, client(t, clientCert(t)), srv)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if err := srv.Serve(context.Background()); err == nil {
		t.Error("second Serve: want an error")
	}
}

func TestNewServerRefuses(t *testing.T) {
	if _, err := sb.NewServer("0.0.0.0:0", 0, nil); !errors.Is(err, ErrNotLoopback) {
		t.Errorf("0.0.0.0: %v", err)
	}
	const ssl30 = 0x0300 // tls.VersionSSL30, deprecated: the server must refuse it
	if _, err := sb.NewServer("127.0.0.1:0", ssl30, nil); err == nil {
		t.Error("SSL 3.0: want an error")
	}
	srv, err := sb.NewServer("localhost:0", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Error(err)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLog(t *testing.T) {
	srv, err := sb.NewServer("127.0.0.1:0", 0, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	srv.Log = &log
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	c := client(t, clientCert(t))
	getProbe(t, c, srv)
	raw, _ := authenticate(t, c, srv)
	if resp, err := client(t).Get(srv.URL() + "/"); err == nil {
		resp.Body.Close()
	}
	// the server logs a failed handshake just after the client sees it fail
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(log.String(), "TLS handshake error") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	c.Transport.(*http.Transport).CloseIdleConnections()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out := log.String()
	stamp := fixedNow().UTC().Format(time.RFC3339)
	for _, want := range []string{
		stamp + ` GET / 200 client="C=SE, O=E-fakturabolaget, OU=bank, CN=BANK01"`,
		stamp + " POST " + PathInitAuthentication + " 200 ",
		stamp + " POST " + PathAuthGetOneResult + " 200 ",
		"TLS handshake error",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	var res Result
	_ = json.Unmarshal(raw, &res)
	for _, secret := range []string{res.AuthRef, res.Details, "getOneAuthResultRequest"} {
		if secret != "" && strings.Contains(out, secret) {
			t.Errorf("log holds %q", secret)
		}
	}
}

func TestTLS11Only(t *testing.T) {
	srv := startServer(t, tls.VersionTLS11)
	if resp, err := client(t, clientCert(t)).Get(srv.URL() + "/"); err == nil {
		resp.Body.Close()
		t.Fatal("a TLS 1.2+ client connected to a TLS 1.1 server")
	}
	cfg := sb.ClientTLSConfig(clientCert(t))
	cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS11, tls.VersionTLS11
	tr := &http.Transport{TLSClientConfig: cfg}
	defer tr.CloseIdleConnections()
	p := getProbe(t, &http.Client{Transport: tr}, srv)
	if p.TLS.Version != "TLS 1.1" {
		t.Errorf("tls %+v", p.TLS)
	}
}
