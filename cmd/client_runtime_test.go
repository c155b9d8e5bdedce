package cmd

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/internal/sandbox"
	"github.com/caronboard/caronboard/pkg/clientgen"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// clientPass has the characters that break naive quoting in Java, shell,
// curl config files and Python.
const clientPass = `s3cr"et \pa$s'word`

// runtimeTools are the programs each generated client needs.
var runtimeTools = map[string]string{"java": "java", "python": "python3", "node": "node", "go": "go", "curl": "curl", "openssl": "openssl"}

// clientFixture is one sandbox, its servers and two credentials, shared by
// every runtime's test.
type clientFixture struct {
	sb      *sandbox.Sandbox
	servers map[string]string // name → address
	creds   map[string][]string
	env     []string // the environment the runtimes run in, without KEYSTORE_PASSPHRASE
	dir     string
	dirs    map[string]string // runtime/form/server → generated folder, made once
	config  string            // a config file with sandbox-freja: the sandbox server with Freja's probe
}

// TestClientRuntimes generates each runtime's client with each credential
// form, and runs it with the real runtime against the sandbox server (TLS 1.3
// and 1.2), a server with another CA, and a server that rejects the client
// certificate; with the passphrase wrong and unset; and checks that the
// passphrase is in no file and no output.
func TestClientRuntimes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real runtimes; skipped with -short")
	}
	if raceEnabled {
		t.Skip("runs other processes only; the run without -race covers it")
	}
	env := os.Environ() // before isolateConfig: the runtimes keep their caches (go build cache, pyenv)
	isolateConfig(t)
	fx := newClientFixture(t, env)

	for _, rt := range clientgen.Runtimes {
		t.Run(rt, func(t *testing.T) {
			if _, err := exec.LookPath(runtimeTools[rt]); err != nil {
				if os.Getenv("CI") != "" {
					t.Fatalf("%s is not installed, and CI must run this test: %v", runtimeTools[rt], err)
				}
				t.Skipf("%s is not installed: %v", runtimeTools[rt], err)
			}
			for _, form := range []string{"p12", "pem"} {
				t.Run(form, func(t *testing.T) { fx.runtimeCases(t, rt, form) })
			}
		})
	}
}

func (fx *clientFixture) runtimeCases(t *testing.T, rt, form string) {
	status := regexp.MustCompile(`(?m)\AHTTP/[0-9.]+ 200\b`)
	// Every form connects; the failure cases run once per runtime, with the
	// form it loads natively, to keep the real runtimes' start-up cost down.
	spec, _ := clientgen.Lookup(rt)
	native := (form == "p12") == (spec.Form == clientgen.FormPKCS12)
	for _, c := range []struct {
		server string
		pass   *string // nil: unset
		ok     bool
		when   bool
	}{
		{"tls13", ptr(clientPass), true, true},
		{"tls12", ptr(clientPass), true, native && (rt == "java" || rt == "python")},
		{"freja-post", ptr(clientPass), true, native}, // Freja's getResults probe: POST with a form body
		{"tls13", ptr("wrong passphrase"), false, native},
		{"tls13", nil, false, native},
		{"other-ca", ptr(clientPass), false, native},
		{"rejects-client", ptr(clientPass), false, native},
	} {
		if !c.when {
			continue
		}
		name := c.server
		switch {
		case c.pass == nil:
			name += "/passphrase-unset"
		case *c.pass != clientPass:
			name += "/passphrase-wrong"
		}
		t.Run(name, func(t *testing.T) {
			dir := fx.generate(t, rt, form, c.server)
			cmd := exec.Command(filepath.Join(dir, clientgen.FileRun))
			cmd.Env = fx.env
			if c.pass != nil {
				cmd.Env = append(cmd.Env, clientgen.PassphraseEnv+"="+*c.pass)
			}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			out := stdout.String() + stderr.String()
			if strings.Contains(out, clientPass) {
				t.Errorf("the passphrase is in the client's output:\n%s", out)
			}
			if c.ok {
				want := `"service":"caronboard sandbox"`
				if c.server == "freja-post" {
					want = `"authenticationResults"`
				}
				if err != nil || !status.MatchString(stdout.String()) || !strings.Contains(stdout.String(), want) {
					t.Fatalf("want the sandbox's answer and exit 0, got %v:\n%s", err, out)
				}
				return
			}
			if err == nil {
				t.Fatalf("want a non-zero exit, got 0:\n%s", out)
			}
			if _, ok := err.(*exec.ExitError); !ok {
				t.Fatalf("run.sh did not run: %v", err)
			}
		})
	}
}

func ptr(s string) *string { return &s }

// generate runs 'caronboard client' in-process and checks what it wrote.
func (fx *clientFixture) generate(t *testing.T, rt, form, server string) string {
	t.Helper()
	id := rt + "/" + form + "/" + server
	if d, ok := fx.dirs[id]; ok {
		return d
	}
	dir := filepath.Join(fx.dir, "clients", rt, form, server)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	a, out, errOut := testApp(map[string]string{clientgen.PassphraseEnv: clientPass})
	a.Now = time.Now
	a.NoInput = true
	env := "sandbox"
	if server == "freja-post" {
		env, server = "sandbox-freja", "tls13"
	}
	args := append([]string{"client", rt, "--config", fx.config, "--env", env, "--sandbox-dir", fx.sb.Dir, "--addr", fx.servers[server], "--out", dir, "-o", "json"}, fx.creds[form]...)
	if code := Run(context.Background(), a, args); code != exitOK {
		t.Fatalf("caronboard %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	if strings.Contains(out.String()+errOut.String(), clientPass) {
		t.Fatalf("the passphrase is in caronboard's output")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(clientPass)) {
			t.Fatalf("the passphrase is written into %s", e.Name())
		}
		info, _ := e.Info()
		secret := e.Name() == clientgen.FileKey || e.Name() == clientgen.FileP12
		if secret && info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %04o, want 0600", e.Name(), info.Mode().Perm())
		}
		if e.Name() == clientgen.FileKey && !bytes.Contains(data, []byte("ENCRYPTED")) {
			t.Errorf("client.key is not encrypted")
		}
	}
	fx.dirs[id] = dir
	return dir
}

