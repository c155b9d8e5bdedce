package cmd

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/pkg/jws"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// expiryAt is the time every expiry test judges at: no clock in tests.
var expiryAt = time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)

// testCert is one certificate issued at fixed times for the expiry tests.
type testCert struct {
	cert *x509.Certificate
	key  *rsa.PrivateKey
}

var testKeys = map[int]*rsa.PrivateKey{}

// testKey returns one of a few RSA-2048 keys, made once per run.
func testKey(t *testing.T, n int) *rsa.PrivateKey {
	t.Helper()
	if k, ok := testKeys[n]; ok {
		return k
	}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	testKeys[n] = k
	return k
}

// issueTest makes a certificate for cn valid from..to, signed by parent
// (self-signed when nil), with key number keyN.
func issueTest(t *testing.T, parent *testCert, keyN int, cn string, serial int64, ca bool, from, to time.Time) *testCert {
	t.Helper()
	key := testKey(t, keyN)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn, Organization: []string{"ACME AB"}},
		NotBefore: from, NotAfter: to, BasicConstraintsValid: true, IsCA: ca}
	if ca {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	} else {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCert{cert: c, key: key}
}

func pemOf(certs ...*x509.Certificate) []byte {
	var b bytes.Buffer
	for _, c := range certs {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

// expiryFolder is the folder the expiry tests read: a certificate that
// expires in 5 days (with its CA in the same file), one that has expired, a
// keystore, a PEM trust store and a PKCS#12 one, and a JWS trust dir.
type expiryFolder struct {
	dir, config string
	ca, soon    *testCert
	expired     *testCert
	p12Leaf     *testCert
	anchor      *testCert
	signer      *testCert
	pass        string
}

func newExpiryFolder(t *testing.T) *expiryFolder {
	t.Helper()
	f := &expiryFolder{dir: t.TempDir(), config: t.TempDir()}
	f.ca = issueTest(t, nil, 0, "Test Issuing CA", 100, true, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC))
	f.soon = issueTest(t, f.ca, 1, "soon.example", 101, false, expiryAt.AddDate(-1, 0, 0), expiryAt.Add(5*24*time.Hour))
	f.expired = issueTest(t, f.ca, 2, "expired.example", 102, false, expiryAt.AddDate(-2, 0, 0), expiryAt.Add(-10*24*time.Hour))
	f.p12Leaf = issueTest(t, f.ca, 1, "keystore.example", 103, false, expiryAt.AddDate(-1, 0, 0), expiryAt.Add(200*24*time.Hour))
	f.anchor = issueTest(t, nil, 3, "Trust Anchor Root", 104, true, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2045, 1, 1, 0, 0, 0, 0, time.UTC))
	f.signer = issueTest(t, f.anchor, 3, "JWS Signer", 105, false, expiryAt.AddDate(-1, 0, 0), expiryAt.Add(20*24*time.Hour))
	f.pass = "keystore-pass"
	write := func(name string, data []byte, perm os.FileMode) {
		if err := os.WriteFile(filepath.Join(f.dir, name), data, perm); err != nil {
			t.Fatal(err)
		}
	}
	write("soon.pem", pemOf(f.soon.cert, f.ca.cert), 0o644)
	write("expired.cer", f.expired.cert.Raw, 0o644) // DER
	p12, err := keystore.EncodePKCS12(f.p12Leaf.key, []*x509.Certificate{f.p12Leaf.cert, f.ca.cert}, "acme", f.pass, keystore.P12Modern)
	if err != nil {
		t.Fatal(err)
	}
	write("client.p12", p12, 0o600)
	write("truststore.pem", pemOf(f.anchor.cert), 0o644)
	ts, err := keystore.EncodeTrustStore([]*x509.Certificate{f.anchor.cert}, "")
	if err != nil {
		t.Fatal(err)
	}
	write("truststore.p12", ts, 0o644)
	write("client.key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: mustPKCS8(t, f.soon.key)}), 0o600)
	trust := filepath.Join(f.config, "caronboard", "jws-trust")
	if err := os.MkdirAll(trust, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(trust, jws.X5T(f.signer.cert)+".pem"), pemOf(f.signer.cert), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CONFIG_HOME", f.config)
	return f
}

func mustPKCS8(t *testing.T, k *rsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// expiryArgs reads the whole folder and the JWS signers at expiryAt.
func (f *expiryFolder) args(extra ...string) []string {
	return append([]string{"expiry", "--dir", f.dir, "--jws", "--at", expiryAt.Format(time.RFC3339)}, extra...)
}

type expiryJSON struct {
	OK           bool `json:"ok"`
	Certificates []struct {
		Role      string    `json:"role"`
		File      string    `json:"file"`
		Alias     string    `json:"alias"`
		SubjectCN string    `json:"subject_cn"`
		Serial    string    `json:"serial_number"`
		NotAfter  time.Time `json:"not_after"`
		DaysLeft  int       `json:"days_left"`
		State     string    `json:"state"`
	} `json:"certificates"`
	Counts map[string]int         `json:"counts"`
	Error  *struct{ Code string } `json:"error"`
}

func TestExpiryFolderJSON(t *testing.T) {
	f := newExpiryFolder(t)
	r := runCLI(map[string]string{}, []byte(f.pass), f.args("--passphrase-file", "-", "-o", "json")...)
	if r.exit != exitFailed {
		t.Fatalf("want exit 1 (one expired, one within 30 days)\n%s", r)
	}
	var got expiryJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	if got.OK || got.Error == nil || got.Error.Code != "expired" {
		t.Errorf("want ok false with code expired\n%s", r)
	}
	rows := map[string]string{}
	for _, c := range got.Certificates {
		if strings.HasPrefix(c.File, "embedded:") {
			if c.State != "archived" {
				t.Errorf("embedded JWS signer %s: state %s, want archived", c.SubjectCN, c.State)
			}
			continue
		}
		rows[filepath.Base(c.File)+"|"+c.SubjectCN] = c.Role + " " + c.State + " " + strconv.Itoa(c.DaysLeft)
	}
	want := map[string]string{
		"soon.pem|soon.example":                    "client expires_soon 5",
		"soon.pem|Test Issuing CA":                 "trust_anchor ok 3500",
		"expired.cer|expired.example":              "client expired -10",
		"client.p12|keystore.example":              "client ok 200",
		"client.p12|Test Issuing CA":               "trust_anchor ok 3500",
		"truststore.pem|Trust Anchor Root":         "trust_anchor ok 5327",
		"truststore.p12|Trust Anchor Root":         "trust_anchor ok 5327",
		jws.X5T(f.signer.cert) + ".pem|JWS Signer": "jws_signer expires_soon 20",
	}
	for k, v := range want {
		if rows[k] != v {
			t.Errorf("%s: got %q, want %q", k, rows[k], v)
		}
	}
	if len(rows) != len(want) {
		t.Errorf("rows %v, want %v", rows, want)
	}
	if got.Counts["expired"] != 1 || got.Counts["expires_soon"] != 2 || got.Counts["archived"] != 3 || got.Counts["read_errors"] != 0 {
		t.Errorf("counts %v", got.Counts)
	}
}

func TestExpiryKeystoreWithoutPassphrase(t *testing.T) {
	f := newExpiryFolder(t)
	r := runCLI(map[string]string{}, nil, "expiry", filepath.Join(f.dir, "client.p12"), "--at", expiryAt.Format(time.RFC3339), "-o", "json")
	if r.exit != exitOK {
		t.Fatalf("an encrypted keystore without a passphrase is not a failure\n%s", r)
	}
	var got expiryJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Certificates) != 1 || got.Certificates[0].State != "unreadable_without_passphrase" || got.Certificates[0].Alias != "acme" {
		t.Errorf("got %+v", got.Certificates)
	}
}

func TestExpiryText(t *testing.T) {
	f := newExpiryFolder(t)
	r := runCLI(map[string]string{envPassphrase: f.pass}, nil, f.args()...)
	if r.exit != exitFailed {
		t.Fatalf("want exit 1\n%s", r)
	}
	for _, want := range []string{
		`(?m)^expired +-10 +2030-05-22 +client +\S+expired\.cer +O=ACME AB, CN=expired\.example$`,
		`(?m)^expires_soon +5 +2030-06-06 +client +\S+soon\.pem +O=ACME AB, CN=soon\.example$`,
		`(?m)^ok +200 +2030-12-18 +client +\S+client\.p12 \(acme\) `,
		`(?m)^archived +-3590 +2020-08-02 +jws_signer +embedded:freja-prod `,
		`(?m)^11 certificates: 1 expired, 2 expire within 30 days, 5 ok, 3 archived \(judged at 2030-06-01 12:00:00 UTC\)$`,
	} {
		if !regexp.MustCompile(want).MatchString(r.stdout) {
			t.Errorf("stdout does not match %s\n%s", want, r)
		}
	}
	// Nothing within --warn 3d but the expired certificate: still exit 1.
	r = runCLI(map[string]string{envPassphrase: f.pass}, nil, "expiry", filepath.Join(f.dir, "soon.pem"), "--warn", "3d", "--at", expiryAt.Format(time.RFC3339))
	if r.exit != exitOK || !regexp.MustCompile(`(?m)^ok +5 +2030-06-06`).MatchString(r.stdout) {
		t.Errorf("--warn 3d: a certificate with 5 days left is ok\n%s", r)
	}
}

// TestExpiryPrometheusParsed parses the exposition with the reference
// parser, Debian's python3-prometheus-client, and checks the exact values.
func TestExpiryPrometheusParsed(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import prometheus_client.parser").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must have python3-prometheus-client (.ci/run installs it): %v", err)
		}
		t.Skipf("python3-prometheus-client is not installed (apt-get install python3-prometheus-client): %v", err)
	}
	f := newExpiryFolder(t)
	out := filepath.Join(t.TempDir(), "caronboard.prom")
	r := runCLI(map[string]string{envPassphrase: f.pass}, nil, f.args("--format", "prometheus", "--out", out)...)
	if r.exit != exitFailed || !strings.Contains(r.stdout, "Wrote "+out) {
		t.Fatalf("want exit 1 and the file written\n%s", r)
	}
	script := `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
rows = []
for fam in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in fam.samples:
        rows.append([fam.name, fam.type, s.name, dict(s.labels), s.value])
print(json.dumps(rows))
`
	cmd := exec.Command(py, "-c", script, out)
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("the parser refused the file: %v\n%s", err, stdout)
	}
	var rows [][]any
	if err := json.Unmarshal(stdout, &rows); err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, row := range rows {
		if row[1] != "gauge" {
			t.Errorf("%v is not a gauge", row)
		}
		labels := row[3].(map[string]any)
		key := row[2].(string)
		if key != "x509_read_errors" {
			for _, l := range []string{"filepath", "subject_CN", "issuer_CN", "serial_number", "role"} {
				if _, ok := labels[l]; !ok {
					t.Errorf("%v lacks label %s", row, l)
				}
			}
			key += "|" + filepath.Base(labels["filepath"].(string)) + "|" + labels["subject_CN"].(string) + "|" + labels["serial_number"].(string) + "|" + labels["role"].(string)
		}
		got[key] = row[4].(float64)
	}
	unix := func(tm time.Time) float64 { return float64(tm.Unix()) }
	want := map[string]float64{
		"x509_read_errors": 0,
		"x509_cert_not_after|soon.pem|soon.example|65|client":                                  unix(f.soon.cert.NotAfter),
		"x509_cert_not_before|soon.pem|soon.example|65|client":                                 unix(f.soon.cert.NotBefore),
		"x509_cert_expired|soon.pem|soon.example|65|client":                                    0,
		"x509_cert_not_after|expired.cer|expired.example|66|client":                            unix(f.expired.cert.NotAfter),
		"x509_cert_expired|expired.cer|expired.example|66|client":                              1,
		"x509_cert_not_after|client.p12#acme|keystore.example|67|client":                       unix(f.p12Leaf.cert.NotAfter),
		"x509_cert_expired|truststore.p12#trust-anchor-root|Trust Anchor Root|68|trust_anchor": 0, // a trust store's alias
		"x509_cert_not_after|" + jws.X5T(f.signer.cert) + ".pem|JWS Signer|69|jws_signer":      unix(f.signer.cert.NotAfter),
	}
	for k, v := range want {
		g, ok := got[k]
		if !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	// 8 certificates × 3 metrics + x509_read_errors; archived JWS signers are left out.
	if len(got) != 8*3+1 {
		keys := make([]string, 0, len(got))
		for k := range got {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		t.Errorf("%d samples:\n%s", len(got), strings.Join(keys, "\n"))
	}
}

// javaFolder is a folder with a keytool-made JKS holding two key entries
// (one imported with its CA chain, one made by -genkeypair at a fixed start
// date) and an openssl PKCS#12 with the empty password (-passout pass:).
type javaFolder struct {
	dir        string
	jks, empty string
	emptyLeaf  *testCert
}

func newJavaFolder(t *testing.T, f *expiryFolder) *javaFolder {
	t.Helper()
	kt, osl := peerTool(t, "keytool"), peerTool(t, "openssl")
	work := t.TempDir()
	j := &javaFolder{dir: t.TempDir()}
	j.jks, j.empty = filepath.Join(j.dir, "app.jks"), filepath.Join(j.dir, "empty.p12")
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), "TZ=UTC") // keytool -startdate is local time
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	src := filepath.Join(work, "soon.p12")
	p12, err := keystore.EncodePKCS12(f.soon.key, []*x509.Certificate{f.soon.cert, f.ca.cert}, "soon", f.pass, keystore.P12Modern)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, p12, 0o600); err != nil {
		t.Fatal(err)
	}
	run(kt, "-importkeystore", "-noprompt", "-srckeystore", src, "-srcstoretype", "PKCS12", "-srcstorepass", f.pass, "-srcalias", "soon",
		"-destkeystore", j.jks, "-deststoretype", "JKS", "-deststorepass", f.pass)
	run(kt, "-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=later.example", "-alias", "later",
		"-startdate", "2030/01/01 00:00:00", "-validity", "365", "-storetype", "JKS", "-keystore", j.jks, "-storepass", f.pass, "-keypass", f.pass)

	j.emptyLeaf = issueTest(t, f.ca, 4, "empty.example", 106, false, expiryAt.AddDate(-1, 0, 0), expiryAt.Add(100*24*time.Hour))
	cert, key := filepath.Join(work, "empty.pem"), filepath.Join(work, "empty.key")
	if err := os.WriteFile(cert, pemOf(j.emptyLeaf.cert, f.ca.cert), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: mustPKCS8(t, j.emptyLeaf.key)}), 0o600); err != nil {
		t.Fatal(err)
	}
	run(osl, "pkcs12", "-export", "-in", cert, "-inkey", key, "-name", "emptypw", "-passout", "pass:", "-out", j.empty)
	return j
}

