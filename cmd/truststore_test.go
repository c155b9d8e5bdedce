package cmd

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/pkg/keystore"
)

func TestTruststoreFlagValidation(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"--env", "freja-test", "--out", "x.pem"}, ""},
		{[]string{"--env", "stage", "--out", "x.p12", "--format", "PKCS12", "--no-passphrase", "--ca", "ca.cer"}, ""},
		{[]string{"--out", "x.pem"}, "--env is required"},
		{[]string{"--env", "freja-test"}, "--out is required"},
		{[]string{"--env", "freja-test", "--out", "x", "--format", "jks"}, "unknown format"},
		{[]string{"--env", "freja-test", "--out", "x", "--no-passphrase"}, "apply to --format pkcs12"},
		{[]string{"--env", "freja-test", "--out", "x", "--format", "pkcs12", "--no-passphrase", "--passphrase-file", "p"}, "cannot be used together"},
		{[]string{"--env", "stage", "--out", "ca.cer", "--ca", "ca.cer"}, "must not name an input file"},
	}
	for _, tt := range tests {
		a, _, _ := testApp(nil)
		ran := false
		c := newTruststoreCmd(a, func(context.Context, *TruststoreOptions) error { ran = true; return nil })
		c.SetArgs(tt.args)
		c.SetOut(&bytes.Buffer{})
		c.SetErr(&bytes.Buffer{})
		err := c.Execute()
		var e *Error
		switch {
		case tt.wantErr == "" && (err != nil || !ran):
			t.Errorf("%v: want accepted, got %v", tt.args, err)
		case tt.wantErr != "" && (!errors.As(err, &e) || e.Exit() != exitUsage || !strings.Contains(e.Message, tt.wantErr) || ran):
			t.Errorf("%v: want usage error %q, got %v (ran %v)", tt.args, tt.wantErr, err, ran)
		}
	}
}

// TestPingWithExportedBundle proves the exported PEM bundle is a working
// trust anchor: ping against the sandbox server succeeds with --ca pointing
// at it, and fails as server_untrusted with another environment's bundle.
func TestPingWithExportedBundle(t *testing.T) {
	isolateConfig(t)
	dir := t.TempDir()
	sb := filepath.Join(dir, "sb")
	mustCB(t, "sandbox", "init", "--dir", sb)
	key := filepath.Join(dir, "client.key")
	mustCB(t, "csr", "--profile", "car", "--new-key", key, "--no-passphrase", "--out", filepath.Join(dir, "client.csr"), "--org-code", "BANK01", "--role", "ctd")
	cert := filepath.Join(dir, "client.cer")
	mustCB(t, "sandbox", "sign", "--dir", sb, "--csr", filepath.Join(dir, "client.csr"), "--profile", "car", "--out", cert)

	bundle := filepath.Join(dir, "sandbox-roots.pem")
	mustCB(t, "truststore", "--env", "sandbox", "--sandbox-dir", sb, "--out", bundle)
	other := filepath.Join(dir, "freja-test-roots.pem")
	mustCB(t, "truststore", "--env", "freja-test", "--out", other)

	addr := serveSandbox(t, sb)
	base := []string{"ping", "--env", "sandbox", "--addr", addr, "--sandbox-dir", filepath.Join(dir, "no-sandbox-here"), "--cert", cert, "--key", key, "-o", "json"}
	out := mustCB(t, append(base, "--ca", bundle)...)
	if !strings.Contains(out, `"ok": true`) {
		t.Errorf("ping with the exported bundle: %s", out)
	}
	code, out, _ := runCB(t, append(base, "--ca", other)...)
	if code != exitFailed || !strings.Contains(out, `"code": "server_untrusted"`) {
		t.Errorf("ping with another environment's bundle: exit %d %s", code, out)
	}
}

