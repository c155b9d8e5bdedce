//go:build unix

package cmd

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// renewAt is the time the renew tests count days at.
var renewAt = time.Date(2027, 11, 1, 0, 0, 0, 0, time.UTC)

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func readTestKey(t *testing.T, name string) *rsa.PrivateKey {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	k, _, err := keystore.ParsePrivateKey(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func writePEMCert(t *testing.T, path string, c *x509.Certificate) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkRenewal runs renew on cert, then csr with the same values and the new
// key, and checks: the new CSR's subject is the certificate's byte for byte,
// csr makes the identical CSR, the old files did not change, the key is new.
func checkRenewal(t *testing.T, dir, certFile string, oldKey *rsa.PrivateKey, p csr.Profile, csrFlags []string, extra ...string) {
	t.Helper()
	before := fileHash(t, certFile)
	newKey, out := filepath.Join(dir, "new.key"), filepath.Join(dir, "new.csr")
	args := append([]string{"renew", "--cert", certFile, "--new-key", newKey, "--out", out, "--no-passphrase", "--at", renewAt.Format(time.RFC3339), "-o", "json"}, extra...)
	r := runCLI(nil, nil, args...)
	if r.exit != exitOK {
		t.Fatalf("renew failed\n%s", r)
	}
	var res renewResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Profile != string(p) || !res.SubjectUnchanged {
		t.Errorf("profile %s, subject unchanged %v\n%s", res.Profile, res.SubjectUnchanged, r)
	}
	cert, err := keystore.ReadCertificates(certFile)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(out)
	req, err := csr.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(req.RawSubject, cert[0].RawSubject) {
		t.Errorf("the CSR's subject DER differs from the certificate's:\n%x\n%x", req.RawSubject, cert[0].RawSubject)
	}
	if fileHash(t, certFile) != before {
		t.Error("the current certificate changed")
	}
	k := readTestKeyPath(t, newKey)
	if k.Equal(oldKey) || k.PublicKey.Equal(cert[0].PublicKey) {
		t.Error("the new key is the old one")
	}
	again := filepath.Join(dir, "again.csr")
	r = runCLI(nil, nil, append([]string{"csr", "--profile", string(p), "--key", newKey, "--out", again}, csrFlags...)...)
	if r.exit != exitOK {
		t.Fatalf("csr failed\n%s", r)
	}
	if b, _ := os.ReadFile(again); !bytes.Equal(b, data) {
		t.Errorf("csr with the same key and values made another CSR:\n%s\n%s", b, data)
	}
	for _, f := range []string{newKey, out, again} {
		_ = os.Remove(f)
	}
}

func readTestKeyPath(t *testing.T, path string) *rsa.PrivateKey {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k, _, err := keystore.ParsePrivateKey(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestRenewSandboxFreja(t *testing.T) {
	sb := newSandbox(t)
	key := readTestKey(t, "keys/rsa2048-pkcs8.pem")
	cert, _ := signFrejaClient(t, sb, key, hostileNow)
	dir := t.TempDir()
	certFile := filepath.Join(dir, "rp.cer")
	writePEMCert(t, certFile, cert)
	checkRenewal(t, dir, certFile, key, csr.Freja, []string{"--org", "ACME AB", "--org-id", "556677-8881"}, "--bits", "2048")
}

func TestRenewSandboxCAR(t *testing.T) {
	sb := newSandbox(t)
	key := readTestKey(t, "keys/rsa4096-pkcs8.pem")
	subj, err := csr.NewCARSubject(csr.CARInput{OrgCode: "BANK01", Role: "bank"})
	if err != nil {
		t.Fatal(err)
	}
	der, err := csr.Create(nil, key, subj)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := x509.ParseCertificateRequest(der)
	cert, err := sb.Sign(req, csr.CAR, hostileNow)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile := filepath.Join(dir, "client.cer")
	writePEMCert(t, certFile, cert)
	checkRenewal(t, dir, certFile, key, csr.CAR, []string{"--org-code", "BANK01", "--role", "bank"})
}

// TestRenewOpenSSLCertificate renews certificates openssl made with the
// subjects the CA's documentation gives.
func TestRenewOpenSSLCertificate(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must have openssl")
		}
		t.Skip("openssl is not installed")
	}
	cases := []struct {
		name, keyFile, subj string
		p                   csr.Profile
		flags               []string
	}{
		{"freja", "keys/rsa2048-pkcs8.pem", "/C=SE/2.5.4.97=556677-8881/OU=Production/O=ACME AB/CN=Document signing service", csr.Freja,
			[]string{"--org", "ACME AB", "--org-id", "556677-8881", "--unit", "Production", "--common-name", "Document signing service"}},
		{"car", "keys/rsa4096-pkcs8.pem", "/C=SE/O=E-fakturabolaget/OU=ctd/CN=CTD42", csr.CAR, []string{"--org-code", "CTD42", "--role", "ctd"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			certFile := filepath.Join(dir, "current.cer")
			keyPath, _ := filepath.Abs(filepath.Join("..", "testdata", c.keyFile))
			out, err := exec.Command("openssl", "req", "-x509", "-new", "-sha256", "-key", keyPath, "-subj", c.subj, "-days", "30",
				"-addext", "basicConstraints=critical,CA:FALSE", "-addext", "extendedKeyUsage=clientAuth", "-out", certFile).CombinedOutput()
			if err != nil {
				t.Fatalf("openssl: %v\n%s", err, out)
			}
			extra := []string{}
			if c.p == csr.Freja {
				extra = []string{"--bits", "2048"}
			}
			checkRenewal(t, dir, certFile, readTestKey(t, c.keyFile), c.p, c.flags, extra...)
		})
	}
}

// issueWithSubject issues a certificate with a raw subject, self-signed.
func issueWithSubject(t *testing.T, key *rsa.PrivateKey, raw []byte) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(9), RawSubject: raw, NotBefore: renewAt.AddDate(-1, 0, 0), NotAfter: renewAt.AddDate(0, 0, 20),
		BasicConstraintsValid: true, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func rawName(t *testing.T, pairs ...any) []byte {
	t.Helper()
	var rdns pkix.RDNSequence
	for i := 0; i < len(pairs); i += 2 {
		rdns = append(rdns, pkix.RelativeDistinguishedNameSET{{Type: pairs[i].(asn1.ObjectIdentifier), Value: pairs[i+1]}})
	}
	b, err := asn1.Marshal(rdns)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRenewSubjectBreaksTodaysRules: a certificate issued under older rules
// is reported field by field with the flag that fixes it; nothing is
// written; the override makes the CSR.
func TestRenewSubjectBreaksTodaysRules(t *testing.T) {
	key := readTestKey(t, "keys/rsa2048-pkcs8.pem")
	raw := rawName(t, csr.OIDCountry, "SE", csr.OIDOrganizationIdentifier, "556677-8882", csr.OIDOrganization, "ACME & Co. AB")
	dir := t.TempDir()
	certFile := filepath.Join(dir, "old.cer")
	writePEMCert(t, certFile, issueWithSubject(t, key, raw))
	newKey, out := filepath.Join(dir, "new.key"), filepath.Join(dir, "new.csr")
	args := []string{"renew", "--cert", certFile, "--new-key", newKey, "--out", out, "--no-passphrase", "--bits", "2048", "--at", renewAt.Format(time.RFC3339)}
	r := runCLI(nil, nil, args...)
	msg := checkTextFailure(t, r, nil)
	for _, want := range []string{"today's freja rules", "organizationIdentifier", "O "} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q\n%s", want, r)
		}
	}
	if !strings.Contains(r.stderr, "--org VALUE") || !strings.Contains(r.stderr, "--org-id VALUE") {
		t.Errorf("the hints do not name the override flags\n%s", r)
	}
	_ = msg
	for _, f := range []string{newKey, out} {
		if exists(f) {
			t.Errorf("%s was written by a failed run", f)
		}
	}
	r = runCLI(nil, nil, append(args, "--org", "ACME and Co AB", "--org-id", "556677-8881", "-o", "json")...)
	if r.exit != exitOK {
		t.Fatalf("with the overrides\n%s", r)
	}
	var res renewResult
	_ = json.Unmarshal([]byte(r.stdout), &res)
	if res.SubjectUnchanged || res.Subject != "C=SE, organizationIdentifier=556677-8881, O=ACME and Co AB" {
		t.Errorf("subject %q unchanged %v", res.Subject, res.SubjectUnchanged)
	}
}

// TestRenewRefusesItsOwnInputs: --new-key and --out never name the current
// files, an existing --new-key needs --force, and flags are checked first.
func TestRenewRefusesItsOwnInputs(t *testing.T) {
	dir := t.TempDir()
	key := readTestKey(t, "keys/rsa2048-pkcs8.pem")
	certFile := filepath.Join(dir, "rp.cer")
	writePEMCert(t, certFile, issueWithSubject(t, key, rawName(t, csr.OIDCountry, "SE", csr.OIDOrganizationIdentifier, "556677-8881", csr.OIDOrganization, "ACME AB")))
	keyFile := filepath.Join(dir, "rp.key")
	if err := os.WriteFile(keyFile, []byte("old key"), 0o600); err != nil {
		t.Fatal(err)
	}
	otherFile := filepath.Join(dir, "other.key")
	if err := os.WriteFile(otherFile, []byte("another file"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.cer")
	if err := os.Symlink(certFile, link); err != nil {
		t.Fatal(err)
	}
	base := []string{"--no-passphrase", "--bits", "2048"}
	cases := []struct {
		name string
		args []string
		exit int
		code string
	}{
		{"new-key is the cert", []string{"--cert", certFile, "--new-key", certFile, "--out", "x.csr"}, exitUsage, "usage"},
		{"out is the cert", []string{"--cert", certFile, "--new-key", "x.key", "--out", certFile}, exitUsage, "usage"},
		{"out is the cert through a link", []string{"--cert", certFile, "--new-key", "x.key", "--out", link}, exitUsage, "usage"},
		{"new-key is the current key", []string{"--cert", certFile, "--key", keyFile, "--new-key", keyFile, "--out", "x.csr", "--force"}, exitUsage, "usage"},
		{"new-key is the key named like the cert", []string{"--cert", certFile, "--new-key", keyFile, "--out", "x.csr", "--force"}, exitUsage, "usage"},
		{"new-key is the out", []string{"--cert", certFile, "--new-key", "x", "--out", "x"}, exitUsage, "usage"},
		{"both cert and p12", []string{"--cert", certFile, "--p12", "a.p12", "--new-key", "x.key", "--out", "x.csr"}, exitUsage, "usage"},
		{"neither", []string{"--new-key", "x.key", "--out", "x.csr"}, exitUsage, "usage"},
		{"new-key exists", []string{"--cert", certFile, "--new-key", otherFile, "--out", "x.csr"}, exitFailed, "exists"},
		{"car flag on freja", []string{"--cert", certFile, "--new-key", "x.key", "--out", "x.csr", "--role", "bank"}, exitUsage, "usage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := snapshot(t, dir)
			r := runCLI(nil, nil, append(append([]string{"renew"}, c.args...), append(base, "-o", "json")...)...)
			if r.exit != c.exit {
				t.Fatalf("exit %d, want %d\n%s", r.exit, c.exit, r)
			}
			if code := checkJSONFailure(t, r, nil); c.code != "usage" && code != c.code {
				t.Errorf("code %s, want %s", code, c.code)
			}
			if d := diffSnapshots(before, snapshot(t, dir)); d != "" {
				t.Errorf("files changed:\n%s", d)
			}
			for _, f := range []string{"x.key", "x.csr", "x"} {
				if exists(f) {
					t.Errorf("%s written", f)
				}
			}
		})
	}
}

// TestRenewFromKeystore reads the leaf of a PKCS#12 file with its passphrase.
func TestRenewFromKeystore(t *testing.T) {
	sb := newSandbox(t)
	key := readTestKey(t, "keys/rsa2048-pkcs8.pem")
	cert, _ := signFrejaClient(t, sb, key, hostileNow)
	dir := t.TempDir()
	p12, err := keystore.EncodePKCS12(key, []*x509.Certificate{cert, sb.CA}, "acme", fixturePass, keystore.P12Modern)
	if err != nil {
		t.Fatal(err)
	}
	p12File := filepath.Join(dir, "rp.p12")
	if err := os.WriteFile(p12File, p12, 0o600); err != nil {
		t.Fatal(err)
	}
	before := fileHash(t, p12File)
	out := filepath.Join(dir, "rp-2027.csr")
	r := runCLI(map[string]string{envP12Passphrase: fixturePass, envPassphrase: "a new passphrase"}, nil,
		"renew", "--p12", p12File, "--new-key", filepath.Join(dir, "rp-2027.key"), "--out", out, "--zip", "--bits", "2048", "--env", "freja-test", "--at", renewAt.Format(time.RFC3339))
	if r.exit != exitOK {
		t.Fatalf("renew --p12\n%s", r)
	}
	for _, want := range []string{
		"Mail " + out + ".zip to Freja eID partner support",
		"caronboard cert verify --cert " + filepath.Join(dir, "rp-2027.cer") + " --key " + filepath.Join(dir, "rp-2027.key"),
		"caronboard pkcs12 --out " + filepath.Join(dir, "rp-2027.p12") + " --bundle freja.zip",
		"caronboard ping --env freja-test --p12 " + filepath.Join(dir, "rp-2027.p12"),
		"days left",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q\n%s", want, r)
		}
	}
	if fileHash(t, p12File) != before {
		t.Error("the keystore changed")
	}
	if keystore.IsEncrypted(mustRead(t, filepath.Join(dir, "rp-2027.key"))) != true {
		t.Error("the new key is not encrypted")
	}
}

// TestRenewFromJavaKeystore renews a key entry of a keytool-made JKS with
// two key entries (--alias picks it; without it the aliases are listed),
// and the leaf of an openssl PKCS#12 with the empty password, which opens
// without any passphrase given.
func TestRenewFromJavaKeystore(t *testing.T) {
	kt, osl := peerTool(t, "keytool"), peerTool(t, "openssl")
	sb := newSandbox(t)
	key := readTestKey(t, "keys/rsa2048-pkcs8.pem")
	cert, _ := signFrejaClient(t, sb, key, hostileNow)
	work, dir := t.TempDir(), t.TempDir()
	run := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	certPEM, keyPEM := filepath.Join(work, "rp.cer"), filepath.Join(work, "rp.key")
	writePEMCert(t, certPEM, cert)
	if err := os.WriteFile(keyPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: mustPKCS8(t, key)}), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.p12")
	run(osl, "pkcs12", "-export", "-in", certPEM, "-inkey", keyPEM, "-name", "rp", "-passout", "pass:", "-out", empty)
	jks := filepath.Join(dir, "app.jks")
	run(kt, "-importkeystore", "-noprompt", "-srckeystore", empty, "-srcstoretype", "PKCS12", "-srcstorepass", "", "-srcalias", "rp",
		"-destkeystore", jks, "-deststoretype", "JKS", "-deststorepass", fixturePass, "-destkeypass", fixturePass)
	run(kt, "-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=other", "-alias", "other", "-validity", "30",
		"-storetype", "JKS", "-keystore", jks, "-storepass", fixturePass, "-keypass", fixturePass)
	env := map[string]string{envP12Passphrase: fixturePass, envPassphrase: "a new passphrase"}
	renew := func(env map[string]string, p12, name string, extra ...string) cmdRun {
		args := append([]string{"renew", "--p12", p12, "--new-key", filepath.Join(dir, name+".key"), "--out", filepath.Join(dir, name+".csr"),
			"--bits", "2048", "--env", "freja-test", "--at", renewAt.Format(time.RFC3339), "-o", "json"}, extra...)
		return runCLI(env, nil, args...)
	}
	before := snapshot(t, dir)
	r := renew(env, jks, "no-alias")
	if r.exit != exitFailed || checkJSONFailure(t, r, nil) != "multiple_keys" || !strings.Contains(r.stdout, `\"rp\"`) || !strings.Contains(r.stdout, `\"other\"`) ||
		!strings.Contains(r.stdout, "--alias NAME") {
		t.Errorf("a JKS with two key entries and no --alias: want multiple_keys listing rp and other\n%s", r)
	}
	r = renew(env, jks, "bad-alias", "--alias", "nope")
	if r.exit != exitFailed || checkJSONFailure(t, r, nil) != "no_such_alias" {
		t.Errorf("--alias nope: want no_such_alias\n%s", r)
	}
	if d := diffSnapshots(before, snapshot(t, dir)); d != "" {
		t.Errorf("a refused renewal wrote files:\n%s", d)
	}
	if r := runCLI(nil, nil, "renew", "--cert", certPEM, "--alias", "rp", "--new-key", filepath.Join(dir, "x.key"), "--out", filepath.Join(dir, "x.csr")); r.exit != exitUsage {
		t.Errorf("--alias without --p12: want a usage error\n%s", r)
	}

	// A key entry with a passphrase of its own (keytool -destkeypass).
	keyPass := filepath.Join(dir, "app2.jks")
	run(kt, "-importkeystore", "-noprompt", "-srckeystore", empty, "-srcstoretype", "PKCS12", "-srcstorepass", "", "-srcalias", "rp",
		"-destkeystore", keyPass, "-deststoretype", "JKS", "-deststorepass", fixturePass, "-destkeypass", "key-pass-22")
	keyPassFile := filepath.Join(work, "keypass.txt")
	if err := os.WriteFile(keyPassFile, []byte("key-pass-22\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = renew(env, keyPass, "no-key-pass")
	if r.exit != exitFailed || checkJSONFailure(t, r, nil) != "wrong_passphrase" || !strings.Contains(r.stdout, "--p12-key-passphrase-file") {
		t.Errorf("a key entry with its own passphrase: want wrong_passphrase naming --p12-key-passphrase-file\n%s", r)
	}

	jksHash, emptyHash := fileHash(t, jks), fileHash(t, empty)
	for _, c := range []struct {
		name, p12 string
		env       map[string]string
		extra     []string
	}{
		{"from-jks", jks, env, []string{"--alias", "rp"}},
		{"from-empty", empty, map[string]string{envPassphrase: "a new passphrase"}, nil}, // no --p12 passphrase anywhere
		{"from-keypass", keyPass, env, []string{"--p12-key-passphrase-file", keyPassFile}},
	} {
		r := renew(c.env, c.p12, c.name, c.extra...)
		if r.exit != exitOK {
			t.Errorf("%s: renew\n%s", c.name, r)
			continue
		}
		req, err := x509.ParseCertificateRequest(pemBlock(t, mustRead(t, filepath.Join(dir, c.name+".csr"))))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !bytes.Equal(req.RawSubject, cert.RawSubject) {
			t.Errorf("%s: CSR subject %s, want the current certificate's %s", c.name, req.Subject, cert.Subject)
		}
		if req.PublicKey.(*rsa.PublicKey).Equal(&key.PublicKey) {
			t.Errorf("%s: the renewal reuses the old key", c.name)
		}
	}
	if fileHash(t, jks) != jksHash || fileHash(t, empty) != emptyHash {
		t.Error("a keystore changed")
	}
}

func pemBlock(t *testing.T, data []byte) []byte {
	t.Helper()
	b, _ := pem.Decode(data)
	if b == nil {
		t.Fatal("not PEM")
	}
	return b.Bytes
}

// TestRenewWrongKeystorePassphraseHint: a wrong --p12 passphrase names the
// flag and variable renew reads it from (--p12-passphrase-file,
// CARONBOARD_P12_PASSPHRASE), not --passphrase-file, which is the new key's;
// and nothing is written.
func TestRenewWrongKeystorePassphraseHint(t *testing.T) {
	sb := newSandbox(t)
	key := readTestKey(t, "keys/rsa2048-pkcs8.pem")
	cert, _ := signFrejaClient(t, sb, key, hostileNow)
	dir := t.TempDir()
	p12, err := keystore.EncodePKCS12(key, []*x509.Certificate{cert, sb.CA}, "acme", fixturePass, keystore.P12Modern)
	if err != nil {
		t.Fatal(err)
	}
	p12File := filepath.Join(dir, "rp.p12")
	if err := os.WriteFile(p12File, p12, 0o600); err != nil {
		t.Fatal(err)
	}
	{
		r := runCLI(map[string]string{envP12Passphrase: "not it", envPassphrase: "a new passphrase"}, nil, "renew", "--p12", p12File, "--new-key", filepath.Join(dir, "new.key"), "--out", filepath.Join(dir, "new.csr"),
			"--bits", "2048", "-o", "json", "--at", renewAt.Format(time.RFC3339))
		if r.exit != exitFailed || checkJSONFailure(t, r, nil) != "wrong_passphrase" {
			t.Fatalf("want wrong_passphrase\n%s", r)
		}
		if !strings.Contains(r.stdout, "--p12-passphrase-file") || !strings.Contains(r.stdout, envP12Passphrase) || strings.Contains(r.stdout, "given with --passphrase-file") {
			t.Errorf("the hint must name --p12-passphrase-file and %s, not --passphrase-file\n%s", envP12Passphrase, r)
		}
		for _, f := range []string{"new.key", "new.csr"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
				t.Errorf("%s was written", f)
			}
		}
	}
}
