package cmd

import (
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/internal/sandbox"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// TestPingAgainstSandboxServer runs 'caronboard ping' against the real
// sandbox server on loopback over TLS 1.2 and 1.3, with the right client
// certificate, one from another CA (under TLS 1.3 rejected only after the
// handshake), none, and the wrong server CA.
func TestPingAgainstSandboxServer(t *testing.T) {
	isolateConfig(t)
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	sb, err := sandbox.Init(context.Background(), filepath.Join(dir, "sb"), now, false)
	if err != nil {
		t.Fatal(err)
	}
	cert, key := sandboxClient(t, sb, now, dir)
	foreignCert, foreignKey := "../testdata/pki/rp.pem", copyKey(t, "../testdata/pki/rp.key.pem", dir)
	wrongCA := "../testdata/pki/car-ca.pem"

	for _, max := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		srv, err := sb.NewServer("127.0.0.1:0", max, func() time.Time { return now })
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ctx) }()
		base := []string{"ping", "--env", "sandbox", "--addr", srv.Addr(), "--sandbox-dir", sb.Dir, "--timeout", "5s", "-o", "json"}
		tests := []struct {
			name     string
			args     []string
			wantCode string // "" = success
		}{
			{"accepted", []string{"--cert", cert, "--key", key}, ""},
			{"another CA", []string{"--cert", foreignCert, "--key", foreignKey}, "client_cert_rejected"},
			{"no client certificate", nil, "client_cert_missing"},
			{"wrong server CA", []string{"--cert", cert, "--key", key, "--ca", wrongCA}, "server_untrusted"},
		}
		for _, tt := range tests {
			t.Run(tls.VersionName(max)+"/"+tt.name, func(t *testing.T) {
				a, out, _ := testApp(nil)
				a.Now = func() time.Time { return now }
				a.NoInput = true
				code := Run(context.Background(), a, append(append([]string{}, base...), tt.args...))
				var obj struct {
					OK    bool `json:"ok"`
					Error struct{ Code string }
				}
				if err := json.Unmarshal(out.Bytes(), &obj); err != nil {
					t.Fatalf("not one JSON object: %v\n%s", err, out)
				}
				if tt.wantCode == "" && (code != exitOK || !obj.OK) {
					t.Fatalf("want success, got exit %d: %s", code, out)
				}
				if tt.wantCode != "" && (code != exitFailed || obj.Error.Code != tt.wantCode) {
					t.Fatalf("want %s, got exit %d code %q", tt.wantCode, code, obj.Error.Code)
				}
			})
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Serve: %v", err)
		}
	}
}

// sandboxClient issues a Freja-profile client certificate for the 2048-bit
// fixture key and returns the certificate and key paths.
func sandboxClient(t *testing.T, sb *sandbox.Sandbox, now time.Time, dir string) (string, string) {
	t.Helper()
	keyPath := copyKey(t, "../testdata/keys/rsa2048-pkcs8.pem", dir)
	data, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := keystore.ParsePrivateKey(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := signFrejaClient(t, sb, key, now)
	certPath := filepath.Join(dir, "client.pem")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	return certPath, keyPath
}

// copyKey copies a fixture key into dir with mode 0600 (git keeps 0644).
func copyKey(t *testing.T, src, dir string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, filepath.Base(src))
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

// signFrejaClient has the sandbox CA issue a Freja-profile client certificate
// (C=SE, organizationIdentifier=556677-8881, O=ACME AB) for key, and returns
// it with the DER of the CSR it was issued from.
func signFrejaClient(t *testing.T, sb *sandbox.Sandbox, key *rsa.PrivateKey, now time.Time) (*x509.Certificate, []byte) {
	t.Helper()
	subj, err := csr.NewFrejaSubject(csr.FrejaInput{Country: "SE", OrgID: "556677-8881", Org: "ACME AB"})
	if err != nil {
		t.Fatal(err)
	}
	der, err := csr.Create(nil, key, subj)
	if err != nil {
		t.Fatal(err)
	}
	req, err := x509.ParseCertificateRequest(der)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := sb.Sign(req, csr.Freja, now)
	if err != nil {
		t.Fatal(err)
	}
	return cert, der
}

// TestSandboxServeAddressInUse: a busy port says how to choose another
// (--addr) and how ping then finds the server.
func TestSandboxServeAddressInUse(t *testing.T) {
	isolateConfig(t)
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	sb, err := sandbox.Init(context.Background(), filepath.Join(t.TempDir(), "sb"), now, false)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	a, out, _ := testApp(nil)
	a.Now = func() time.Time { return now }
	code := Run(context.Background(), a, []string{"sandbox", "serve", "--dir", sb.Dir, "--addr", ln.Addr().String(), "-o", "json"})
	var obj struct {
		OK    bool `json:"ok"`
		Error struct{ Code, Message, Hint string }
	}
	if err := json.Unmarshal(out.Bytes(), &obj); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	if code != exitFailed || obj.Error.Code != "address_in_use" {
		t.Fatalf("want address_in_use, got exit %d: %s", code, out)
	}
	for _, want := range []string{"sandbox serve --addr 127.0.0.1:9443", "ping --env sandbox --addr 127.0.0.1:9443", "environments: sandbox: port: 9443"} {
		if !strings.Contains(obj.Error.Hint, want) {
			t.Errorf("hint %q lacks %q", obj.Error.Hint, want)
		}
	}
}
