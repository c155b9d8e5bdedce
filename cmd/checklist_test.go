package cmd

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/internal/sandbox"
	"github.com/caronboard/caronboard/pkg/keystore"
	"github.com/caronboard/caronboard/pkg/verify"
)

// runCB runs one caronboard command line on the real clock, never
// prompting, and returns the exit code, stdout and stderr.
func runCB(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	a, out, errOut := testApp(nil)
	a.Now = time.Now
	a.NoInput = true
	code := Run(context.Background(), a, args)
	return code, out.String(), errOut.String()
}

// mustCB is runCB that fails the test unless the command succeeds.
func mustCB(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runCB(t, args...)
	if code != exitOK {
		t.Fatalf("caronboard %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// checklistJSON is the part of checklist's JSON output the tests read.
type checklistJSON struct {
	OK     bool              `json:"ok"`
	States map[string]string `json:"states"`
	Next   *struct {
		ID      string `json:"id"`
		Command string `json:"command"`
	} `json:"next"`
	Steps []struct {
		ID      string `json:"id"`
		State   string `json:"state"`
		Detail  string `json:"detail"`
		Command string `json:"command"`
	} `json:"steps"`
	Notes []string `json:"notes"`
}

// states runs the checklist with -o json; it must exit 0 whatever the state.
func states(t *testing.T, args ...string) checklistJSON {
	t.Helper()
	code, out, errOut := runCB(t, append([]string{"checklist", "-o", "json"}, args...)...)
	var res checklistJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not one JSON object (%v): %s%s", err, out, errOut)
	}
	if code != exitOK || !res.OK {
		t.Fatalf("checklist exit %d: %s", code, out)
	}
	return res
}

// wantStates compares the states of the steps named in want.
func wantStates(t *testing.T, stage string, got checklistJSON, want map[string]string, next string) {
	t.Helper()
	for id, w := range want {
		if got.States[id] != w {
			t.Errorf("%s: step %s is %q, want %q (all: %v)", stage, id, got.States[id], w, got.States)
		}
	}
	gotNext := ""
	if got.Next != nil {
		gotNext = got.Next.ID
	}
	if gotNext != next {
		t.Errorf("%s: next step %q, want %q", stage, gotNext, next)
	}
}

// TestChecklistLifecycle walks a CAR onboarding against the sandbox with the
// project's own commands and checks the checklist's states at each stage,
// ending with a successful ping against the sandbox server on loopback.
func TestChecklistLifecycle(t *testing.T) {
	isolateConfig(t)
	dir := t.TempDir()
	sb, w := filepath.Join(dir, "sb"), filepath.Join(dir, "w")
	pass := filepath.Join(dir, "pass.txt")
	if err := os.WriteFile(pass, []byte("lifecycle passphrase\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustCB(t, "sandbox", "init", "--dir", sb)
	if err := os.Mkdir(w, 0o700); err != nil {
		t.Fatal(err)
	}
	env := []string{"--env", "sandbox", "--dir", w, "--sandbox-dir", sb}
	p := func(name string) string { return filepath.Join(w, name) }

	all := func(state string, ids ...string) map[string]string {
		m := map[string]string{"allow_list": "skip", "verification": "skip"}
		for _, id := range ids {
			m[id] = state
		}
		return m
	}
	got := states(t, env...)
	wantStates(t, "empty folder", got, all("open", "key", "csr", "send_csr", "certificate", "chain", "keystore", "trust_anchors", "ping"), "key")
	if got.Next.Command != "caronboard key --out "+p("client.key") {
		t.Errorf("next command %q", got.Next.Command)
	}

	mustCB(t, "key", "--out", p("client.key"), "--passphrase-file", pass)
	wantStates(t, "key", states(t, env...), map[string]string{"key": "done", "csr": "open"}, "csr")
	if err := os.Chmod(p("client.key"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantStates(t, "key readable by others", states(t, env...), map[string]string{"key": "warn"}, "csr")
	if err := os.Chmod(p("client.key"), 0o600); err != nil {
		t.Fatal(err)
	}

	mustCB(t, "csr", "--profile", "car", "--key", p("client.key"), "--passphrase-file", pass, "--out", p("client.csr"), "--org-code", "BANK01", "--role", "bank")
	got = states(t, env...)
	wantStates(t, "csr", got, map[string]string{"key": "done", "csr": "done", "send_csr": "open", "certificate": "open"}, "send_csr")
	if !strings.HasPrefix(got.Next.Command, "caronboard sandbox sign --csr "+p("client.csr")) {
		t.Errorf("next command %q", got.Next.Command)
	}

	mustCB(t, "sandbox", "sign", "--dir", sb, "--csr", p("client.csr"), "--profile", "car", "--out", p("client.cer"))
	wantStates(t, "certificate", states(t, env...),
		map[string]string{"send_csr": "done", "certificate": "done", "chain": "done", "keystore": "open"}, "keystore")

	mustCB(t, "pkcs12", "--out", p("client.p12"), "--cert", p("client.cer"), "--key", p("client.key"), "--ca", filepath.Join(sb, "ca.pem"),
		"--key-passphrase-file", pass, "--passphrase-file", pass)
	wantStates(t, "keystore", states(t, env...), map[string]string{"keystore": "done", "trust_anchors": "open"}, "trust_anchors")

	mustCB(t, "truststore", "--env", "sandbox", "--sandbox-dir", sb, "--out", p("truststore.pem"))
	got = states(t, env...)
	wantStates(t, "trust anchors", got, map[string]string{"trust_anchors": "done", "ping": "open"}, "ping")
	if want := "caronboard ping --env sandbox --p12 " + p("client.p12") + " --sandbox-dir " + sb; got.Next.Command != want {
		t.Errorf("next command %q, want %q", got.Next.Command, want)
	}

	// A ping that fails is recorded, and the checklist shows it.
	if code, _, _ := runCB(t, "ping", "--env", "sandbox", "--sandbox-dir", sb, "--addr", "127.0.0.1:1", "--p12", p("client.p12"), "--passphrase-file", pass); code != exitFailed {
		t.Fatalf("ping to a closed port: exit %d", code)
	}
	got = states(t, env...)
	wantStates(t, "failed ping", got, map[string]string{"ping": "fail"}, "ping")
	if d := stepDetail(got, "ping"); !strings.Contains(d, "tcp_refused") {
		t.Errorf("ping detail %q", d)
	}

	// A ping through the sandbox server, with the exported bundle as --ca.
	addr := serveSandbox(t, sb)
	mustCB(t, "ping", "--env", "sandbox", "--sandbox-dir", sb, "--addr", addr, "--p12", p("client.p12"), "--passphrase-file", pass, "--ca", p("truststore.pem"))
	got = states(t, env...)
	wantStates(t, "done", got, all("done", "key", "csr", "send_csr", "certificate", "chain", "keystore", "trust_anchors", "ping"), "")
	if d := stepDetail(got, "ping"); !strings.Contains(d, "mutual TLS accepted") || !strings.Contains(d, "127.0.0.1") {
		t.Errorf("ping detail %q", d)
	}

	// A certificate for another key: the certificate step fails.
	mustCB(t, "key", "--out", filepath.Join(dir, "other.key"), "--no-passphrase")
	mustCB(t, "csr", "--profile", "car", "--key", filepath.Join(dir, "other.key"), "--out", filepath.Join(dir, "other.csr"), "--org-code", "BANK02", "--role", "bank")
	if err := os.Remove(p("client.cer")); err != nil {
		t.Fatal(err)
	}
	mustCB(t, "sandbox", "sign", "--dir", sb, "--csr", filepath.Join(dir, "other.csr"), "--profile", "car", "--out", p("client.cer"))
	got = states(t, env...)
	wantStates(t, "certificate for another key", got, map[string]string{"certificate": "fail", "send_csr": "open"}, "send_csr")
}

func stepDetail(c checklistJSON, id string) string {
	for _, s := range c.Steps {
		if s.ID == id {
			return s.Detail
		}
	}
	return ""
}

// serveSandbox runs the sandbox server on a free loopback port until the
// test ends and returns its address.
func serveSandbox(t *testing.T, dir string) string {
	t.Helper()
	sb, err := sandbox.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.NewServer("127.0.0.1:0", 0, time.Now)
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
	return srv.Addr()
}

// TestChecklistCARProduction: a CAR folder from the test PKI for api, with
// an unencrypted key, the allow-list from a stubbed outgoing address and
// recorded pings.
func TestChecklistCARProduction(t *testing.T) {
	isolateConfig(t)
	old := findOutgoing
	findOutgoing = func(*Environment) []string { return []string{"192.0.2.7"} }
	t.Cleanup(func() { findOutgoing = old })
	w := t.TempDir()
	copyKeyAs(t, "../testdata/pki/car-bank.key.pem", filepath.Join(w, "client.key"))
	copyFileTo(t, "../testdata/pki/car-bank.pem", filepath.Join(w, "client.cer"))
	copyFileTo(t, "../testdata/pki/car-ca.pem", filepath.Join(w, "ca.cer"))
	args := []string{"--env", "api", "--dir", w}

	got := states(t, args...)
	wantStates(t, "api", got, map[string]string{"key": "warn", "csr": "done", "send_csr": "done", "allow_list": "manual",
		"certificate": "done", "chain": "done", "verification": "manual", "keystore": "open", "trust_anchors": "open", "ping": "open"}, "keystore")
	if d := stepDetail(got, "allow_list"); !strings.Contains(d, "192.0.2.7") || !strings.Contains(d, "NAT") {
		t.Errorf("allow_list detail %q", d)
	}
	if d := stepDetail(got, "verification"); !strings.Contains(d, "fingerprint") {
		t.Errorf("verification detail %q", d)
	}
	if d := stepDetail(got, "trust_anchors"); !strings.Contains(d, "ca.cer holds the server CA") {
		t.Errorf("trust_anchors detail %q", d)
	}
	for _, s := range got.Steps {
		if s.ID == "trust_anchors" && s.Command != "caronboard truststore --env api --out "+filepath.Join(w, "truststore.pem")+" --ca "+filepath.Join(w, "ca.cer") {
			t.Errorf("trust_anchors command %q", s.Command)
		}
	}

	// A ping that timed out at TCP: probably not allow-listed. Pings are
	// recorded with the client certificate they used: here the folder's.
	leaf, err := keystore.ReadCertificates(filepath.Join(w, "client.cer"))
	if err != nil {
		t.Fatal(err)
	}
	mine := []*tls.Certificate{{Leaf: leaf[0]}}
	a, _, _ := testApp(nil)
	a.Now = time.Now
	timeout := &verify.ProbeResult{Target: "api", Addr: "api.e-faktura.com:443", LocalAddr: "192.0.2.7:40000",
		Err: &verify.ProbeError{Code: verify.CodeTCPTimeout, Message: "no answer", Hint: "allow-list"}}
	recordPing(a, []*verify.ProbeResult{timeout}, mine, []string{"elsewhere/client.p12"})
	wantStates(t, "timed out", states(t, args...), map[string]string{"allow_list": "fail", "ping": "fail"}, "allow_list")

	// A successful ping proves the allow-list; one older than the
	// certificate is a warning.
	recordPing(a, []*verify.ProbeResult{{Target: "api", Addr: "api.e-faktura.com:443", LocalAddr: "192.0.2.7:40000", HTTPStatus: 200}}, mine, []string{""})
	wantStates(t, "accepted", states(t, args...), map[string]string{"allow_list": "done", "ping": "done"}, "keystore")
	a.Now = func() time.Time { return time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC) } // before the certificate's notBefore
	recordPing(a, []*verify.ProbeResult{{Target: "api", Addr: "api.e-faktura.com:443", LocalAddr: "192.0.2.7:40000", HTTPStatus: 200}}, mine, []string{""})
	wantStates(t, "stale ping", states(t, args...), map[string]string{"ping": "warn"}, "keystore")

	// A ping without a client certificate records nothing, and one with
	// another folder's certificate does not count here.
	a.Now = time.Now
	other, err := keystore.ReadCertificates("../testdata/pki/rp.pem")
	if err != nil {
		t.Fatal(err)
	}
	recordPing(a, []*verify.ProbeResult{timeout}, []*tls.Certificate{nil}, []string{""})
	recordPing(a, []*verify.ProbeResult{timeout}, []*tls.Certificate{{Leaf: other[0]}}, []string{filepath.Join(t.TempDir(), "rp.p12")})
	wantStates(t, "other folder's ping", states(t, args...), map[string]string{"ping": "warn"}, "keystore")
}

// TestChecklistFrejaProduction: the Freja ZIP, the production-only steps and
// logo files judged by content.
func TestChecklistFrejaProduction(t *testing.T) {
	isolateConfig(t)
	w := t.TempDir()
	copyKeyAs(t, "../testdata/pki/rp.key.pem", filepath.Join(w, "rp.key"))
	copyFileTo(t, "../testdata/pki/rp-bundle.zip", filepath.Join(w, "freja.zip"))
	eps := "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 50\n%%EndComments\nnewpath 0 0 moveto 100 50 lineto stroke\n%%EOF\n"
	if err := os.WriteFile(filepath.Join(w, "logo.eps"), []byte(eps), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--env", "freja-prod", "--dir", w}
	got := states(t, args...)
	wantStates(t, "freja-prod", got, map[string]string{"contract": "manual", "rp_details": "manual", "key": "warn",
		"csr": "done", "send_csr": "done", "certificate": "done", "chain": "done", "keystore": "open", "trust_anchors": "open", "test_users": "skip"}, "keystore")

	if err := os.WriteFile(filepath.Join(w, "logo.png"), []byte("\x89PNG\r\n\x1a\n\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	got = states(t, args...)
	wantStates(t, "PNG logo", got, map[string]string{"rp_details": "fail"}, "rp_details")
	if !strings.HasPrefix(got.Next.Command, "caronboard checklist freja-rp ") {
		t.Errorf("next command %q", got.Next.Command)
	}

	// Without --profile and --env: recognised from the certificate; the
	// test environment has test users and no contract step.
	got = states(t, "--dir", w)
	wantStates(t, "recognised", got, map[string]string{"contract": "skip", "rp_details": "skip", "test_users": "manual"}, "keystore")
	if len(got.Notes) != 2 || !strings.Contains(got.Notes[0], "profile freja recognised") {
		t.Errorf("notes %q", got.Notes)
	}
}

func TestChecklistUsageErrors(t *testing.T) {
	isolateConfig(t)
	dir := t.TempDir()
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"checklist", "--dir", filepath.Join(dir, "nope")}, "no such folder"},
		{[]string{"checklist", "--dir", dir, "--profile", "bank"}, "unknown profile"},
		{[]string{"checklist", "--dir", dir, "--profile", "freja", "--env", "stage"}, "is a car environment"},
		{[]string{"checklist", "--dir", dir, "--env", "nowhere"}, "unknown environment"},
		{[]string{"checklist", "freja-rp"}, "at least one of"},
	} {
		code, _, errOut := runCB(t, tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.msg) {
			t.Errorf("%v: exit %d, %q", tt.args, code, errOut)
		}
	}
}

func TestPingRecordFileStaysInFolder(t *testing.T) {
	const fp = "AB:CD:EF:01:23:45:67:89:AB:CD"
	for env, want := range map[string]string{
		"stage": "stage@abcdef0123456789.json", "my-env_2": "my-env_2@abcdef0123456789.json", "../../etc/x": "%2E.%2F..%2Fetc%2Fx@abcdef0123456789.json",
		"a/b": "a%2Fb@abcdef0123456789.json", ".hidden": "%2Ehidden@abcdef0123456789.json", "x@y": "x%40y@abcdef0123456789.json",
	} {
		got := pingRecordFile("/cfg", env, fp)
		if filepath.Dir(got) != "/cfg" || filepath.Base(got) != want {
			t.Errorf("%q → %q, want /cfg/%s", env, got, want)
		}
	}
}

func copyFileTo(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyKeyAs(t *testing.T, src, dst string) {
	t.Helper()
	copyFileTo(t, src, dst)
	if err := os.Chmod(dst, 0o600); err != nil {
		t.Fatal(err)
	}
}
