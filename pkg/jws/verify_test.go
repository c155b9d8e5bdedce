package jws

import (
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/pkg/jws/internal/jwstest"
)

func TestVerifyGood(t *testing.T) {
	ref := jwstest.Ref(1)
	res, err := Verify(goodToken(), testOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.Signer.X5T != pki.Signer.X5T || res.Status != "APPROVED" || res.RefName != "authRef" || res.Ref != ref {
		t.Fatalf("result %+v", res)
	}
	if !res.SigningTime.Equal(jwstest.SignedAt) || res.TimeSource != TimeFromPayload {
		t.Fatalf("signing time %v from %s", res.SigningTime, res.TimeSource)
	}
	if len(res.Warnings) != 0 {
		t.Fatalf("warnings %v", res.Warnings)
	}
	if _, err := Explain(res.Payload); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyTime(t *testing.T) {
	signer, expired, later := pki.Signer.RSAKey(), pki.Expired.RSAKey(), pki.NotYetValid.RSAKey()
	auth := func(ts time.Time) []byte { return jwstest.AuthPayload("r", ts, false) }
	tests := []struct {
		name   string
		token  string
		at     time.Time
		code   string
		source string
		warn   string
	}{
		{"valid now and then", jwstest.SignRS256(signer, jwstest.Header(pki.Signer.X5T), auth(jwstest.SignedAt)), time.Time{}, "", TimeFromPayload, ""},
		{"expired since signing is a warning", jwstest.SignRS256(expired, jwstest.Header(pki.Expired.X5T), auth(jwstest.ExpiredSignedAt)), time.Time{}, "", TimeFromPayload, "expired on 2018-01-01"},
		{"signed after expiry", jwstest.SignRS256(expired, jwstest.Header(pki.Expired.X5T), auth(jwstest.SignedAt)), time.Time{}, CodeCertNotValidAt, TimeFromPayload, ""},
		{"signed before validity", jwstest.SignRS256(later, jwstest.Header(pki.NotYetValid.X5T), auth(jwstest.SignedAt)), time.Time{}, CodeCertNotValidAt, TimeFromPayload, ""},
		{"signed before validity (2019)", jwstest.SignRS256(signer, jwstest.Header(pki.Signer.X5T), auth(mustTime("2019-12-31T23:59:59Z"))), time.Time{}, CodeCertNotValidAt, TimeFromPayload, ""},
		{"--at overrides timestamp (valid)", jwstest.SignRS256(expired, jwstest.Header(pki.Expired.X5T), auth(jwstest.SignedAt)), mustTime("2017-01-01T00:00:00Z"), "", TimeFromCaller, "expired"},
		{"--at overrides timestamp (invalid)", jwstest.SignRS256(signer, jwstest.Header(pki.Signer.X5T), auth(jwstest.SignedAt)), mustTime("2017-01-01T00:00:00Z"), CodeCertNotValidAt, TimeFromCaller, ""},
		{"no timestamp uses now", jwstest.SignRS256(signer, jwstest.Header(pki.Signer.X5T), []byte(`{"status":"APPROVED"}`)), time.Time{}, "", TimeFromNow, "no timestamp"},
		{"no timestamp, expired now", jwstest.SignRS256(expired, jwstest.Header(pki.Expired.X5T), []byte(`{"status":"APPROVED"}`)), time.Time{}, CodeCertNotValidAt, TimeFromNow, ""},
		{"future timestamp warns", jwstest.SignRS256(signer, jwstest.Header(pki.Signer.X5T), auth(now.Add(time.Hour))), time.Time{}, "", TimeFromPayload, "in the future"},
		{"timestamp a string", jwstest.SignRS256(signer, jwstest.Header(pki.Signer.X5T), []byte(`{"timestamp":"1658992582017"}`)), time.Time{}, CodeMalformed, "", ""},
		{"timestamp a fraction", jwstest.SignRS256(signer, jwstest.Header(pki.Signer.X5T), []byte(`{"timestamp":1658992582017.5}`)), time.Time{}, CodeMalformed, "", ""},
		{"timestamp twice", jwstest.SignRS256(signer, jwstest.Header(pki.Signer.X5T), []byte(`{"timestamp":1,"timestamp":1658992582017}`)), time.Time{}, CodeMalformed, "", ""},
		{"not JSON payload refused", jwstest.SignRS256(signer, jwstest.Header(pki.Signer.X5T), []byte(`hello`)), time.Time{}, CodeMalformed, "", ""},
		{"JSON but not an object refused", jwstest.SignRS256(signer, jwstest.Header(pki.Signer.X5T), []byte(`["APPROVED"]`)), time.Time{}, CodeMalformed, "", ""},
		{"invalid JSON inside an object refused", jwstest.SignRS256(signer, jwstest.Header(pki.Signer.X5T), []byte(`{"status":"APPROVED","x":[1,]}`)), time.Time{}, CodeMalformed, "", ""},
		{"signed status not approved", jwstest.SignRS256(signer, jwstest.Header(pki.Signer.X5T), []byte(`{"status":"REJECTED","authRef":"r"}`)), time.Time{}, CodeResultNotApproved, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOpts(t)
			opts.At = tt.at
			res, err := Verify(tt.token, opts)
			if tt.code != "" {
				wantCode(t, err, tt.code)
			} else if err != nil {
				t.Fatal(err)
			}
			if tt.source != "" && res.TimeSource != tt.source {
				t.Fatalf("time source %q, want %q", res.TimeSource, tt.source)
			}
			if tt.warn != "" && !strings.Contains(strings.Join(res.Warnings, "\n"), tt.warn) {
				t.Fatalf("warnings %q lack %q", res.Warnings, tt.warn)
			}
		})
	}
}

// attack is a token an attacker (or a broken producer) might send, and the
// code it must be refused with. stricter marks tokens go-jose accepts with
// the key their x5t names (see TestDifferentialGoJose): refusing them is
// this package's policy, not a cryptographic verdict.
type attack struct {
	name, token, code string
	stricter          string
}

// attacks builds the attack table. Every token carries a payload that
// would verify if the signature were honest.
func attacks() []attack {
	signer, attacker := pki.Signer.RSAKey(), pki.Attacker.RSAKey()
	x5t := pki.Signer.X5T
	payload := jwstest.AuthPayload(jwstest.Ref(7), jwstest.SignedAt, false)
	other := jwstest.AuthPayload(jwstest.Ref(8), jwstest.SignedAt, false)
	good := jwstest.SignRS256(signer, jwstest.Header(x5t), payload)
	goodOther := jwstest.SignRS256(signer, jwstest.Header(x5t), other)
	gp, op := strings.Split(good, "."), strings.Split(goodOther, ".")
	pubDER, _ := x509.MarshalPKIXPublicKey(&signer.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	hdr := func(extra string) string { return `{"alg":"RS256","x5t":"` + x5t + `"` + extra + `}` }
	x5c := `,"x5c":["` + b64std(pki.Attacker.Cert.Raw) + `"]`
	jwk := `,"jwk":{"kty":"RSA","n":"` + jwstest.B64(attacker.N.Bytes()) + `","e":"AQAB"}`
	return []attack{
		{"alg none", jwstest.Unsigned(`{"alg":"none","x5t":"`+x5t+`"}`, payload), CodeAlgNotAllowed, ""},
		{"alg None", jwstest.Unsigned(`{"alg":"None","x5t":"`+x5t+`"}`, payload), CodeAlgNotAllowed, ""},
		{"alg none with a signature", jwstest.SignRS256(signer, `{"alg":"none","x5t":"`+x5t+`"}`, payload), CodeAlgNotAllowed, ""},
		{"no alg", jwstest.SignRS256(signer, `{"x5t":"`+x5t+`"}`, payload), CodeAlgNotAllowed, ""},
		{"alg not a string", jwstest.SignRS256(signer, `{"alg":["RS256"],"x5t":"`+x5t+`"}`, payload), CodeAlgNotAllowed, ""},
		{"HS256 keyed with the public key PEM", jwstest.SignHS256(pubPEM, `{"alg":"HS256","x5t":"`+x5t+`"}`, payload), CodeAlgNotAllowed, ""},
		{"HS256 keyed with the public key DER", jwstest.SignHS256(pubDER, `{"alg":"HS256","x5t":"`+x5t+`"}`, payload), CodeAlgNotAllowed, ""},
		{"HS256 keyed with the certificate", jwstest.SignHS256(pki.Signer.Cert.Raw, `{"alg":"HS256","x5t":"`+x5t+`"}`, payload), CodeAlgNotAllowed, ""},
		{"RS256 with trailing space", jwstest.SignRS256(signer, `{"alg":"RS256 ","x5t":"`+x5t+`"}`, payload), CodeAlgNotAllowed, ""},
		{"lowercase rs256", jwstest.SignRS256(signer, `{"alg":"rs256","x5t":"`+x5t+`"}`, payload), CodeAlgNotAllowed, ""},
		{"RS384", jwstest.SignRS256(signer, `{"alg":"RS384","x5t":"`+x5t+`"}`, payload), CodeAlgNotAllowed, ""},
		{"PS256 over the same key", jwstest.SignPS256(signer, `{"alg":"PS256","x5t":"`+x5t+`"}`, payload), CodeAlgNotAllowed, ""},
		{"PS256 signature under alg RS256", jwstest.SignPS256(signer, jwstest.Header(x5t), payload), CodeBadSignature, ""},
		{"ES256", jwstest.SignRS256(signer, `{"alg":"ES256","x5t":"`+x5t+`"}`, payload), CodeAlgNotAllowed, ""},
		{"x5t of another trusted certificate", jwstest.SignRS256(signer, jwstest.Header(pki.Other.X5T), payload), CodeBadSignature, ""},
		{"x5c with the attacker's certificate, trusted x5t", jwstest.SignRS256(attacker, hdr(x5c), payload), CodeBadSignature, ""},
		{"jwk with the attacker's key, trusted x5t", jwstest.SignRS256(attacker, hdr(jwk), payload), CodeBadSignature, ""},
		{"jku and x5u to the attacker, trusted x5t", jwstest.SignRS256(attacker, hdr(`,"jku":"https://attacker.example/jwks","x5u":"https://attacker.example/cert"`), payload), CodeBadSignature, ""},
		{"x5c with the attacker's certificate and x5t", jwstest.SignRS256(attacker, `{"alg":"RS256","x5t":"`+pki.Attacker.X5T+`"`+x5c+`}`, payload), CodeUnknownX5T, "x5t names no trusted certificate"},
		{"jwk with the attacker's key and x5t", jwstest.SignRS256(attacker, `{"alg":"RS256","x5t":"`+pki.Attacker.X5T+`"`+jwk+`}`, payload), CodeUnknownX5T, "x5t names no trusted certificate"},
		{"attacker's key, no x5t", jwstest.SignRS256(attacker, `{"alg":"RS256"`+jwk+`}`, payload), CodeMissingX5T, "x5t required"},
		{"crit", jwstest.SignRS256(signer, hdr(`,"crit":["exp"],"exp":1`), payload), CodeCritNotAllowed, ""},
		{"crit b64", jwstest.SignRS256(signer, hdr(`,"crit":["b64"],"b64":true`), payload), CodeCritNotAllowed, "crit refused"},
		{"empty crit", jwstest.SignRS256(signer, hdr(`,"crit":[]`), payload), CodeCritNotAllowed, "any crit refused"},
		{"b64 false without crit", jwstest.SignRS256(signer, hdr(`,"b64":false`), payload), CodeMalformed, ""},
		{"b64 a string", jwstest.SignRS256(signer, hdr(`,"b64":"true"`), payload), CodeMalformed, "b64 must be JSON true"},
		{"padding", gp[0] + "." + gp[1] + "." + gp[2] + "==", CodeMalformed, ""},
		{"padding in payload", gp[0] + "." + padded(gp[1]) + "." + gp[2], CodeMalformed, ""},
		{"extra segment", good + "." + gp[2], CodeMalformed, ""},
		{"empty signature", gp[0] + "." + gp[1] + ".", CodeMalformed, ""},
		{"truncated signature", gp[0] + "." + gp[1] + "." + truncated(gp[2]), CodeBadSignature, ""},
		{"swapped payloads", gp[0] + "." + op[1] + "." + gp[2], CodeBadSignature, ""},
		{"swapped signatures", op[0] + "." + op[1] + "." + gp[2], CodeBadSignature, ""},
		{"duplicate alg", jwstest.SignRS256(signer, `{"alg":"none","alg":"RS256","x5t":"`+x5t+`"}`, payload), CodeMalformed, "duplicate members refused"},
		{"duplicate alg (RS256 first)", jwstest.SignRS256(signer, `{"alg":"RS256","alg":"none","x5t":"`+x5t+`"}`, payload), CodeMalformed, ""},
		{"duplicate x5t", jwstest.SignRS256(signer, `{"alg":"RS256","x5t":"`+pki.Other.X5T+`","x5t":"`+x5t+`"}`, payload), CodeMalformed, "duplicate members refused"},
		{"missing x5t", jwstest.SignRS256(signer, `{"alg":"RS256"}`, payload), CodeMissingX5T, "x5t required"},
		{"kid instead of x5t", jwstest.SignRS256(signer, `{"alg":"RS256","kid":"`+x5t+`"}`, payload), CodeMissingX5T, "x5t required"},
		{"x5t with padding", jwstest.SignRS256(signer, `{"alg":"RS256","x5t":"`+x5t+`="}`, payload), CodeMalformed, "x5t must be a thumbprint"},
		{"x5t#S256 only", jwstest.SignRS256(signer, `{"alg":"RS256","x5t#S256":"`+x5t+`"}`, payload), CodeMissingX5T, "x5t required"},
		{"unknown x5t", jwstest.SignRS256(signer, jwstest.Header("AAAAAAAAAAAAAAAAAAAAAAAAAAA"), payload), CodeUnknownX5T, "x5t names no trusted certificate"},
		{"signer's key under the reissued certificate's x5t", jwstest.SignRS256(signer, jwstest.Header(pki.SameKey.X5T), payload), CodeUnknownX5T, "x5t names no trusted certificate"},
		{"non-canonical signature encoding", gp[0] + "." + gp[1] + "." + nonCanonical(gp[2]), CodeMalformed, "canonical base64url only"},
		{"line break in token", gp[0] + "." + gp[1][:10] + "\n" + gp[1][10:] + "." + gp[2], CodeMalformed, "no line breaks"},
		{"header white space inside", jwstest.SignRS256(signer, `{ "alg" : "RS256", "x5t" : "`+x5t+`" }`, payload), "", ""},
	}
}

func b64std(b []byte) string {
	return strings.NewReplacer("-", "+", "_", "/").Replace(jwstest.B64(b)) + strings.Repeat("=", (3-len(b)%3)%3)
}

// truncated drops the last byte of an encoded signature.
func truncated(seg string) string {
	b, _ := b64.DecodeString(seg)
	return jwstest.B64(b[:len(b)-1])
}

// padded adds the base64 padding a segment would have.
func padded(seg string) string { return seg + strings.Repeat("=", (4-len(seg)%4)%4) + "=" }

func TestAttacks(t *testing.T) {
	opts := testOpts(t)
	for _, a := range attacks() {
		t.Run(a.name, func(t *testing.T) {
			_, err := Verify(a.token, opts)
			if a.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantCode(t, err, a.code)
		})
	}
}

func TestUnknownX5THint(t *testing.T) {
	_, err := Verify(goodToken(), Options{Trust: NewTrustStore(), Environment: EnvAny, Now: now})
	wantCode(t, err, CodeUnknownX5T)
	var e *Error
	if !asError(err, &e) || !strings.Contains(e.Hint, "caronboard jws trust add --env freja-prod FILE") || !strings.Contains(e.Hint, "three years") {
		t.Fatalf("hint %q", e.Hint)
	}
	_, err = Verify(goodToken(), Options{Environment: EnvFrejaProd, Now: now})
	wantCode(t, err, CodeUnknownX5T)
}

// TestEnvironmentRestriction: trust fails closed. A test-signed result is
// refused under freja-prod; untagged certificates of the store count only
// with AllowUntagged; --cert (SourceFlag) counts everywhere; a missing or
// unknown Environment is an error.
func TestEnvironmentRestriction(t *testing.T) {
	s := NewTrustStore()
	for _, c := range []struct {
		cert   *jwstest.Cert
		env    string
		source string
	}{{pki.Prod, EnvFrejaProd, SourceEmbedded}, {pki.Signer, EnvFrejaTest, SourceUser}, {pki.Other, "", SourceUser}, {pki.Expired, "", SourceFlag}} {
		if _, err := s.Add(c.cert.Cert, c.env, c.source); err != nil {
			t.Fatal(err)
		}
	}
	sign := func(c *jwstest.Cert) string {
		at := jwstest.SignedAt
		if c == pki.Expired {
			at = jwstest.ExpiredSignedAt
		}
		return jwstest.SignRS256(c.RSAKey(), jwstest.Header(c.X5T), jwstest.AuthPayload("r", at, false))
	}
	prod, test, untagged, flag := sign(pki.Prod), sign(pki.Signer), sign(pki.Other), sign(pki.Expired)
	tests := []struct {
		name, token, env string
		allowUntagged    bool
		code             string
	}{
		{"prod under prod", prod, EnvFrejaProd, false, ""},
		{"prod under any", prod, EnvAny, false, ""},
		{"prod under test", prod, EnvFrejaTest, false, CodeUnknownX5T},
		{"test-signed under prod refused", test, EnvFrejaProd, false, CodeUnknownX5T},
		{"test-signed under test", test, EnvFrejaTest, false, ""},
		{"test-signed under any", test, EnvAny, false, ""},
		{"untagged refused under prod", untagged, EnvFrejaProd, false, CodeUnknownX5T},
		{"untagged refused under any", untagged, EnvAny, false, CodeUnknownX5T},
		{"untagged allowed explicitly", untagged, EnvFrejaProd, true, ""},
		{"--cert counts under prod", flag, EnvFrejaProd, false, ""},
		{"--cert counts under test", flag, EnvFrejaTest, false, ""},
		{"no environment is an error", prod, "", false, CodeInvalidOptions},
		{"unknown environment is an error", prod, "production", false, CodeInvalidOptions},
		{"case variant is an error", prod, "FREJA-PROD", false, CodeInvalidOptions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Verify(tt.token, Options{Trust: s, Now: now, Environment: tt.env, AllowUntagged: tt.allowUntagged})
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantCode(t, err, tt.code)
			if res != nil && (res.Status != "" || res.Ref != "") {
				t.Fatalf("failed result carries status %q ref %q", res.Status, res.Ref)
			}
		})
	}
	_, err := Verify(test, Options{Trust: s, Now: now, Environment: EnvFrejaProd})
	var e *Error
	if !asError(err, &e) || !strings.Contains(e.Message, "freja-test certificate") || strings.Contains(e.Hint, "drop --env") ||
		!strings.Contains(e.Hint, "--env freja-test") {
		t.Fatalf("message %q hint %q", e.Message, e.Hint)
	}
	if _, err := Verify(prod, Options{Trust: s, Environment: EnvFrejaProd}); CodeOf(err) != CodeInvalidOptions {
		t.Fatalf("zero Now: %v", err)
	}
}

func TestTrustTags(t *testing.T) {
	var zero TrustStore // the zero value must work
	if _, err := zero.Add(pki.Prod.Cert, EnvFrejaProd, SourceUser); err != nil || zero.Len() != 1 {
		t.Fatalf("zero-value Add: %v", err)
	}
	if _, err := zero.Add(pki.Signer.Cert, EnvFrejaProd, SourceUser); CodeOf(err) != CodeTestCertificate {
		t.Fatalf("OU=Test tagged freja-prod: %v", err)
	}
	if _, err := zero.Add(pki.Other.Cert, "staging", SourceUser); CodeOf(err) != CodeInvalidOptions {
		t.Fatalf("unknown tag: %v", err)
	}
	for _, tt := range []struct {
		cert *jwstest.Cert
		want bool
	}{{pki.Signer, true}, {pki.Prod, false}, {pki.Attacker, true}} {
		if got := LooksLikeTest(tt.cert.Cert); got != tt.want {
			t.Errorf("LooksLikeTest(%s) = %v", SubjectString(tt.cert.Cert), got)
		}
	}
	embedded, err := EmbeddedTrust()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range embedded.Certificates() {
		if LooksLikeTest(c.Certificate) != (c.Environment == EnvFrejaTest) && c.Environment == EnvFrejaProd {
			t.Errorf("embedded %s tagged %s but LooksLikeTest says otherwise", c.X5T, c.Environment)
		}
	}
}

func TestVerifyPartialResult(t *testing.T) {
	a := attacks()
	for _, at := range a {
		if at.name == "swapped payloads" {
			res, err := Verify(at.token, testOpts(t))
			wantCode(t, err, CodeBadSignature)
			if res == nil || res.Header == nil || res.Signer == nil || res.Payload != nil {
				t.Fatalf("partial result %+v", res)
			}
		}
	}
}