// TestTruststoreRefusesAndWarns: a client certificate is refused (nothing
// written); a CA expiring within 90 days or expired is written with a
// warning; an existing file needs --force.
func TestTruststoreRefusesAndWarns(t *testing.T) {
	isolateConfig(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "roots.pem")
	code, _, errOut := runCB(t, "truststore", "--env", "stage", "--ca", "../testdata/pki/car-bank.pem", "--out", out)
	if code != exitFailed || !strings.Contains(errOut, "is not a CA certificate") || !strings.Contains(errOut, "hint: give the CA root") {
		t.Errorf("client certificate as --ca: exit %d %s", code, errOut)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a file was written after the refusal")
	}

	now := time.Now()
	soon := writeCA(t, dir, "soon.pem", "Soon CA", now.Add(-time.Hour), now.Add(30*24*time.Hour))
	gone := writeCA(t, dir, "gone.pem", "Gone CA", now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	code, stdout, _ := runCB(t, "truststore", "--env", "stage", "--ca", soon, "--ca", gone, "--ca", soon, "--out", out, "-o", "json")
	var res struct {
		OK           bool
		Warnings     []string
		Certificates []struct{ Alias, State string }
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || code != exitOK {
		t.Fatalf("exit %d, %v: %s", code, err, stdout)
	}
	if len(res.Certificates) != 2 || res.Certificates[0].Alias != "soon-ca" || res.Certificates[0].State != "expires_soon" || res.Certificates[1].State != "expired" {
		t.Errorf("certificates %+v (the duplicate must be dropped)", res.Certificates)
	}
	if len(res.Warnings) != 2 || !strings.Contains(res.Warnings[0], "expires on") || !strings.Contains(res.Warnings[1], "expired on") {
		t.Errorf("warnings %q", res.Warnings)
	}
	certs, err := keystore.ReadCertificates(out)
	if err != nil || len(certs) != 2 {
		t.Errorf("the bundle does not read back: %v", err)
	}

	code, _, errOut = runCB(t, "truststore", "--env", "freja-test", "--out", out)
	if code != exitFailed || !strings.Contains(errOut, "--force") {
		t.Errorf("existing file: exit %d %s", code, errOut)
	}
	mustCB(t, "truststore", "--env", "freja-test", "--out", out, "--force")
	if certs, err := keystore.ReadCertificates(out); err != nil || len(certs) != 1 || certs[0].Subject.CommonName != "RSA Test Root CA" {
		t.Errorf("--force did not replace the file: %v", err)
	}
}

// TestTruststorePKCS12 writes both PKCS#12 forms and reads them back; a
// missing passphrase says how to go without one.
func TestTruststorePKCS12(t *testing.T) {
	isolateConfig(t)
	dir := t.TempDir()
	pass := filepath.Join(dir, "pass.txt")
	if err := os.WriteFile(pass, []byte("trust store pass\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	withPass, noPass := filepath.Join(dir, "a.p12"), filepath.Join(dir, "b.p12")
	mustCB(t, "truststore", "--env", "freja-prod", "--format", "pkcs12", "--passphrase-file", pass, "--out", withPass)
	mustCB(t, "truststore", "--env", "freja-prod", "--format", "pkcs12", "--no-passphrase", "--out", noPass)
	for file, pw := range map[string]string{withPass: "trust store pass", noPass: ""} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		certs, err := keystore.DecodeTrustStore(data, pw)
		if err != nil || len(certs) != 1 || certs[0].Subject.CommonName != "Freja eID Root CA v1" {
			t.Errorf("%s: %v", file, err)
		}
	}
	code, _, errOut := runCB(t, "truststore", "--env", "freja-prod", "--format", "pkcs12", "--out", filepath.Join(dir, "c.p12"))
	if code != exitFailed || !strings.Contains(errOut, "--no-passphrase for a password-less trust store") {
		t.Errorf("no passphrase source: exit %d %s", code, errOut)
	}
}

// writeCA writes a self-signed CA certificate valid from notBefore to
// notAfter and returns its path.
func writeCA(t *testing.T, dir, name, cn string, notBefore, notAfter time.Time) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: cn}, NotBefore: notBefore, NotAfter: notAfter,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
