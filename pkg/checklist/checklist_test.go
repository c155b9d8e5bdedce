package checklist

import (
	"archive/zip"
	"bytes"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caronboard/caronboard/internal/testpki"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

const (
	pkiDir  = "../../testdata/pki"
	keysDir = "../../testdata/keys"
)

var (
	pkiOnce sync.Once
	pki     *testpki.PKI
	pkiErr  error
)

func testPKI(t *testing.T) *testpki.PKI {
	t.Helper()
	pkiOnce.Do(func() { pki, pkiErr = testpki.Load(pkiDir) })
	if pkiErr != nil {
		t.Fatal(pkiErr)
	}
	return pki
}

// now is inside the test PKI's validity (2024 to 2099).
var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// put writes a file into dir with mode perm.
func put(t *testing.T, dir, name string, data []byte, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, name), perm); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixtureCSR makes a CSR of the given profile for the 4096-bit fixture key.
func fixtureCSR(t *testing.T, p csr.Profile) []byte {
	t.Helper()
	key, _, err := keystore.ParsePrivateKey(read(t, filepath.Join(keysDir, "rsa4096-pkcs8.pem")), nil)
	if err != nil {
		t.Fatal(err)
	}
	var subj csr.Subject
	if p == csr.Freja {
		subj, err = csr.NewFrejaSubject(csr.FrejaInput{Country: "SE", OrgID: "556677-8881", Org: "ACME AB"})
	} else {
		subj, err = csr.NewCARSubject(csr.CARInput{OrgCode: "BANK01", Role: "bank"})
	}
	if err != nil {
		t.Fatal(err)
	}
	der, err := csr.Create(nil, key, subj)
	if err != nil {
		t.Fatal(err)
	}
	return csr.EncodePEM(der)
}

