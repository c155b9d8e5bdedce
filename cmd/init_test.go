package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// oneByteReader hands out one byte per Read. huh's accessible mode makes a
// new line scanner for every question, which would swallow the answers after
// the first from a reader that returns more.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}

// initRunResult is the outcome of one init run driven through accessible mode.
type initRunResult struct {
	code    int
	out     string // stdout: progress, the commands' output, the checklist
	prompts string // stderr: the questions, re-prompts and errors
}

// runInitAccessible runs `caronboard init ARGS…` through Run, answering the
// questions with the given lines through huh's accessible mode.
func runInitAccessible(t *testing.T, answers []string, args ...string) initRunResult {
	t.Helper()
	a, out, errOut := testApp(map[string]string{"NO_COLOR": "1"})
	input := strings.Join(answers, "\n")
	if len(answers) > 0 {
		input += "\n"
	}
	a.Prompter = newHuhAsker(oneByteReader{strings.NewReader(input)}, errOut, true, a.Getenv)
	code := Run(context.Background(), a, append([]string{"init"}, args...))
	r := initRunResult{code: code, out: out.String(), prompts: errOut.String()}
	if strings.Contains(r.out+r.prompts, "\x1b[") {
		t.Errorf("output is coloured, though it is not a terminal:\n%q", r.out+r.prompts)
	}
	return r
}

func (r initRunResult) String() string {
	return "exit " + string(rune('0'+r.code)) + "\n--- stdout:\n" + r.out + "\n--- stderr:\n" + r.prompts
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q", what, w)
		}
	}
}

func readCSRSubject(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	req, err := csr.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return csr.FormatName(req.RawSubject)
}

// A first-time CAR integrator: API, environment, organisation code, role,
// passphrase twice, confirm. init makes the key and CSR through the csr
// command and prints the checklist.
func TestInitAccessibleCAR(t *testing.T) {
	dir := t.TempDir()
	r := runInitAccessible(t, []string{
		"1",          // Which API? 1. CAR
		"2",          // Which environment? ci, stage, api, sandbox: 2. stage
		"BANK01",     // Organisation code (CN)
		"",           // Role (OU): Enter keeps the first, bank
		"secret one", // passphrase
		"secret one", // repeated
		"y",          // create now
	}, "--dir", dir)
	if r.code != exitOK {
		t.Fatalf("init failed:\n%s", r)
	}
	mustContain(t, "the questions", r.prompts, "Which API?", "1. CAR", "Which environment?", "stage", "Organisation code (CN)", "Role (OU)", "Passphrase for the new key", "Repeat it")
	if got, want := readCSRSubject(t, filepath.Join(dir, "client.csr")), "C=SE, O=E-fakturabolaget, OU=bank, CN=BANK01"; got != want {
		t.Errorf("CSR subject %q, want %q", got, want)
	}
	fi, err := os.Stat(filepath.Join(dir, "client.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key: %v, mode %v", err, fi.Mode())
	}
	keyPEM, _ := os.ReadFile(filepath.Join(dir, "client.key"))
	if _, _, err := keystore.ParsePrivateKey(keyPEM, func() ([]byte, error) { return []byte("secret one"), nil }); err != nil {
		t.Errorf("the key does not open with the passphrase typed: %v", err)
	}
	mustContain(t, "stdout", r.out,
		"$ caronboard csr --profile car --out "+filepath.Join(dir, "client.csr"), // the command it ran, to learn from
		"--new-key "+filepath.Join(dir, "client.key"),
		"Public key SHA-256:",
		"$ caronboard checklist --profile car --env stage --dir "+dir, // where it stands, from the checklist command
		"send.e-faktura.com", "read out the public key fingerprint", // where to send the CSR; the fingerprint (CAR)
		"allow-listed", "this machine's outgoing address", // the IP allow-list
		"caronboard cert verify --cert "+filepath.Join(dir, "client.cer"),
		"caronboard pkcs12 --out "+filepath.Join(dir, "client.p12"),
		"caronboard ping --env stage --p12 "+filepath.Join(dir, "client.p12")+" --ca "+filepath.Join(dir, "ca.cer"),
		"caronboard client java --env stage --p12 "+filepath.Join(dir, "client.p12")+" --ca "+filepath.Join(dir, "ca.cer")+" --out "+filepath.Join(dir, "stage-client"), // the last step: your application
	)
	if strings.Contains(r.out+r.prompts, "secret one") {
		t.Error("the passphrase appears in the output")
	}
	if strings.Contains(r.out, "Next steps:") {
		t.Errorf("init printed csr's Next steps, and then the checklist that repeats them:\n%s", r.out)
	}
	var st initState
	data, _ := os.ReadFile(filepath.Join(dir, initStateFile))
	if err := json.Unmarshal(data, &st); err != nil || st != (initState{Profile: "car", Env: "stage"}) {
		t.Errorf("state file %s: %v %+v", data, err, st)
	}

	// Run again in the same folder: it finds the key and CSR, asks nothing,
	// leaves the key alone and points at the next step.
	before, _ := os.ReadFile(filepath.Join(dir, "client.key"))
	r2 := runInitAccessible(t, nil, "--dir", dir)
	if r2.code != exitOK {
		t.Fatalf("second run failed:\n%s", r2)
	}
	mustContain(t, "second run", r2.out, "Continuing in "+dir+": CAR, environment stage", "found client.key", "found client.csr",
		"2 done,", "Next: CSR sent")
	if strings.Contains(r2.prompts, "Passphrase") || strings.Contains(r2.out, "$ caronboard csr") {
		t.Errorf("second run asked again or made a new CSR:\n%s", r2)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "client.key"))
	if !bytes.Equal(before, after) {
		t.Error("the key was replaced")
	}
}

