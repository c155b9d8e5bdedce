package verify

// An independent peer: openssl s_server, requiring a client certificate
// (-Verify 1 -verify_return_error), over TLS 1.2 and TLS 1.3.

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
)

// opensslPath returns the path of openssl, failing in CI and skipping
// elsewhere when it is missing.
func opensslPath(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("openssl is not on PATH; CI must install it: %v", err)
		}
		t.Skip("openssl is not on PATH; install OpenSSL 3 to run the probe's interop tests")
	}
	return path
}

// startSServer runs openssl s_server on a free loopback port with the test
// server certificate, trusting caFile (in testdata/pki) for client
// certificates, and returns its address once it accepts connections. It is
// killed when the test ends.
func startSServer(t *testing.T, version, caFile string) string {
	t.Helper()
	bin := opensslPath(t)
	dir, err := filepath.Abs("../../testdata/pki")
	if err != nil {
		t.Fatal(err)
	}
	// The port is free when picked but may be taken before openssl binds
	// it; then openssl exits and another port is tried.
	for range 3 {
		addr := freePort(t)
		cmd := exec.Command(bin, "s_server", "-accept", addr,
			"-cert", filepath.Join(dir, "server.pem"), "-key", filepath.Join(dir, "server.key.pem"),
			"-CAfile", filepath.Join(dir, caFile), "-Verify", "1", "-verify_return_error", "-www", version)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		if waitAccepting(addr, exited) {
			t.Cleanup(func() {
				cmd.Process.Kill()
				<-exited
				if t.Failed() {
					t.Logf("openssl s_server %s output:\n%s", version, out.String())
				}
			})
			return addr
		}
		cmd.Process.Kill()
		<-exited
		t.Logf("openssl s_server did not start on %s:\n%s", addr, out.String())
	}
	t.Fatal("openssl s_server did not start")
	return ""
}

// waitAccepting polls addr until it accepts a connection (true), the
// process exits or about ten seconds pass (false).
func waitAccepting(addr string, exited <-chan struct{}) bool {
	const interval = 20 * time.Millisecond
	for range 500 {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return true
		}
		select {
		case <-exited:
			return false
		case <-time.After(interval):
		}
	}
	return false
}

func TestProbeOpenSSL(t *testing.T) {
	p := loadPKI(t)
	carCA := csr.FormatName(p.CARCA.Cert.RawSubject)
	for _, v := range []struct {
		flag, name string
		step       string // where the verdict on the client certificate shows
		missing    string // the alert for no certificate
	}{
		{"-tls1_2", "TLS 1.2", StepTLS, "handshake_failure"},
		{"-tls1_3", "TLS 1.3", StepHTTP, "certificate_required"},
	} {
		t.Run(v.name, func(t *testing.T) {
			addr := startSServer(t, v.flag, "car-ca.pem")
			tg := target(addr, p.CARCA.Cert)
			t.Run("accepted", func(t *testing.T) {
				r := Probe(t.Context(), tg, opts(clientCert(p.CARBank)))
				wantResult(t, r, "", "", "")
				if r.TLSVersion != v.name || r.HTTPStatus != 200 {
					t.Errorf("version %q, HTTP %d", r.TLSVersion, r.HTTPStatus)
				}
				if !slices.Equal(r.AcceptableCAs, []string{carCA}) {
					t.Errorf("acceptable CAs %q, want %q", r.AcceptableCAs, carCA)
				}
			})
			t.Run("another CA", func(t *testing.T) {
				r := Probe(t.Context(), tg, opts(clientCert(p.RP, p.FrejaIssuing)))
				wantResult(t, r, CodeClientCertRejected, v.step, "unknown_ca")
			})
			t.Run("none", func(t *testing.T) {
				r := Probe(t.Context(), tg, opts(nil))
				wantResult(t, r, CodeClientCertMissing, v.step, v.missing)
			})
			t.Run("expired", func(t *testing.T) {
				addr := startSServer(t, v.flag, "freja-root.pem")
				r := Probe(t.Context(), target(addr, p.CARCA.Cert), opts(clientCert(p.RPExpired, p.FrejaIssuing)))
				wantResult(t, r, CodeClientCertExpired, v.step, "certificate_expired")
			})
		})
	}
}