func zipWith(t *testing.T, name string, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestScanRecognisesByContent(t *testing.T) {
	p := testPKI(t)
	dir := t.TempDir()
	put(t, dir, "client.key", read(t, filepath.Join(keysDir, "rsa4096-enc-pkcs8.pem")), 0o600)
	put(t, dir, "plain-key.pem", read(t, filepath.Join(keysDir, "rsa2048-pkcs8.pem")), 0o600)
	put(t, dir, "request.txt", fixtureCSR(t, csr.CAR), 0o644) // a CSR under another name
	put(t, dir, "client.pem", read(t, filepath.Join(pkiDir, "car-bank.pem")), 0o644)
	put(t, dir, "ca.cer", read(t, filepath.Join(pkiDir, "car-ca.pem")), 0o644)
	ks, err := keystore.EncodePKCS12(p.RP.Key, []*x509.Certificate{p.RP.Cert, p.FrejaIssuing.Cert, p.FrejaRoot.Cert}, "", "pw", keystore.P12Modern)
	if err != nil {
		t.Fatal(err)
	}
	put(t, dir, "rp.pfx", ks, 0o600)
	sealed, err := keystore.EncodeTrustStore([]*x509.Certificate{p.CARCA.Cert}, "pw")
	if err != nil {
		t.Fatal(err)
	}
	put(t, dir, "truststore.p12", sealed, 0o644)
	put(t, dir, "sealed.p12", sealed, 0o644)
	open, err := keystore.EncodeTrustStore([]*x509.Certificate{p.CARCA.Cert}, "")
	if err != nil {
		t.Fatal(err)
	}
	put(t, dir, "open.p12", open, 0o644)
	put(t, dir, "freja.zip", read(t, filepath.Join(pkiDir, "rp-bundle.zip")), 0o644)
	put(t, dir, "rp.csr.zip", zipWith(t, "rp.csr", fixtureCSR(t, csr.Freja)), 0o644)
	put(t, dir, "logo.ai", []byte("%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 1 1\n"), 0o644)
	put(t, dir, "pass.txt", []byte("secret\n"), 0o600)
	put(t, dir, ".hidden.key", read(t, filepath.Join(keysDir, "rsa2048-pkcs8.pem")), 0o600)
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	put(t, filepath.Join(dir, "sub"), "other.key", read(t, filepath.Join(keysDir, "rsa2048-pkcs8.pem")), 0o600)

	f, err := Scan(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Kind{"client.key": KindKey, "plain-key.pem": KindKey, "request.txt": KindCSR, "client.pem": KindCertificate,
		"ca.cer": KindCA, "rp.pfx": KindKeystore, "truststore.p12": KindTrustStore, "sealed.p12": KindKeystore,
		"open.p12": KindTrustStore, "freja.zip": KindBundle, "rp.csr.zip": KindCSRZip, "logo.ai": KindLogo}
	got := map[string]*File{}
	for _, file := range f.Files {
		got[file.Name] = file
	}
	for name, kind := range want {
		if got[name] == nil || got[name].Kind != kind {
			t.Errorf("%s: got %v, want %s", name, got[name], kind)
		}
	}
	if len(f.Files) != len(want) {
		t.Errorf("%d files recognised, want %d (hidden files, subfolders and other files are skipped)", len(f.Files), len(want))
	}
	if k := got["client.key"]; k == nil || !k.KeyEncrypted || k.Public != nil {
		t.Error("the encrypted key is not recognised as encrypted")
	}
	if k := got["plain-key.pem"]; k == nil || k.KeyEncrypted || k.KeyBits != 2048 {
		t.Error("the plain key is not read")
	}
	if ts := got["open.p12"]; ts == nil || len(ts.TrustCerts) != 1 {
		t.Error("the password-less trust store's certificates are not read")
	}
	if ks := got["rp.pfx"]; ks == nil || ks.P12.FriendlyName != "Document signing service" {
		t.Error("the keystore's alias is not shown")
	}
	if prof, ok := DetectProfile(f); !ok || prof != csr.CAR {
		t.Errorf("profile %q %v", prof, ok)
	}
	if _, err := Scan(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing folder scanned")
	}
}

// scanned makes a folder from files (name → content; keys get 0600).
func scanned(t *testing.T, files map[string][]byte) *Folder {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		perm := os.FileMode(0o644)
		if strings.HasSuffix(name, ".key") {
			perm = 0o600
		}
		put(t, dir, name, data, perm)
	}
	f, err := Scan(dir)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func stateOf(r *Report, id string) (State, string) {
	for _, s := range r.Steps {
		if s.ID == id {
			return s.State, s.Detail
		}
	}
	return "", ""
}

func TestEvaluateProblems(t *testing.T) {
	p := testPKI(t)
	pkiFile := func(name string) []byte { return read(t, filepath.Join(pkiDir, name)) }
	freja := Env{Name: "freja-test", ServerRoots: []*x509.Certificate{p.FrejaRoot.Cert}}
	stage := Env{Name: "stage"}
	tests := []struct {
		name    string
		profile csr.Profile
		env     Env
		files   map[string][]byte
		ping    *Ping
		step    string
		want    State
		detail  string
	}{
		{"a Freja CSR for CAR", csr.CAR, stage, map[string][]byte{"client.csr": fixtureCSR(t, csr.Freja)}, nil, StepCSR, Fail, "breaks"},
		{"a CSR not made with the key", csr.CAR, stage, map[string][]byte{"client.csr": fixtureCSR(t, csr.CAR),
			"client.key": read(t, filepath.Join(keysDir, "rsa2048-pkcs8.pem"))}, nil, StepCSR, Fail, "was not made with client.key"},
		{"a 2048-bit key for CAR", csr.CAR, stage, map[string][]byte{"client.key": read(t, filepath.Join(keysDir, "rsa2048-pkcs8.pem"))}, nil, StepKey, Fail, "2048"},
		{"an expired certificate", csr.Freja, freja, map[string][]byte{"rp.key": pkiFile("rp-expired.key.pem"), "rp.cer": pkiFile("rp-expired.pem"),
			"chain.pem": append(pkiFile("freja-issuing.pem"), pkiFile("freja-root.pem")...)}, nil, StepCertificate, Fail, "validity"},
		{"no clientAuth", csr.Freja, freja, map[string][]byte{"rp.key": pkiFile("rp-noclientauth.key.pem"), "rp.cer": pkiFile("rp-noclientauth.pem")}, nil, StepCertificate, Fail, "client_auth"},
		{"the issuing CA missing", csr.Freja, freja, map[string][]byte{"rp.key": pkiFile("rp.key.pem"), "rp.cer": pkiFile("rp.pem"),
			"root.cer": pkiFile("freja-root.pem")}, nil, StepChain, Fail, ""},
		{"the CAR CA missing", csr.CAR, stage, map[string][]byte{"client.cer": pkiFile("car-bank.pem")}, nil, StepChain, Open, "no CA certificate"},
		{"a trust file for another CA", csr.Freja, freja, map[string][]byte{"truststore.pem": pkiFile("car-ca.pem")}, nil, StepTrustAnchors, Fail, "does not hold the server CA"},
		{"a trust file named otherwise", csr.Freja, freja, map[string][]byte{"roots.pem": pkiFile("freja-root.pem")}, nil, StepTrustAnchors, Done, "roots.pem"},
		{"the CAR CA from the folder", csr.CAR, stage, map[string][]byte{"ca.cer": pkiFile("car-ca.pem"), "my-truststore.pem": pkiFile("car-ca.pem")}, nil, StepTrustAnchors, Done, "my-truststore.pem"},
		{"a failed ping", csr.CAR, stage, nil, &Ping{Code: "tls_protocol", Message: "no shared version", Hint: "h", Time: now.Add(-time.Hour)}, StepPing, Fail, "tls_protocol: no shared version"},
		{"a good ping", csr.CAR, stage, nil, &Ping{OK: true, Message: "mutual TLS accepted", Time: now.Add(-72 * time.Hour), SourceIP: "192.0.2.9", Addr: "x:443"}, StepPing, Done, "(3 days ago), from 192.0.2.9"},
		{"a ping through a proxy", csr.CAR, stage, nil, &Ping{OK: true, Message: "mutual TLS accepted", Time: now.Add(-time.Hour), SourceIP: "10.0.0.5", Addr: "x:443", Proxy: "http://proxy.bank.example:3128"},
			StepAllowList, Done, "went through the proxy http://proxy.bank.example:3128: the API sees the proxy's outgoing address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Evaluate(Input{Profile: tt.profile, Env: tt.env, Folder: scanned(t, tt.files), Ping: tt.ping, Now: now})
			got, detail := stateOf(r, tt.step)
			if got != tt.want || !strings.Contains(detail, tt.detail) {
				t.Errorf("%s: %s %q, want %s containing %q", tt.step, got, detail, tt.want, tt.detail)
			}
		})
	}
}

func TestReportNextAndCount(t *testing.T) {
	r := Evaluate(Input{Profile: csr.Freja, Env: Env{Name: "freja-prod", Production: true}, Folder: &Folder{Dir: "x"}, Now: now})
	ids := make([]string, len(r.Steps))
	for i, s := range r.Steps {
		ids[i] = s.ID
	}
	if strings.Join(ids, ",") != "contract,rp_details,key,csr,send_csr,certificate,chain,keystore,trust_anchors,test_users,ping" {
		t.Errorf("Freja steps %v", ids)
	}
	next, ok := r.Next()
	if !ok || next.ID != StepKey {
		t.Errorf("next %v", next)
	}
	c := r.Count()
	if c[Manual] != 2 || c[Skip] != 1 || c[Open] != 8 {
		t.Errorf("counts %v", c)
	}
}
