package sandbox

import (
	"context"
	"crypto/rsa"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// shutdownTimeout bounds how long Serve waits for requests in flight.
const shutdownTimeout = 5 * time.Second

// ServerTLSConfig returns the server side of the sandbox's mutual TLS: the
// server certificate, a client certificate required and verified against
// the sandbox CA (with clientAuth), TLS 1.2 at least and maxVersion at most
// (0 means TLS 1.3). A maxVersion of TLS 1.0 or 1.1 makes a server that
// offers only that version, to rehearse a client's refusal of old TLS.
func (s *Sandbox) ServerTLSConfig(maxVersion uint16) (*tls.Config, error) {
	minVersion := uint16(tls.VersionTLS12)
	switch maxVersion {
	case 0:
		maxVersion = tls.VersionTLS13
	case tls.VersionTLS12, tls.VersionTLS13:
	case tls.VersionTLS10, tls.VersionTLS11:
		minVersion = maxVersion
	default:
		return nil, fmt.Errorf("unknown TLS version %#04x", maxVersion)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{{
			Certificate: [][]byte{s.Server.Raw},
			PrivateKey:  s.serverKey,
			Leaf:        s.Server,
		}},
		ClientAuth: tls.RequireAndVerifyClientCert,
		ClientCAs:  s.CAPool(),
		MinVersion: minVersion,
		MaxVersion: maxVersion,
	}, nil
}

// ClientTLSConfig returns what a client of the sandbox server needs: the
// sandbox CA as the only trusted root, and the given client certificates.
func (s *Sandbox) ClientTLSConfig(certs ...tls.Certificate) *tls.Config {
	return &tls.Config{RootCAs: s.CAPool(), Certificates: certs, MinVersion: tls.VersionTLS12}
}

// Server is the sandbox's mTLS API server.
type Server struct {
	// Log, when not nil, gets one line per request (time, method, path,
	// status, client subject) and per failed TLS handshake; never bodies,
	// references or tokens. Set it before Serve. Lines are written whole,
	// one at a time.
	Log io.Writer

	sb      *Sandbox
	ln      net.Listener
	tls     *tls.Config
	now     func() time.Time
	freja   *store
	routes  map[string]route
	logMu   sync.Mutex
	mu      sync.Mutex
	started bool

	// the test user's signing key for signature results, made on first use
	userOnce   sync.Once
	userSigner *rsa.PrivateKey
	userKid    string
	userErr    error
}

// NewServer listens on addr (a loopback address, e.g. "127.0.0.1:8443";
// port 0 picks a free one) so that Addr is known before Serve. maxVersion
// is as for ServerTLSConfig. now is the server's clock for result
// timestamps and log lines (nil means time.Now). An address that is not
// loopback gives an error wrapping ErrNotLoopback. Call Serve, or Close to
// release the port without serving.
func (s *Sandbox) NewServer(addr string, maxVersion uint16, now func() time.Time) (*Server, error) {
	if err := checkLoopback(addr); err != nil {
		return nil, err
	}
	cfg, err := s.ServerTLSConfig(maxVersion)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox server: %w", err)
	}
	if now == nil {
		now = time.Now
	}
	cfg.Time = now // client certificates are judged by the server's clock
	srv := &Server{sb: s, ln: ln, tls: cfg, now: now, freja: newStore()}
	srv.routes = srv.makeRoutes()
	return srv, nil
}

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("sandbox server address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%w: the sandbox server listens only on loopback (127.0.0.1, ::1 or localhost), not %q", ErrNotLoopback, addr)
}

// Addr returns the address the server listens on, e.g. "127.0.0.1:41234".
func (srv *Server) Addr() string { return srv.ln.Addr().String() }

// URL returns the server's base URL, e.g. "https://127.0.0.1:41234".
func (srv *Server) URL() string { return "https://" + srv.Addr() }

// Close releases the listener of a server that was never served.
func (srv *Server) Close() error {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.started {
		return errors.New("sandbox server: Close after Serve; cancel Serve's context instead")
	}
	srv.started = true
	return srv.ln.Close()
}

// Serve answers requests until ctx is done, then shuts down gracefully
// (requests in flight get up to 5 seconds) and returns nil. It returns an
// error if the server fails, or if Serve or Close was already called.
func (srv *Server) Serve(ctx context.Context) error {
	srv.mu.Lock()
	if srv.started {
		srv.mu.Unlock()
		return errors.New("sandbox server: Serve called twice")
	}
	srv.started = true
	srv.mu.Unlock()

	hs := &http.Server{
		Handler:           srv,
		TLSConfig:         srv.tls,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       time.Minute,
		ErrorLog:          log.New(srv.errorLog(), "", 0),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.ServeTLS(srv.ln, "", "") }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("sandbox server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	<-errc
	if err != nil {
		_ = hs.Close()
		return fmt.Errorf("sandbox server: stopping: %w", err)
	}
	return nil
}

// errorLog is where net/http's own messages (TLS handshake failures) go.
func (srv *Server) errorLog() io.Writer {
	if srv.Log == nil {
		return io.Discard
	}
	return writerFunc(func(p []byte) (int, error) {
		srv.logLine("%s %s", srv.stamp(), clean(string(p), 300))
		return len(p), nil
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
