package cmd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/pkg/jws"
)

// jwsFixtures is the folder of the JWS test fixtures (see its README.md).
const jwsFixtures = "../testdata/jws"

// isolateConfig points the user config folder at a fresh temporary one, so
// the user's own trust store never takes part in a test.
func isolateConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	t.Setenv("AppData", dir)
	cfg, err := os.UserConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(cfg, "caronboard", "jws-trust")
}

// runJWS runs one caronboard command line with stdin from a fixture file
// ("" for none) and returns the exit code, stdout and stderr.
func runJWS(t *testing.T, stdinFile string, args ...string) (int, string, string) {
	t.Helper()
	a, out, errOut := testApp(nil)
	if stdinFile != "" {
		data, err := os.ReadFile(filepath.Join(jwsFixtures, stdinFile))
		if err != nil {
			t.Fatal(err)
		}
		a.In = bytes.NewReader(data)
	}
	code := Run(context.Background(), a, args)
	return code, out.String(), errOut.String()
}

func fixture(name string) string { return filepath.Join(jwsFixtures, name) }

func TestJWSVerifyFlagValidation(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{}, ""},
		{[]string{"-"}, ""},
		{[]string{"TOKEN", "--env", "freja-test"}, ""},
		{[]string{"--env", "freja-prod", "--cert", "a.pem", "--cert", "b.pem"}, ""},
		{[]string{"--at", "2022-07-28T07:16:22Z"}, ""},
		{[]string{"--batch", "file.txt"}, ""},
		{[]string{"--env", "api"}, `unknown JWS environment "api"`},
		{[]string{"--env", "FREJA-PROD"}, "unknown JWS environment"},
		{[]string{"--env", "any"}, ""},
		{[]string{"--expect-ref", "R", "--max-age", "2m", "--expect-user", "SSN:SE:190001019876", "--expect-text", "t"}, ""},
		{[]string{"--batch", "--expect-status", "APPROVED"}, ""},
		{[]string{"--batch", "--expect-ref", "R"}, "--expect-ref cannot be used with --batch"},
		{[]string{"--batch", "--max-age", "2m"}, "--max-age cannot be used with --batch"},
		{[]string{"--batch", "--expect-user", "EMAIL:a"}, "cannot be used with --batch"},
		{[]string{"--batch", "--expect-text", "t"}, "cannot be used with --batch"},
		{[]string{"--batch", "--expect-data-file", "f"}, "cannot be used with --batch"},
		{[]string{"--at", "2022-07-28T07:16:22Z", "--max-age", "2m"}, "--at and --max-age"},
		{[]string{"--max-age", "-1m"}, "not positive"},
		{[]string{"--max-age", "0s"}, "not positive"},
		{[]string{"--expect-ref", ""}, "--expect-ref is empty"},
		{[]string{"--expect-user", "alice"}, "--expect-user"},
		{[]string{"--expect-user", "SSN:190001019876"}, "--expect-user"},
		{[]string{"--expect-status", "approved"}, "not a status"},
		{[]string{"--at", "2022-07-28"}, "not an RFC 3339 time"},
		{[]string{"a", "b"}, "at most one argument"},
	}
	for _, tt := range tests {
		a, _, _ := testApp(nil)
		var got *JWSVerifyOptions
		c := NewJWSVerifyCmd(a, func(_ context.Context, o *JWSVerifyOptions) error { got = o; return nil })
		c.SetArgs(tt.args)
		c.SetOut(&bytes.Buffer{})
		c.SetErr(&bytes.Buffer{})
		err := c.Execute()
		if tt.wantErr == "" {
			if err != nil || got == nil {
				t.Errorf("%v: want accepted, got %v", tt.args, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Exit() != exitUsage || !strings.Contains(e.Message, tt.wantErr) {
			t.Errorf("%v: want usage error %q, got %v", tt.args, tt.wantErr, err)
		}
		if got != nil {
			t.Errorf("%v: run function called despite a usage error", tt.args)
		}
	}
}

func TestJWSVerifyAtIsParsed(t *testing.T) {
	a, _, _ := testApp(nil)
	var got *JWSVerifyOptions
	c := NewJWSVerifyCmd(a, func(_ context.Context, o *JWSVerifyOptions) error { got = o; return nil })
	c.SetArgs([]string{"--at", "2022-07-28T09:16:22+02:00", "--batch"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2022, 7, 28, 7, 16, 22, 0, time.UTC); !got.at.Equal(want) || !got.Batch {
		t.Fatalf("at = %v, batch = %v", got.at, got.Batch)
	}
}

func TestJWSDecodeAndTrustAddArgs(t *testing.T) {
	a, _, _ := testApp(nil)
	var token string
	c := NewJWSDecodeCmd(a, func(_ context.Context, o *JWSDecodeOptions) error { token = o.Token; return nil })
	c.SetArgs([]string{"abc.def.ghi"})
	if err := c.Execute(); err != nil || token != "abc.def.ghi" {
		t.Fatalf("decode TOKEN: %v, %q", err, token)
	}
	c.SetArgs([]string{"a", "b"})
	if err := c.Execute(); err == nil || classify(err).Exit() != exitUsage {
		t.Fatalf("decode with two arguments: want usage error, got %v", err)
	}

	add := NewJWSTrustAddCmd(a, func(*JWSTrustAddOptions) error { return nil })
	add.SetArgs(nil)
	add.SetOut(&bytes.Buffer{})
	add.SetErr(&bytes.Buffer{})
	if err := add.Execute(); err == nil || classify(err).Exit() != exitUsage {
		t.Fatalf("trust add without files: want usage error, got %v", err)
	}
}

// TestJWSVerifyExpectations runs 'jws verify -o json' on every token and
// result the fixtures' expect.txt lists, with the three signing certificates
// trusted through --cert, and checks the verdict and error code.
func TestJWSVerifyExpectations(t *testing.T) {
	isolateConfig(t)
	certs := []string{"--cert", fixture("signer.pem"), "--cert", fixture("expired.pem"), "--cert", fixture("not-yet-valid.pem")}
	for file, want := range readExpect(t, "expect.txt") {
		if strings.HasSuffix(file, ".pem") {
			continue
		}
		t.Run(file, func(t *testing.T) {
			code, out, errOut := runJWS(t, file, append([]string{"jws", "verify", "-o", "json"}, certs...)...)
			var obj struct {
				OK       bool
				Verdict  string
				Warnings []string
				Error    struct{ Code, Hint string }
				Results  []struct {
					OK    bool
					Error *struct{ Code string }
				}
			}
			if err := json.Unmarshal([]byte(out), &obj); err != nil {
				t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
			}
			if errOut != "" {
				t.Errorf("stderr not empty in JSON mode: %q", errOut)
			}
			switch want {
			case "ok", "ok-warning":
				if code != exitOK || !obj.OK || obj.Verdict != "valid" {
					t.Fatalf("exit %d, %s", code, out)
				}
				if (want == "ok-warning") != (len(obj.Warnings) > 0) {
					t.Fatalf("want %s, warnings %q", want, obj.Warnings)
				}
			default:
				if code != exitFailed || obj.OK || obj.Error.Code != want {
					t.Fatalf("want exit 1 with %s, got exit %d: %s", want, code, out)
				}
				if obj.Error.Hint == "" && want != "weak_key" {
					t.Errorf("%s has no hint", want)
				}
				if len(obj.Results) > 0 && (obj.Results[0].Error == nil || obj.Results[0].Error.Code != want) {
					t.Errorf("results[0] does not carry the error: %s", out)
				}
			}
		})
	}
}

// readExpect reads "name outcome [# comment]" lines.
func readExpect(t *testing.T, name string) map[string]string {
	t.Helper()
	f, err := os.Open(fixture(name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if fields := strings.Fields(line); len(fields) == 2 {
			m[fields[0]] = fields[1]
		}
	}
	if len(m) == 0 {
		t.Fatalf("%s lists nothing", name)
	}
	return m
}

// TestJWSBatchMatchesExpect checks that --batch writes exactly one line per
// non-blank input line, in input order, with the outcome batch-expect.txt
// names, that nothing else is on stdout, and that the exit code is 1.
func TestJWSBatchMatchesExpect(t *testing.T) {
	isolateConfig(t)
	want := readExpect(t, "batch-expect.txt")
	code, out, errOut := runJWS(t, "", "jws", "verify", "--batch", "-o", "json", fixture("batch.txt"),
		"--cert", fixture("signer.pem"), "--cert", fixture("expired.pem"), "--cert", fixture("not-yet-valid.pem"))
	if code != exitFailed {
		t.Fatalf("exit %d, want 1 (some lines fail)", code)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d output lines for %d inputs:\n%s", len(lines), len(want), out)
	}
	prev := 0
	for _, l := range lines {
		var r struct {
			Line     int
			OK       bool
			Warnings []string
			Error    *struct{ Code string }
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		if r.Line <= prev {
			t.Fatalf("line %d after line %d: not in input order", r.Line, prev)
		}
		prev = r.Line
		got := "ok"
		switch {
		case r.Error != nil:
			got = r.Error.Code
		case len(r.Warnings) > 0:
			got = "ok-warning"
		}
		if w := want[strconv.Itoa(r.Line)]; got != w {
			t.Errorf("line %d: got %s, want %s", r.Line, got, w)
		}
	}
	var sum struct{ Inputs, OK, Failed int }
	first, _, _ := strings.Cut(errOut, "\n")
	if err := json.Unmarshal([]byte(first), &sum); err != nil || sum.Inputs != len(want) || sum.OK+sum.Failed != sum.Inputs {
		t.Fatalf("stderr does not start with the JSON summary: %v\n%s", err, errOut)
	}
	if !strings.Contains(errOut, "inputs failed verification") {
		t.Fatalf("stderr does not report the failure: %s", errOut)
	}
}

func TestJWSTrustAddStoresAndRefuses(t *testing.T) {
	store := isolateConfig(t)
	// all or nothing: a refused certificate in the list stops every write
	code, _, errOut := runJWS(t, "", "jws", "trust", "add", "--env", "freja-test", fixture("signer.pem"), fixture("root-ca.pem"))
	if code != exitFailed || !strings.Contains(errOut, "root-ca.pem") || !strings.Contains(errOut, "CA certificate") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if entries, _ := os.ReadDir(store); len(entries) != 0 {
		t.Fatalf("a refused add wrote %d files", len(entries))
	}

	code, out, _ := runJWS(t, "", "jws", "trust", "add", "--env", "freja-test", "-o", "json", fixture("signer.der"))
	var res jwsTrustAddResult
	if code != exitOK || json.Unmarshal([]byte(out), &res) != nil || len(res.Certificates) != 1 || res.Certificates[0].Action != "added" {
		t.Fatalf("exit %d: %s", code, out)
	}
	x5t := res.Certificates[0].X5T
	fi, err := os.Stat(filepath.Join(store, "freja-test", x5t+".pem"))
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("stored file: %v, %v", fi, err)
	}

	// the same certificate as PEM, and one already embedded
	code, out, _ = runJWS(t, "", "jws", "trust", "add", "--env", "freja-test", "-o", "json", fixture("signer.pem"),
		"../configs/certs/freja-test-jws-signing-2017.pem")
	res = jwsTrustAddResult{}
	if code != exitOK || json.Unmarshal([]byte(out), &res) != nil || len(res.Certificates) != 2 {
		t.Fatalf("exit %d: %s", code, out)
	}
	for _, c := range res.Certificates {
		if c.Action != "already_trusted" {
			t.Errorf("%s: action %s, want already_trusted", c.From, c.Action)
		}
	}
	if res.Certificates[1].Source != "embedded" {
		t.Errorf("embedded certificate reported with source %q", res.Certificates[1].Source)
	}
	if entries, _ := os.ReadDir(filepath.Join(store, "freja-test")); len(entries) != 1 {
		t.Fatalf("store holds %d files, want 1", len(entries))
	}
	// a test certificate cannot be trusted for freja-prod; --env is required
	code, out, _ = runJWS(t, "", "jws", "trust", "add", "--env", "freja-prod", "-o", "json", fixture("signer.pem"))
	if code != exitFailed || !strings.Contains(out, `"code": "test_certificate"`) {
		t.Fatalf("freja-prod: exit %d %s", code, out)
	}
	code, out, _ = runJWS(t, "", "jws", "trust", "add", "-o", "json", fixture("signer.pem"))
	if code != exitUsage || !strings.Contains(out, "needs --env") {
		t.Fatalf("no --env: exit %d %s", code, out)
	}
}

func TestSignerStoreSkipsBadFilesWithWarning(t *testing.T) {
	store := isolateConfig(t)
	data, err := os.ReadFile(fixture("signer.pem"))
	if err != nil {
		t.Fatal(err)
	}
	tagged := filepath.Join(store, "freja-test")
	if err := os.MkdirAll(tagged, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string][]byte{"good.pem": data, "junk.pem": []byte("not a certificate"), "notes.txt": []byte("ignored")} {
		if err := os.WriteFile(filepath.Join(tagged, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := runJWS(t, "auth.jws", "jws", "verify", "--env", "freja-test")
	if code != exitOK {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "junk.pem") || strings.Contains(errOut, "notes.txt") || strings.Count(errOut, "warning") != 1 {
		t.Fatalf("want one warning naming junk.pem, got %q", errOut)
	}
	if !strings.Contains(out, "your signer store (freja-test)") {
		t.Fatalf("signer not reported as from the signer store: %s", out)
	}
	// By default (freja-prod) the test signer is refused.
	if code, out, _ := runJWS(t, "auth.jws", "jws", "verify", "-o", "json"); code != exitFailed || !strings.Contains(out, `"code": "unknown_x5t"`) {
		t.Fatalf("default environment: exit %d %s", code, out)
	}
}

func TestJWSVerifyUntaggedAndCert(t *testing.T) {
	store := isolateConfig(t)
	// --cert counts under any environment, and the signer line says so.
	code, out, _ := runJWS(t, "auth.jws", "jws", "verify", "--cert", fixture("signer.pem"))
	if code != exitOK || !strings.Contains(out, "--cert (for this run, under any environment)") {
		t.Fatalf("--cert: exit %d %s", code, out)
	}
	code, _, errOut := runJWS(t, "auth.jws", "jws", "verify", "--env", "any", "--cert", fixture("signer.pem"))
	if code != exitOK || !strings.Contains(errOut, "--env any trusts") {
		t.Fatalf("--env any: exit %d %s", code, errOut)
	}
	data, err := os.ReadFile(fixture("signer.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(store, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(store, "old.pem"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, env := range []string{"freja-prod", "freja-test", "any"} {
		code, out, _ := runJWS(t, "auth.jws", "jws", "verify", "--env", env, "-o", "json")
		if code != exitFailed || !strings.Contains(out, "without an environment") {
			t.Fatalf("untagged under %s: exit %d %s", env, code, out)
		}
	}
	code, _, errOut = runJWS(t, "auth.jws", "jws", "verify", "--allow-untagged")
	if code != exitOK || !strings.Contains(errOut, "--allow-untagged") {
		t.Fatalf("--allow-untagged: exit %d %s", code, errOut)
	}
	// Re-tagging the untagged entry.
	code, out, _ = runJWS(t, "", "jws", "trust", "add", "--env", "freja-test", "-o", "json", fixture("signer.pem"))
	if code != exitOK || !strings.Contains(out, `"action": "retagged"`) {
		t.Fatalf("re-tag: exit %d %s", code, out)
	}
	if _, err := os.Stat(filepath.Join(store, "old.pem")); !os.IsNotExist(err) {
		t.Fatalf("untagged file still there: %v", err)
	}
	if code, out, errOut := runJWS(t, "auth.jws", "jws", "verify", "--env", "freja-test"); code != exitOK {
		t.Fatalf("after re-tag: exit %d %s %s", code, out, errOut)
	}
}

// runJWSAt is runJWS with the clock at now.
func runJWSAt(t *testing.T, now time.Time, stdinFile string, args ...string) (int, string, string) {
	t.Helper()
	a, out, errOut := testApp(nil)
	a.Now = func() time.Time { return now }
	data, err := os.ReadFile(filepath.Join(jwsFixtures, stdinFile))
	if err != nil {
		t.Fatal(err)
	}
	a.In = bytes.NewReader(data)
	code := Run(context.Background(), a, args)
	return code, out.String(), errOut.String()
}

// TestJWSVerifyLive: the fixtures were signed 2025-03-14T09:26:53.589Z by
// the test signer; the clock is set, never read.
func TestJWSVerifyLive(t *testing.T) {
	isolateConfig(t)
	signedAt := time.Date(2025, 3, 14, 9, 26, 53, 589_000_000, time.UTC)
	ref := "ref0001-a4ayc_80_OGda4BO_1o_V0etpOqiLx1J" // auth.jws's authRef (jwstest.Ref(1))
	base := []string{"jws", "verify", "--env", "freja-test", "--cert", fixture("signer.pem"), "-o", "json"}
	tests := []struct {
		name  string
		now   time.Time
		stdin string
		args  []string
		code  string
	}{
		{"every expectation matches", signedAt.Add(time.Minute), "auth.jws", []string{"--expect-ref", ref, "--max-age", "2m", "--expect-user", "EMAIL:test.user@example.org"}, ""},
		{"replayed after max-age", signedAt.Add(10 * time.Minute), "auth.jws", []string{"--expect-ref", ref, "--max-age", "2m"}, "stale_result"},
		{"another reference", signedAt.Add(time.Minute), "auth.jws", []string{"--expect-ref", "other", "--max-age", "2m"}, "ref_mismatch"},
		{"another user", signedAt.Add(time.Minute), "auth.jws", []string{"--expect-user", "EMAIL:victim@example.org"}, "user_mismatch"},
		{"SSN user", signedAt.Add(time.Minute), "auth-ssn.jws", []string{"--expect-user", "SSN:SE:190001019876"}, ""},
		{"other SSN", signedAt.Add(time.Minute), "auth-ssn.jws", []string{"--expect-user", "SSN:SE:190001010000"}, "user_mismatch"},
		{"signed text", signedAt.Add(time.Minute), "sign-simple.jws", []string{"--expect-text", "I approve the transfer of 100 SEK to caronboard test"}, ""},
		{"other signed text", signedAt.Add(time.Minute), "sign-simple.jws", []string{"--expect-text", "I approve the transfer of 1 SEK"}, "signed_data_mismatch"},
		{"future timestamp", signedAt.Add(-time.Hour), "auth.jws", []string{"--max-age", "2m"}, "future_timestamp"},
		{"expect another status", signedAt.Add(time.Minute), "auth.jws", []string{"--expect-status", "REJECTED"}, "result_not_approved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runJWSAt(t, tt.now, tt.stdin, append(base, tt.args...)...)
			if tt.code == "" {
				if code != exitOK {
					t.Fatalf("exit %d: %s %s", code, out, errOut)
				}
				return
			}
			if code != exitFailed || !strings.Contains(out, `"code": "`+tt.code+`"`) || strings.Contains(out, `"payload"`) {
				t.Fatalf("want %s, exit %d: %s", tt.code, code, out)
			}
		})
	}
	// The data file of an EXTENDED signature.
	dataFile := filepath.Join(t.TempDir(), "data.bin")
	if err := os.WriteFile(dataFile, []byte("Base64 encoded bytes for the test"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runJWSAt(t, signedAt, "sign-extended.jws", append(base, "--expect-data-file", dataFile)...); code != exitOK {
		t.Fatalf("--expect-data-file: %d %s", code, out)
	}
	if code, out, _ := runJWSAt(t, signedAt, "sign-extended.jws", append(base, "--expect-data-file", fixture("auth.jws"))...); code != exitFailed ||
		!strings.Contains(out, "signed_data_mismatch") {
		t.Fatalf("--expect-data-file other data: %d %s", code, out)
	}
}

func TestJWSDefaultEnvironmentFromEnvVar(t *testing.T) {
	isolateConfig(t)
	a, _, _ := testApp(map[string]string{"CARONBOARD_JWS_ENV": "freja-test"})
	if got := a.jwsDefaultEnv(); got != "freja-test" {
		t.Fatalf("CARONBOARD_JWS_ENV: %q", got)
	}
	a, _, _ = testApp(nil)
	if got := a.jwsDefaultEnv(); got != "freja-prod" {
		t.Fatalf("default: %q", got)
	}
}

func TestJWSDecodeTokenArgumentThatIsAFile(t *testing.T) {
	isolateConfig(t)
	code, _, errOut := runJWS(t, "", "jws", "decode", fixture("auth.jws"))
	if code != exitFailed || !strings.Contains(errOut, "jws decode - < ") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestTermSafe(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, åäö":        "plain text, åäö",
		"red \x1b[31mtext":       `red \u001b[31mtext`,
		"csi \u009b2J":           `csi \u009b2J`,
		"rtl \u202eevil":         `rtl \u202eevil`,
		"two\nlines\tand a tab":  `two\u000alines\u0009and a tab`,
		"bad utf-8 \xff is kept": `bad utf-8 \ufffd is kept`,
	} {
		if got := termSafe(in, false); got != want {
			t.Errorf("termSafe(%q) = %q, want %q", in, got, want)
		}
		if got := jws.Escape(in); got != want { // pkg/jws's messages escape as decode prints
			t.Errorf("jws.Escape(%q) = %q, want %q", in, got, want)
		}
	}
	if got := termSafe("a\n\tb", true); got != "a\n\tb" {
		t.Errorf("multiline: %q", got)
	}
}

func TestJWSTrustAddFileNameConflicts(t *testing.T) {
	store := isolateConfig(t)
	code, out, _ := runJWS(t, "", "jws", "trust", "add", "--env", "freja-test", "-o", "json", fixture("signer.pem"))
	var res jwsTrustAddResult
	if code != exitOK || json.Unmarshal([]byte(out), &res) != nil {
		t.Fatalf("exit %d: %s", code, out)
	}
	path := res.Certificates[0].File
	signer, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	// A damaged file under the certificate's name is replaced, with a warning.
	if err := os.WriteFile(path, []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runJWS(t, "", "jws", "trust", "add", "--env", "freja-test", fixture("signer.pem"))
	if got, _ := os.ReadFile(path); code != exitOK || !bytes.Equal(got, signer) || !strings.Contains(errOut, "replacing") {
		t.Fatalf("exit %d, stderr %q, file now %q", code, errOut, got)
	}

	// A file under its name that holds another certificate is left alone, and
	// nothing else of the run is written.
	expired, err := os.ReadFile(fixture("expired.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, expired, 0o644); err != nil { // the 2015 certificate, named as the signer
		t.Fatal(err)
	}
	code, _, errOut = runJWS(t, "", "jws", "trust", "add", "--env", "freja-test", fixture("not-yet-valid.pem"), fixture("signer.pem"))
	if code != exitFailed || !strings.Contains(errOut, "already holds other certificates") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, expired) {
		t.Fatal("the other certificate's file was changed")
	}
	if entries, _ := os.ReadDir(filepath.Join(store, "freja-test")); len(entries) != 1 {
		t.Fatalf("store holds %d files, want 1: a refused run wrote", len(entries))
	}
}