// A Freja relying party, with a re-prompt after a wrong check digit and after
// a character Freja refuses, each shown with pkg/csr's own message and hint.
func TestInitAccessibleFreja(t *testing.T) {
	dir := t.TempDir()
	r := runInitAccessible(t, []string{
		"2",                        // Freja
		"",                         // environment: Enter keeps freja-test
		"",                         // Country: Enter keeps SE
		"556677-8888",              // the Freja document's example: wrong check digit
		"5566778881",               // accepted without the hyphen
		"ACME & Co AB",             // "&" is refused
		"ACME and Co AB",           // accepted
		"Production",               // OU
		"Document signing service", // CN
		"pw", "pw",                 // passphrase twice
		"", // Enter: create now (default yes)
	}, "--dir", dir)
	if r.code != exitOK {
		t.Fatalf("init failed:\n%s", r)
	}
	t.Log(r)
	mustContain(t, "the questions", r.prompts,
		"Country (C) [SE]",
		"organizationIdentifier 556677-8888 does not check out",
		`O contains "&", which Freja does not accept (write "and" or drop it)`,
	)
	want := "C=SE, organizationIdentifier=556677-8881, OU=Production, O=ACME and Co AB, CN=Document signing service"
	if got := readCSRSubject(t, filepath.Join(dir, "rp.csr")); got != want {
		t.Errorf("CSR subject %q, want %q", got, want)
	}
	for _, f := range []string{"rp.key", "rp.csr", "rp.csr.zip"} {
		if !exists(filepath.Join(dir, f)) {
			t.Errorf("%s was not written", f)
		}
	}
	mustContain(t, "stdout", r.out, "--zip", "partnersupport@frejaeid.com", "caronboard pkcs12 --out "+filepath.Join(dir, "rp.p12")+" --bundle", "caronboard ping --env freja-test --p12 "+filepath.Join(dir, "rp.p12"))
	if strings.Contains(r.out, "allow-list") || strings.Contains(r.out, "read out the public key") {
		t.Error("the Freja checklist has CAR-only steps")
	}
}

// A forbidden character is refused as it is typed and asked again; when the
// input ends before a passphrase is given, init stops (no hang) and writes
// nothing.
func TestInitAccessibleReprompt(t *testing.T) {
	dir := t.TempDir()
	r := runInitAccessible(t, []string{"2", "", "", "556677-8881", "ACME (Sverige) AB", "ACME Sverige AB"}, "--dir", dir)
	if r.code != exitFailed {
		t.Fatalf("want exit 1 when the input ends, got:\n%s", r)
	}
	if n := strings.Count(r.prompts, "Legal name (O)"); n != 2 {
		t.Errorf("O was asked %d times, want 2:\n%s", n, r.prompts)
	}
	mustContain(t, "the re-prompt", r.prompts, `O contains "(", ")", which Freja does not accept (drop the brackets`)
	if n := strings.Count(r.prompts, "drop the brackets"); n != 1 {
		t.Errorf("the bracket hint appears %d times, want once:\n%s", n, r.prompts)
	}
	mustContain(t, "the error", r.prompts, "input ended before a valid answer")
	for _, f := range []string{"rp.key", "rp.csr", initStateFile} {
		if exists(filepath.Join(dir, f)) {
			t.Errorf("%s was written by a run that did not finish", f)
		}
	}
}

