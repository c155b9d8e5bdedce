package expiry

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

var at = time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)

func TestJudge(t *testing.T) {
	day := 24 * time.Hour
	from := at.AddDate(-1, 0, 0)
	cases := []struct {
		name   string
		nb, na time.Time
		warn   time.Duration
		state  State
		days   int
	}{
		{"far", from, at.Add(100 * day), 30 * day, StateOK, 100},
		{"5 days", from, at.Add(5 * day), 30 * day, StateExpiresSoon, 5},
		{"at the warn edge", from, at.Add(30 * day), 30 * day, StateExpiresSoon, 30},
		{"just past the edge", from, at.Add(30*day + time.Second), 30 * day, StateOK, 30},
		{"later today", from, at.Add(time.Hour), 30 * day, StateExpiresSoon, 0},
		{"a second ago", from, at.Add(-time.Second), 30 * day, StateExpired, -1},
		{"10 days ago", from, at.Add(-10 * day), 30 * day, StateExpired, -10},
		{"not yet", at.Add(day), at.Add(400 * day), 30 * day, StateNotYetValid, 400},
		{"warn 0", from, at.Add(day), 0, StateOK, 1},
	}
	for _, c := range cases {
		st, d := Judge(c.nb, c.na, at, c.warn)
		if st != c.state || d != c.days {
			t.Errorf("%s: %s %d, want %s %d", c.name, st, d, c.state, c.days)
		}
	}
}

func newSelfSigned(t *testing.T, cn string, serial int64, from, to time.Time) *x509.Certificate {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn}, NotBefore: from, NotAfter: to}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c
}

// TestPrometheusEscapesLabels: quotes, backslashes and newlines in a
// subject or a path cannot break a line of the exposition.
func TestPrometheusEscapesLabels(t *testing.T) {
	c := newSelfSigned(t, "evil\" } x509_cert_expired{a=\"1\nb\\", 255, at.AddDate(-1, 0, 0), at.AddDate(1, 0, 0))
	s := &Scanner{At: at, Warn: 30 * 24 * time.Hour}
	s.AddCertificates([]*x509.Certificate{c}, RoleClient, "/etc/x\"y\n.pem", "", "")
	s.AddError("bad.pem", errBad)
	var b bytes.Buffer
	if err := WritePrometheus(&b, s.Report()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	want := `x509_cert_not_after{filepath="/etc/x\"y\n.pem",subject_CN="evil\" } x509_cert_expired{a=\"1\nb\\",issuer_CN="evil\" } x509_cert_expired{a=\"1\nb\\",serial_number="ff",role="client"} ` +
		itoa(c.NotAfter.Unix()) + "\n"
	if !strings.Contains(out, want) {
		t.Errorf("got\n%s\nwant the line\n%s", out, want)
	}
	if !strings.Contains(out, "\nx509_read_errors 1\n") {
		t.Errorf("read errors not counted:\n%s", out)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "x509_") {
			t.Errorf("stray line %q", line)
		}
	}
}

type bad struct{}

func (bad) Error() string { return "damaged" }

var errBad = bad{}

func itoa(n int64) string { return big.NewInt(n).String() }

// TestScanDataRoles: a chain file gives the leaf as client, the
// intermediate as ca and the root as trust_anchor; a CSR or a key alone is
// a read error, not a crash.
func TestScanDataRoles(t *testing.T) {
	root := newSelfSigned(t, "Root", 1, at.AddDate(-1, 0, 0), at.AddDate(10, 0, 0))
	leaf := newSelfSigned(t, "Leaf", 2, at.AddDate(-1, 0, 0), at.AddDate(0, 0, 3))
	var buf bytes.Buffer
	for _, c := range []*x509.Certificate{leaf, root} {
		_ = pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	s := &Scanner{At: at, Warn: 30 * 24 * time.Hour}
	s.AddData("chain.pem", buf.Bytes())
	s.AddData("garbage.pem", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
	r := s.Report()
	if len(r.Certificates) != 2 || len(r.Errors) != 1 {
		t.Fatalf("%+v", r)
	}
	// Self-signed without IsCA is a leaf; order is soonest expiry first.
	if r.Certificates[0].SubjectCN != "Leaf" || r.Certificates[0].State != StateExpiresSoon || r.Certificates[0].DaysLeft != 3 {
		t.Errorf("first row %+v", r.Certificates[0])
	}
	if !r.Failed() || r.Summary() != "2 certificates: 1 expires within 30 days, 1 ok, 1 unreadable file" {
		t.Errorf("failed %v summary %q", r.Failed(), r.Summary())
	}
}

// TestScanFolder: a folder scan reads certificate files and links to them,
// skips keys, CSRs, hidden entries and other names.
func TestScanFolder(t *testing.T) {
	dir := t.TempDir()
	c := newSelfSigned(t, "Folder", 3, at.AddDate(-1, 0, 0), at.AddDate(1, 0, 0))
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	write := func(name string, data []byte) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.pem", certPEM)
	write("sub/b.crt", certPEM)
	write(".hidden/c.pem", certPEM)
	write("notes.txt", certPEM)
	write("client.key.pem", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
	if err := os.Symlink(filepath.Join(dir, "a.pem"), filepath.Join(dir, "link.cer")); err != nil {
		t.Fatal(err)
	}
	s := &Scanner{At: at, Warn: 30 * 24 * time.Hour}
	s.AddPath(dir)
	r := s.Report()
	var files []string
	for _, e := range r.Certificates {
		files = append(files, filepath.Base(e.File))
	}
	sort.Strings(files)
	if strings.Join(files, " ") != "a.pem b.crt link.cer" || len(r.Errors) != 0 {
		t.Errorf("files %v errors %v", files, r.Errors)
	}
}