func newClientFixture(t *testing.T, env []string) *clientFixture {
	now := time.Now() // the runtimes judge validity by the real clock
	dir := t.TempDir()
	sb, err := sandbox.Init(context.Background(), filepath.Join(dir, "sb"), now.Add(-time.Hour), false)
	if err != nil {
		t.Fatal(err)
	}
	fx := &clientFixture{sb: sb, servers: map[string]string{}, creds: map[string][]string{}, dir: dir, dirs: map[string]string{}}
	for _, kv := range env {
		if !strings.HasPrefix(kv, clientgen.PassphraseEnv+"=") && !strings.HasPrefix(strings.ToUpper(kv), "HTTPS_PROXY=") &&
			!strings.HasPrefix(strings.ToUpper(kv), "HTTP_PROXY=") && !strings.HasPrefix(strings.ToUpper(kv), "ALL_PROXY=") {
			fx.env = append(fx.env, kv)
		}
	}
	fx.config = filepath.Join(dir, "config.yaml")
	writeFixture(t, dir, "config.yaml", []byte(`environments:
  sandbox-freja:
    profile: freja
    host: 127.0.0.1
    port: 8443
    server_name: localhost
    ca: sandbox
    request:
      method: POST
      path: /authentication/1.0/getResults
      content_type: application/x-www-form-urlencoded
      body: getAuthResultsRequest=eyJpbmNsdWRlUHJldmlvdXMiOiJBTEwifQ==
`), 0o644)
	// The JVM's quick start-up settings: about half the CPU time of each 'java Main.java'.
	fx.env = append(fx.env, "JDK_JAVA_OPTIONS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")

	// A Freja-profile certificate with its encrypted key, and a CAR-profile one in a PKCS#12.
	frejaKey := fixtureKey(t, "../testdata/keys/rsa2048-pkcs8.pem")
	freja, _ := signFrejaClient(t, sb, frejaKey, now)
	keyPEM, err := keystore.EncodePrivateKey(frejaKey, []byte(clientPass))
	if err != nil {
		t.Fatal(err)
	}
	writeFixture(t, dir, "rp.key", keyPEM, 0o600)
	writeFixture(t, dir, "rp.cer", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: freja.Raw}), 0o644)
	fx.creds["pem"] = []string{"--cert", filepath.Join(dir, "rp.cer"), "--key", filepath.Join(dir, "rp.key")}

	carKey := fixtureKey(t, "../testdata/keys/rsa4096-pkcs8.pem")
	subj, err := csr.NewCARSubject(csr.CARInput{OrgCode: "ACME", Role: "bank"})
	if err != nil {
		t.Fatal(err)
	}
	der, err := csr.Create(nil, carKey, subj)
	if err != nil {
		t.Fatal(err)
	}
	req, err := x509.ParseCertificateRequest(der)
	if err != nil {
		t.Fatal(err)
	}
	car, err := sb.Sign(req, csr.CAR, now)
	if err != nil {
		t.Fatal(err)
	}
	p12, err := keystore.EncodePKCS12(carKey, []*x509.Certificate{car}, "acme", clientPass, keystore.P12Modern)
	if err != nil {
		t.Fatal(err)
	}
	writeFixture(t, dir, "car.p12", p12, 0o600)
	fx.creds["p12"] = []string{"--p12", filepath.Join(dir, "car.p12")}

	// The servers: the sandbox's own (TLS 1.3 and 1.2 at most), one whose
	// certificate is from another CA, and one that trusts another client CA.
	clock := func() time.Time { return now }
	for name, max := range map[string]uint16{"tls13": tls.VersionTLS13, "tls12": tls.VersionTLS12} {
		srv, err := sb.NewServer("127.0.0.1:0", max, clock)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ctx) }()
		t.Cleanup(func() { cancel(); <-done })
		fx.servers[name] = srv.Addr()
	}
	other := selfSigned(t)
	otherCfg := &tls.Config{Certificates: []tls.Certificate{other}, ClientAuth: tls.RequireAnyClientCert}
	fx.servers["other-ca"] = serveTLS(t, otherCfg)
	rejects, err := sb.ServerTLSConfig(tls.VersionTLS13)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(other.Leaf)
	rejects.ClientCAs = pool
	fx.servers["rejects-client"] = serveTLS(t, rejects)
	return fx
}

// serveTLS answers every request with 200 over cfg on a loopback port.
func serveTLS(t *testing.T, cfg *tls.Config) string {
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"service":"caronboard sandbox"}`))
	}), ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// selfSigned is a throw-away ECDSA certificate for localhost from no CA the
// clients know.
func selfSigned(t *testing.T) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "another CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

func fixtureKey(t *testing.T, path string) *rsa.PrivateKey {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := keystore.ParsePrivateKey(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func writeFixture(t *testing.T, dir, name string, data []byte, mode os.FileMode) {
	if err := os.WriteFile(filepath.Join(dir, name), data, mode); err != nil {
		t.Fatal(err)
	}
}
