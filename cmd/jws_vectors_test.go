package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The real Freja test-environment results in ../shared/vectors/freja (see
// its MANIFEST.md). They hold a test user's personal data: these tests assert
// on verdicts, codes and times only and never log a payload.
const (
	frejaVectors  = "../../shared/vectors/freja"
	frejaTest2020 = "jws-signing-test-2020_2LQIrINOzwWAVDhoYybqUcXXmVs.pem"
)

var frejaVectorTokens = map[string]string{
	"test-auth-result-details.jws":          "2022-07-28",
	"test-sign-result-extended-details.jws": "2022-09-28",
	"test-sign-result-simple-details.jws":   "2023-02-06",
}

// vectorPath returns the path of a vector, skipping the test when the
// shared vectors are not there.
func vectorPath(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(frejaVectors, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("the real Freja vectors are not present (%s): skipping; they live outside the repository", p)
	}
	return p
}

// verifyVector runs 'jws verify -o json' on a vector and returns the exit
// code and the decoded object (without its payload).
func verifyVector(t *testing.T, token string, args ...string) (int, vectorResult) {
	t.Helper()
	data, err := os.ReadFile(vectorPath(t, token))
	if err != nil {
		t.Fatal(err)
	}
	a, out, errOut := testApp(nil)
	a.In = strings.NewReader(string(data))
	code := Run(t.Context(), a, append([]string{"jws", "verify", "-o", "json"}, args...))
	var r vectorResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("stdout is not one JSON object (%v); stderr %q", err, errOut)
	}
	return code, r
}

type vectorResult struct {
	OK       bool
	Warnings []string
	Error    struct{ Code, Hint string }
	Results  []struct {
		X5T         string
		SigningTime string `json:"signing_time"`
		TimeSource  string `json:"signing_time_source"`
		Signer      *struct{ X5T, Validity, Source string }
		Explanation *struct {
			Kind          string
			UserSignature *struct{ Note string } `json:"user_signature"`
		}
	}
}

func TestJWSRealFrejaVectors(t *testing.T) {
	isolateConfig(t)
	cert := vectorPath(t, frejaTest2020)
	for token, day := range frejaVectorTokens {
		t.Run(token, func(t *testing.T) {
			code, r := verifyVector(t, token, "--cert", cert)
			if code != exitOK || !r.OK || len(r.Results) != 1 {
				t.Fatalf("exit %d, error %s", code, r.Error.Code)
			}
			res := r.Results[0]
			if !strings.HasPrefix(res.SigningTime, day) || res.TimeSource != "payload timestamp" {
				t.Errorf("signing time %s (%s), want %s from the payload", res.SigningTime, res.TimeSource, day)
			}
			if res.Signer == nil || res.Signer.X5T != "2LQIrINOzwWAVDhoYybqUcXXmVs" || res.Signer.Validity != "expired" || res.Signer.Source != "flag" {
				t.Errorf("signer %+v", res.Signer)
			}
			if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "expired on 2023-05-13") {
				t.Errorf("want the expired-since-signing warning, got %q", r.Warnings)
			}
			if strings.Contains(token, "sign") && (res.Explanation == nil || res.Explanation.UserSignature == nil ||
				!strings.Contains(res.Explanation.UserSignature.Note, "not verifiable offline")) {
				t.Errorf("signature result without the labelled user signature")
			}

			code, r = verifyVector(t, token)
			if code != exitFailed || r.Error.Code != "unknown_x5t" || !strings.Contains(r.Error.Hint, "caronboard jws trust add") {
				t.Errorf("without --cert: exit %d, %s (hint %q)", code, r.Error.Code, r.Error.Hint)
			}
			code, r = verifyVector(t, token, "--env", "freja-prod")
			if code != exitFailed || r.Error.Code != "unknown_x5t" {
				t.Errorf("--env freja-prod: exit %d, %s", code, r.Error.Code)
			}
			// the 2017 test certificate has the same key but another x5t
			code, r = verifyVector(t, token, "--cert", vectorPath(t, "jws-signing-test-2017_HwMHK_gb3_iuNF1advMtlG0-fUs.pem"))
			if code != exitFailed || r.Error.Code != "unknown_x5t" {
				t.Errorf("with the 2017 certificate (same key, other x5t): exit %d, %s", code, r.Error.Code)
			}
		})
	}
}

func TestJWSRealFrejaVectorsTrustStoreAndAt(t *testing.T) {
	isolateConfig(t)
	cert := vectorPath(t, frejaTest2020)
	a, out, errOut := testApp(nil)
	if code := Run(t.Context(), a, []string{"jws", "trust", "add", "--env", "freja-test", cert}); code != exitOK {
		t.Fatalf("trust add: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out.String(), "Added:") || !strings.Contains(errOut.String(), "has expired") {
		t.Fatalf("trust add output %q, stderr %q", out, errOut)
	}
	token := "test-auth-result-details.jws"
	if code, r := verifyVector(t, token, "--env", "freja-test"); code != exitOK || r.Results[0].Signer.Source != "user" {
		t.Fatalf("after trust add: exit %d, %s", code, r.Error.Code)
	}
	// --at replaces the payload's timestamp: before the certificate's validity, and after it
	for _, at := range []string{"2020-01-01T00:00:00Z", "2024-01-01T00:00:00Z"} {
		if code, r := verifyVector(t, token, "--env", "freja-test", "--at", at); code != exitFailed || r.Error.Code != "cert_not_valid_at_signing_time" {
			t.Errorf("--at %s: exit %d, %s", at, code, r.Error.Code)
		}
	}
	if code, r := verifyVector(t, token, "--env", "freja-test", "--at", "2021-06-01T00:00:00Z"); code != exitOK || r.Results[0].TimeSource != "given time" {
		t.Errorf("--at within validity: exit %d, %s", code, r.Error.Code)
	}
}
