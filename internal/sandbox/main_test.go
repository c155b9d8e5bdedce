package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// Made once in TestMain: RSA-4096 generation is slow.
var (
	tmpRoot  string
	sb       *Sandbox
	initNow  time.Time
	carKey   *rsa.PrivateKey // 4096 bits, for CAR CSRs
	smallKey *rsa.PrivateKey // 2048 bits, for Freja CSRs and foreign certificates
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sandbox test setup:", err)
		code = 1
	}
	if tmpRoot != "" {
		_ = os.RemoveAll(tmpRoot)
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	var err error
	if tmpRoot, err = os.MkdirTemp("", "caronboard-sandbox-test-"); err != nil {
		return 1, err
	}
	initNow = time.Now().Truncate(time.Second)
	var wg sync.WaitGroup
	var initErr, carErr, smallErr error
	wg.Go(func() { sb, initErr = Init(context.Background(), filepath.Join(tmpRoot, "sandbox"), initNow, false) })
	wg.Go(func() { carKey, carErr = keystore.Generate(context.Background(), 4096, 1) })
	wg.Go(func() { smallKey, smallErr = rsa.GenerateKey(rand.Reader, 2048) })
	wg.Wait()
	for _, err := range []error{initErr, carErr, smallErr} {
		if err != nil {
			return 1, err
		}
	}
	return m.Run(), nil
}

// carRequest makes a CAR CSR with the given key, role and organisation code.
func carRequest(t *testing.T, key *rsa.PrivateKey, role, code string) *x509.CertificateRequest {
	t.Helper()
	subj, err := csr.NewCARSubject(csr.CARInput{OrgCode: code, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	return request(t, key, subj)
}

func request(t *testing.T, key *rsa.PrivateKey, subj csr.Subject) *x509.CertificateRequest {
	t.Helper()
	der, err := csr.Create(nil, key, subj)
	if err != nil {
		t.Fatal(err)
	}
	req, err := x509.ParseCertificateRequest(der)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// clientCert is a CAR client certificate issued by the sandbox CA.
func clientCert(t *testing.T) tls.Certificate {
	t.Helper()
	cert, err := sb.Sign(carRequest(t, carKey, "bank", "BANK01"), csr.CAR, initNow)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: carKey, Leaf: cert}
}

// foreignClientCert is a clientAuth certificate from a CA the sandbox does
// not know.
func foreignClientCert(t *testing.T) tls.Certificate {
	t.Helper()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Other CA"},
		NotBefore: initNow.Add(-time.Hour), NotAfter: initNow.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "BANK01"},
		NotBefore: initNow.Add(-time.Hour), NotAfter: initNow.Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &smallKey.PublicKey, smallKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: smallKey}
}

// fixedNow is the server clock in tests: within every sandbox certificate.
func fixedNow() time.Time { return initNow.Add(2 * time.Hour).Truncate(time.Millisecond) }

// startServer serves the sandbox on a free loopback port until the test ends.
func startServer(t *testing.T, maxVersion uint16) *Server {
	t.Helper()
	srv, err := sb.NewServer("127.0.0.1:0", maxVersion, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return srv
}

// client is an HTTPS client that trusts the sandbox CA and presents certs.
func client(t *testing.T, certs ...tls.Certificate) *http.Client {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: sb.ClientTLSConfig(certs...)}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}