// TestExpiryJavaKeystoreAndEmptyPassword: every key entry of a JKS is a row
// with its alias, the shared CA once; an empty-password PKCS#12 is read
// without a passphrase; json and prometheus agree.
func TestExpiryJavaKeystoreAndEmptyPassword(t *testing.T) {
	f := newExpiryFolder(t)
	j := newJavaFolder(t, f)
	at := expiryAt.Format(time.RFC3339)
	later := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC) // keytool: start + 365 days

	r := runCLI(map[string]string{}, []byte(f.pass), "expiry", "--dir", j.dir, "--at", at, "--passphrase-file", "-", "-o", "json")
	if r.exit != exitFailed {
		t.Fatalf("want exit 1 (soon.example within 30 days)\n%s", r)
	}
	var got expiryJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	rows := map[string]string{}
	for _, c := range got.Certificates {
		rows[filepath.Base(c.File)+"#"+c.Alias+"|"+c.SubjectCN] = fmt.Sprintf("%s %s %d %s", c.Role, c.State, c.DaysLeft, c.NotAfter.UTC().Format(time.RFC3339))
	}
	want := map[string]string{
		"app.jks#soon|soon.example":       "client expires_soon 5 " + f.soon.cert.NotAfter.UTC().Format(time.RFC3339),
		"app.jks#later|later.example":     "client ok 213 " + later.Format(time.RFC3339),
		"app.jks#|Test Issuing CA":        "trust_anchor ok 3500 2040-01-01T00:00:00Z",
		"empty.p12#emptypw|empty.example": "client ok 100 " + j.emptyLeaf.cert.NotAfter.UTC().Format(time.RFC3339),
		"empty.p12#|Test Issuing CA":      "trust_anchor ok 3500 2040-01-01T00:00:00Z",
	}
	for k, v := range want {
		if rows[k] != v {
			t.Errorf("%s: got %q, want %q", k, rows[k], v)
		}
	}
	if len(got.Certificates) != len(want) {
		t.Errorf("%d rows, want %d (the CA once per file):\n%v", len(got.Certificates), len(want), rows)
	}

	// Prometheus: one series per entry, labelled file#alias, no duplicates.
	r = runCLI(map[string]string{envPassphrase: f.pass}, nil, "expiry", "--dir", j.dir, "--at", at, "--format", "prometheus")
	if r.exit != exitFailed {
		t.Fatalf("want exit 1\n%s", r)
	}
	for _, line := range []string{
		`x509_cert_not_after{filepath="` + j.jks + `#soon",subject_CN="soon.example",issuer_CN="Test Issuing CA",serial_number="65",role="client"} ` + strconv.FormatInt(f.soon.cert.NotAfter.Unix(), 10),
		`x509_cert_not_after{filepath="` + j.jks + `#later",subject_CN="later.example",issuer_CN="later.example",serial_number="`,
		`x509_cert_expired{filepath="` + j.jks + `#later",subject_CN="later.example",`,
		`x509_cert_not_after{filepath="` + j.empty + `#emptypw",subject_CN="empty.example",issuer_CN="Test Issuing CA",serial_number="6a",role="client"} ` + strconv.FormatInt(j.emptyLeaf.cert.NotAfter.Unix(), 10),
		`x509_cert_expired{filepath="` + j.empty + `#emptypw",subject_CN="empty.example",issuer_CN="Test Issuing CA",serial_number="6a",role="client"} 0`,
		"x509_read_errors 0",
	} {
		if !strings.Contains(r.stdout, "\n"+line) {
			t.Errorf("prometheus output lacks %s\n%s", line, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, strconv.FormatInt(later.Unix(), 10)) {
		t.Errorf("later.example's not_after %d missing\n%s", later.Unix(), r.stdout)
	}
	series := map[string]bool{}
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(line, "x509_cert_") {
			name := line[:strings.LastIndex(line, " ")]
			if series[name] {
				t.Errorf("duplicate series %s", name)
			}
			series[name] = true
		}
	}
	if len(series) != 5*3 {
		t.Errorf("%d series, want 15\n%s", len(series), r.stdout)
	}

	// Without a passphrase: the empty-password store is read, the JKS is listed.
	r = runCLI(map[string]string{}, nil, "expiry", "--dir", j.dir, "--at", at, "-o", "json")
	if r.exit != exitOK {
		t.Fatalf("without a passphrase nothing fails\n%s", r)
	}
	got = expiryJSON{}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, c := range got.Certificates {
		states[filepath.Base(c.File)+"|"+c.SubjectCN] = c.State
	}
	if states["app.jks|"] != "unreadable_without_passphrase" || states["empty.p12|empty.example"] != "ok" || len(states) != 3 {
		t.Errorf("without a passphrase: %v", states)
	}

	// --no-passphrase: a store that needs one is a read error.
	r = runCLI(map[string]string{envPassphrase: f.pass}, nil, "expiry", "--dir", j.dir, "--at", at, "--no-passphrase", "--format", "prometheus")
	if r.exit != exitFailed || !strings.Contains(r.stdout, "x509_read_errors 1") || !strings.Contains(r.stdout, `filepath="`+j.empty+`#emptypw"`) {
		t.Errorf("--no-passphrase: want the JKS as a read error, the empty-password store read\n%s", r)
	}
	if r := runCLI(map[string]string{}, nil, "expiry", j.dir, "--no-passphrase", "--passphrase-file", "x"); r.exit != exitUsage {
		t.Errorf("--no-passphrase with --passphrase-file: want a usage error\n%s", r)
	}
}
