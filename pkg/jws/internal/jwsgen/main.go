// Command jwsgen writes the JWS test fixtures in testdata/jws: a test PKI's
// certificates (fresh keys on every run; no private key is written), tokens
// and Freja result objects for every case, a batch input, and expect.txt,
// which names the outcome each fixture must have. Run it with
// 'go generate ./pkg/jws/' from the repository root.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/caronboard/caronboard/pkg/jws/internal/jwstest"
)

func main() {
	out := flag.String("out", "testdata/jws", "folder to write the fixtures to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "jwsgen:", err)
		os.Exit(1)
	}
}

// fixture is one file and the outcome it must have ("ok", "ok-warning" or
// an error code); outcome "" means the file is not checked on its own.
type fixture struct {
	name, data, outcome, note string
}

func run(dir string) error {
	p, err := jwstest.NewPKI()
	if err != nil {
		return err
	}
	s, at := p.Signer.RSAKey(), jwstest.SignedAt
	hdr := jwstest.Header(p.Signer.X5T)
	auth := jwstest.AuthPayload(jwstest.Ref(1), at, false)
	authTok := jwstest.SignRS256(s, hdr, auth)
	signTok := jwstest.SignRS256(s, hdr, p.SignPayload(jwstest.Ref(2), "EXTENDED", at))
	parts := strings.Split(authTok, ".")
	otherAuth := strings.Split(jwstest.SignRS256(s, hdr, jwstest.AuthPayload(jwstest.Ref(3), at, false)), ".")

	fx := []fixture{
		{"signer.pem", string(p.Signer.PEM()), "", "the JWS signing certificate, valid 2020-01-01 to 2099-01-01 (x5t " + p.Signer.X5T + ")"},
		{"signer.der", string(p.Signer.Cert.Raw), "", "the same certificate as DER"},
		{"signer-and-other.pem", string(p.Signer.PEM()) + string(p.Other.PEM()), "", "two signing certificates in one PEM file"},
		{"expired.pem", string(p.Expired.PEM()), "", "a signing certificate valid 2015-01-01 to 2018-01-01"},
		{"not-yet-valid.pem", string(p.NotYetValid.PEM()), "", "a signing certificate valid 2090-01-01 to 2099-01-01"},
		{"root-ca.pem", string(p.Root.PEM()), "ca_certificate", "the test root CA: 'jws trust add' refuses it"},
		{"ecdsa.pem", string(p.ECDSA.PEM()), "not_rsa", "an ECDSA certificate: refused"},
		{"weak-1024.pem", string(p.Weak.PEM()), "weak_key", "a 1024-bit RSA certificate: refused"},

		{"auth.jws", authTok, "ok", "authentication result, userInfoType EMAIL, signed 2025-03-14"},
		{"auth-ssn.jws", jwstest.SignRS256(s, hdr, jwstest.AuthPayload(jwstest.Ref(4), at, true)), "ok", "authentication result, userInfoType SSN"},
		{"sign-simple.jws", jwstest.SignRS256(s, hdr, p.SignPayload(jwstest.Ref(5), "SIMPLE", at)), "ok", "signature result, SIMPLE, with user signature and OCSP response"},
		{"sign-extended.jws", signTok, "ok", "signature result, EXTENDED"},
		{"expired-since.jws", jwstest.SignRS256(p.Expired.RSAKey(), jwstest.Header(p.Expired.X5T), jwstest.AuthPayload(jwstest.Ref(6), jwstest.ExpiredSignedAt, false)), "ok-warning", "signed 2016-06-01 by expired.pem: valid then, expired now (trust expired.pem)"},
		{"signed-after-expiry.jws", jwstest.SignRS256(p.Expired.RSAKey(), jwstest.Header(p.Expired.X5T), jwstest.AuthPayload(jwstest.Ref(7), at, false)), "cert_not_valid_at_signing_time", "signed 2025 by expired.pem (trust expired.pem)"},
		{"not-yet-valid.jws", jwstest.SignRS256(p.NotYetValid.RSAKey(), jwstest.Header(p.NotYetValid.X5T), jwstest.AuthPayload(jwstest.Ref(8), at, false)), "cert_not_valid_at_signing_time", "signed 2025 by not-yet-valid.pem (trust it)"},
		{"bad-signature.jws", parts[0] + "." + otherAuth[1] + "." + parts[2], "bad_signature", "auth.jws with another result's payload"},
		{"alg-none.jws", jwstest.Unsigned(`{"alg":"none","x5t":"`+p.Signer.X5T+`"}`, auth), "alg_not_allowed", "alg none"},
		{"alg-hs256.jws", jwstest.SignHS256(p.Signer.Cert.Raw, `{"alg":"HS256","x5t":"`+p.Signer.X5T+`"}`, auth), "alg_not_allowed", "HS256 keyed with the certificate"},
		{"crit.jws", jwstest.SignRS256(s, `{"alg":"RS256","x5t":"`+p.Signer.X5T+`","crit":["exp"],"exp":1}`, auth), "crit_not_allowed", "crit header"},
		{"missing-x5t.jws", jwstest.SignRS256(s, `{"alg":"RS256"}`, auth), "missing_x5t", "no x5t"},
		{"unknown-x5t.jws", jwstest.SignRS256(p.Attacker.RSAKey(), jwstest.Header(p.Attacker.X5T), auth), "unknown_x5t", "signed by an untrusted certificate"},
		{"duplicate-alg.jws", jwstest.SignRS256(s, `{"alg":"none","alg":"RS256","x5t":"`+p.Signer.X5T+`"}`, auth), "malformed", "alg twice in the header"},
		{"padding.jws", authTok + "==", "malformed", "base64 padding"},
		{"no-timestamp.jws", jwstest.SignRS256(s, hdr, []byte(`{"authRef":"`+jwstest.Ref(11)+`","status":"APPROVED","userInfoType":"EMAIL","userInfo":"`+jwstest.UserEmail+`"}`)),
			"ok-warning", "an authentication result without timestamp: --max-age refuses it (missing_timestamp)"},
		{"future.jws", jwstest.SignRS256(s, hdr, jwstest.AuthPayload(jwstest.Ref(12), jwstest.FutureSignedAt, false)),
			"ok-warning", "an authentication result whose timestamp is 2090-01-01: --max-age refuses it (future_timestamp)"},

		{"auth-result.json", string(jwstest.Result("authRef", jwstest.Ref(1), "APPROVED", authTok)) + "\n", "ok", "a Freja authentication result object"},
		{"signature-results.json", string(jwstest.List("signatureResults", jwstest.Result("signRef", jwstest.Ref(2), "APPROVED", signTok))) + "\n", "ok", "the signatureResults list form"},
		{"rejected-result.json", string(jwstest.Result("authRef", jwstest.Ref(9), "REJECTED", "")) + "\n", "result_not_approved", "a result without details"},
		{"mismatch-result.json", string(jwstest.Result("authRef", jwstest.Ref(10), "APPROVED", authTok)) + "\n", "details_mismatch", "details copied from another result"},
		{"duplicate-ref-result.json", `{"authRef":"` + jwstest.Ref(10) + `","authRef":"` + jwstest.Ref(1) + `","status":"APPROVED","details":"` + authTok + `"}` + "\n",
			"not_a_result", "authRef twice in the result object (a reader keeping the last one would match it)"},
		{"case-variant-result.json", `{"authRef":"` + jwstest.Ref(1) + `","AuthRef":"` + jwstest.Ref(10) + `","status":"APPROVED","details":"` + authTok + `"}` + "\n",
			"not_a_result", "AuthRef beside authRef (Go's encoding/json matches either)"},
		{"mixed-list-result.json", `{"authenticationResults":[` + string(jwstest.Result("authRef", jwstest.Ref(1), "APPROVED", authTok)) + `],"authRef":"` + jwstest.Ref(10) + `","status":"APPROVED"}` + "\n",
			"not_a_result", "a list with result members beside it"},
		{"requested-attributes-result.json", `{"authRef":"` + jwstest.Ref(1) + `","status":"APPROVED","requestedAttributes":{"emailAddress":"victim@example.org"},"details":"` + authTok + `"}` + "\n",
			"details_mismatch", "outer requestedAttributes other than the signed ones"},
	}
	batch, expect := batchInput(fx)
	fx = append(fx, fixture{"batch.txt", batch, "", "batch input; batch-expect.txt gives each line's outcome"},
		fixture{"batch-expect.txt", expect, "", "line number and outcome of each non-blank batch.txt line"})

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var manifest strings.Builder
	manifest.WriteString("# file outcome (with signer.pem, expired.pem and not-yet-valid.pem trusted, now 2026-11-22)\n")
	var readme strings.Builder
	readme.WriteString(readmeHead)
	for _, f := range fx {
		if err := os.WriteFile(filepath.Join(dir, f.name), []byte(f.data), 0o644); err != nil {
			return err
		}
		if f.outcome != "" {
			fmt.Fprintf(&manifest, "%s %s\n", f.name, f.outcome)
		}
		fmt.Fprintf(&readme, "| `%s` | %s | %s |\n", f.name, f.outcome, f.note)
	}
	if err := os.WriteFile(filepath.Join(dir, "expect.txt"), []byte(manifest.String()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "README.md"), []byte(readme.String()), 0o644)
}