// Resume from each later stage with the test PKI: a key without a CSR (the
// CSR is made with that key, whose passphrase is checked as typed), then the
// certificate arriving (init checks it and builds the keystore), then the
// keystore (init offers the connection test).
func TestInitResumeCAR(t *testing.T) {
	dir := t.TempDir()
	pki := filepath.Join("..", "testdata", "pki")
	keyPEM, err := os.ReadFile(filepath.Join(pki, "car-bank.key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := keystore.ParsePrivateKey(keyPEM, nil)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := keystore.EncodePrivateKey(key, []byte("key pass"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "client.key"), enc, 0o600); err != nil {
		t.Fatal(err)
	}

	// A key, no CSR: init recognises the CAR files and makes the CSR with it.
	r := runInitAccessible(t, []string{"", "BANK01", "1", "wrong", "key pass", "y"}, "--dir", dir)
	if r.code != exitOK {
		t.Fatalf("CSR from the existing key failed:\n%s", r)
	}
	mustContain(t, "prompts", r.prompts, "wrong passphrase: type it again")
	mustContain(t, "stdout", r.out, "Found client files", "--key "+filepath.Join(dir, "client.key"))
	if strings.Contains(r.prompts, "Passphrase for the new key") {
		t.Error("asked for a new key's passphrase although the key exists")
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "client.key")); !bytes.Equal(got, enc) {
		t.Fatal("the key was replaced")
	}

	// The certificate arrives: init checks it against key, CA and CSR and
	// builds the keystore, then offers ping (declined here).
	copyFile(t, filepath.Join(pki, "car-bank.pem"), filepath.Join(dir, "client.cer"))
	copyFile(t, filepath.Join(pki, "car-ca.pem"), filepath.Join(dir, "ca.cer"))
	r = runInitAccessible(t, []string{"key pass", "p12 pass", "p12 pass", "n"}, "--dir", dir)
	if r.code != exitOK {
		t.Fatalf("keystore step failed:\n%s", r)
	}
	mustContain(t, "stdout", r.out, "found client.cer", "$ caronboard cert verify", "pass  key_match", "$ caronboard pkcs12 --out "+filepath.Join(dir, "client.p12"),
		"The steps still ahead: prove the connection works, then make a client for your application:")
	mustContain(t, "prompts", r.prompts, "Test the connection to ci now?")
	if !exists(filepath.Join(dir, "client.p12")) {
		t.Fatal("no keystore")
	}

	// Everything is there: only the connection test is left.
	r = runInitAccessible(t, []string{"n"}, "--dir", dir)
	if r.code != exitOK || strings.Contains(r.out, "== Build the PKCS#12") {
		t.Fatalf("third run:\n%s", r)
	}
	mustContain(t, "stdout", r.out, "found client.p12", "caronboard ping --env ci --p12 ",
		"the server's CA as a trust store", "$ caronboard truststore --env ci --format pkcs12 --no-passphrase --out "+filepath.Join(dir, "ci-truststore.p12")+" --ca "+filepath.Join(dir, "ca.cer"),
		"$ caronboard client java --env ci --p12 "+filepath.Join(dir, "client.p12"))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Without a terminal init asks nothing and exits 2 with the flags that do
// the same job.
func TestInitNoTerminal(t *testing.T) {
	a, out, errOut := testApp(nil) // no Prompter: stdin is not a terminal
	code := Run(context.Background(), a, []string{"init", "--dir", t.TempDir()})
	if code != exitUsage {
		t.Fatalf("exit %d, want 2\n%s%s", code, out, errOut)
	}
	mustContain(t, "stderr", errOut.String(), "needs a terminal", "caronboard csr --profile car --new-key", "caronboard csr --profile freja --new-key", "--passphrase-file")
	// One error; the alternatives are hints.
	if n := strings.Count(errOut.String(), "caronboard: error:"); n != 1 {
		t.Errorf("%d error lines, want 1:\n%s", n, errOut)
	}
	mustContain(t, "stderr", errOut.String(), "caronboard: hint:    CAR: caronboard csr --profile car", "caronboard: hint:    Freja: caronboard csr --profile freja")

	a, out, _ = testApp(nil)
	a.Prompter = newHuhAsker(strings.NewReader(""), io.Discard, true, a.Getenv)
	if code := Run(context.Background(), a, []string{"init", "--no-input", "-o", "json"}); code != exitUsage {
		t.Fatalf("--no-input: exit %d, want 2", code)
	}
	mustContain(t, "JSON", out.String(), `"code": "no_terminal"`, "caronboard csr --profile car")
}

// Freja: the reply from partner support is a ZIP; init builds the keystore
// from it (pkcs12 --bundle) and checks it against the profile.
func TestInitResumeFrejaBundle(t *testing.T) {
	dir := t.TempDir()
	pki := filepath.Join("..", "testdata", "pki")
	copyFile(t, filepath.Join(pki, "rp.key.pem"), filepath.Join(dir, "rp.key"))
	if err := os.Chmod(filepath.Join(dir, "rp.key"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runInitAccessible(t, []string{"", "", "556677-8881", "ACME AB", "Production", "Document signing service", "y"}, "--dir", dir)
	if r.code != exitOK {
		t.Fatalf("CSR for the existing key:\n%s", r)
	}
	if strings.Contains(r.prompts, "Passphrase") {
		t.Error("asked for a passphrase of an unencrypted key")
	}
	copyFile(t, filepath.Join(pki, "rp-bundle.zip"), filepath.Join(dir, "ACME AB.zip"))
	r = runInitAccessible(t, []string{"p12 pass", "p12 pass", "n"}, "--dir", dir)
	if r.code != exitOK {
		t.Fatalf("keystore from the bundle:\n%s", r)
	}
	mustContain(t, "stdout", r.out, "found ACME AB.zip", "--bundle '"+filepath.Join(dir, "ACME AB.zip")+"'", "$ caronboard pkcs12 inspect", "caronboard ping --env freja-test")
	if !exists(filepath.Join(dir, "rp.p12")) {
		t.Fatal("no keystore")
	}
}

// Within one run a passphrase is asked once: the key's for checking the
// certificate and building the keystore, the keystore's (twice, as it is
// set) and then not again for the connection test.
func TestInitAsksEachPassphraseOnce(t *testing.T) {
	isolateConfig(t)
	cfg, err := os.UserConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	// ci points at a closed loopback port: the connection test fails fast, offline.
	if err := os.MkdirAll(filepath.Join(cfg, "caronboard"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg, "caronboard", "config.yaml"), []byte("environments:\n  ci:\n    host: 127.0.0.1\n    port: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pki := filepath.Join("..", "testdata", "pki")
	keyPEM, err := os.ReadFile(filepath.Join(pki, "car-bank.key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := keystore.ParsePrivateKey(keyPEM, nil)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := keystore.EncodePrivateKey(key, []byte("key pass"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "client.key"), enc, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runInitAccessible(t, []string{"", "BANK01", "1", "key pass", "y"}, "--dir", dir); r.code != exitOK {
		t.Fatalf("CSR failed:\n%s", r)
	}
	copyFile(t, filepath.Join(pki, "car-bank.pem"), filepath.Join(dir, "client.cer"))
	copyFile(t, filepath.Join(pki, "car-ca.pem"), filepath.Join(dir, "ca.cer"))
	r := runInitAccessible(t, []string{"key pass", "p12 pass", "p12 pass", "y"}, "--dir", dir)
	mustContain(t, "stdout", r.out, "== Test the connection", "refused the connection")
	if n := strings.Count(r.prompts, "Passphrase of "+filepath.Join(dir, "client.key")); n != 1 {
		t.Errorf("the key's passphrase was asked %d times, want once:\n%s", n, r.prompts)
	}
	if n := strings.Count(r.prompts, "Passphrase of "+filepath.Join(dir, "client.p12")); n != 0 {
		t.Errorf("the keystore's passphrase was asked again %d times for the connection test:\n%s", n, r.prompts)
	}
	if n := strings.Count(r.prompts, "Passphrase for the new keystore"); n != 1 {
		t.Errorf("the new keystore's passphrase was asked %d times (besides its repetition), want once:\n%s", n, r.prompts)
	}
}