// notInBatch are the fixtures added for live verification and strict
// result parsing, kept out of batch.txt so that its lines stay as the
// batch scenario numbers them.
var notInBatch = map[string]bool{"no-timestamp.jws": true, "future.jws": true, "duplicate-ref-result.json": true,
	"case-variant-result.json": true, "mixed-list-result.json": true, "requested-attributes-result.json": true}

// batchInput makes a batch file of every token and result fixture (one per
// line, with a blank line) and its expected outcomes. (Overlong lines are
// covered by pkg/jws's tests, not by a megabyte fixture.)
func batchInput(fx []fixture) (string, string) {
	var in, want strings.Builder
	line := 0
	names := make([]string, 0, len(fx))
	byName := map[string]fixture{}
	for _, f := range fx {
		if notInBatch[f.name] {
			continue
		}
		if strings.HasSuffix(f.name, ".jws") || strings.HasSuffix(f.name, ".json") {
			names = append(names, f.name)
			byName[f.name] = f
		}
	}
	sort.Strings(names)
	for i, n := range names {
		if i == 3 {
			line++
			in.WriteString("\n")
		}
		line++
		in.WriteString(strings.TrimSpace(byName[n].data) + "\n")
		fmt.Fprintf(&want, "%d %s # %s\n", line, byName[n].outcome, n)
	}
	return in.String(), want.String()
}

const readmeHead = `# JWS test fixtures

Generated by ` + "`go generate ./pkg/jws/`" + ` (pkg/jws/internal/jwsgen): a fresh test PKI on every run, so the
files change together; no private key is kept. ` + "`expect.txt`" + ` names the outcome each token, result or
certificate must have with signer.pem, expired.pem and not-yet-valid.pem trusted and the current time
2026-11-22 (pkg/jws's fixture test checks it); ` + "`batch-expect.txt`" + ` does the same for batch.txt.
Outcomes: ok, ok-warning (verified, with the warning that the certificate has expired since), or the error
code. The payloads' user data is invented.

| file | outcome | what |
|---|---|---|
`
