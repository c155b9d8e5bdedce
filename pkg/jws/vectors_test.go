package jws

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// vectorsDir holds real Freja test-environment results and certificates,
// shared beside the repository (see its MANIFEST.md). The payloads hold a
// test user's e-mail address: assertions here never print payload content.
const vectorsDir = "../../../shared/vectors/freja/"

const (
	vectorCert2020 = "jws-signing-test-2020_2LQIrINOzwWAVDhoYybqUcXXmVs.pem"
	vectorCert2017 = "jws-signing-test-2017_HwMHK_gb3_iuNF1advMtlG0-fUs.pem"
)

var vectorTokens = []string{
	"test-auth-result-details.jws",
	"test-sign-result-extended-details.jws",
	"test-sign-result-simple-details.jws",
}

// vectorNow is the "current time" for the real vectors: after the 2020
// certificate expired.
var vectorNow = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func readVector(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(vectorsDir, name))
	if os.IsNotExist(err) {
		t.Skipf("real Freja vectors not present at %s: skipping (they live in the shared folder beside the repository)", vectorsDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func vectorToken(t testing.TB, name string) string {
	return strings.TrimSpace(string(readVector(t, name)))
}

func vectorTrust(t testing.TB, certFile string) *TrustStore {
	t.Helper()
	s := NewTrustStore()
	if _, err := s.AddBytes(readVector(t, certFile), "", SourceFlag); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRealVectorsVerify(t *testing.T) {
	trust := vectorTrust(t, vectorCert2020)
	want := map[string]string{
		"test-auth-result-details.jws":          "2022-07-28",
		"test-sign-result-extended-details.jws": "2022-09-28",
		"test-sign-result-simple-details.jws":   "2023-02-06",
	}
	for _, name := range vectorTokens {
		t.Run(name, func(t *testing.T) {
			tok := vectorToken(t, name)
			res, err := Verify(tok, Options{Trust: trust, Environment: EnvAny, Now: vectorNow})
			if err != nil {
				t.Fatalf("verify: code %s", CodeOf(err))
			}
			if res.Signer.X5T != "2LQIrINOzwWAVDhoYybqUcXXmVs" || res.Status != "APPROVED" || res.TimeSource != TimeFromPayload {
				t.Fatalf("signer %s status %s source %s", res.Signer.X5T, res.Status, res.TimeSource)
			}
			if got := res.SigningTime.Format("2006-01-02"); got != want[name] {
				t.Fatalf("signing time %s, want %s", got, want[name])
			}
			if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "expired on 2023-05-13") {
				t.Fatalf("warnings %q, want one saying the certificate has expired since", res.Warnings)
			}
			// The same with the environment restriction and an explicit time.
			if _, err := Verify(tok, Options{Trust: trust, Now: vectorNow, Environment: EnvFrejaTest,
				At: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
				t.Fatalf("verify --at: code %s", CodeOf(err))
			}
			_, err = Verify(tok, Options{Trust: trust, Environment: EnvAny, Now: vectorNow, At: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
			wantCode(t, err, CodeCertNotValidAt)
		})
	}
}

func TestRealVectorsUnknownWithoutCertificate(t *testing.T) {
	embedded, err := EmbeddedTrust()
	if err != nil {
		t.Fatal(err)
	}
	// The 2017 certificate has the same key but another x5t: still unknown.
	if _, err := embedded.AddBytes(readVector(t, vectorCert2017), "", SourceFlag); err != nil {
		t.Fatal(err)
	}
	for _, name := range vectorTokens {
		_, err := Verify(vectorToken(t, name), Options{Trust: embedded, Environment: EnvAny, Now: vectorNow})
		wantCode(t, err, CodeUnknownX5T)
	}
}

func TestRealVectorsEveryPayloadByteMatters(t *testing.T) {
	trust := vectorTrust(t, vectorCert2020)
	for _, name := range vectorTokens {
		t.Run(name, func(t *testing.T) {
			parts := strings.Split(vectorToken(t, name), ".")
			payload, err := b64.DecodeString(parts[1])
			if err != nil {
				t.Fatal(err)
			}
			step := 1
			if testing.Short() {
				step = 17
			}
			for i := 0; i < len(payload); i += step {
				changed := bytes.Clone(payload)
				changed[i] ^= 0x01
				tok := parts[0] + "." + b64.EncodeToString(changed) + "." + parts[2]
				if _, err := Verify(tok, Options{Trust: trust, Environment: EnvAny, Now: vectorNow}); CodeOf(err) != CodeBadSignature {
					t.Fatalf("payload byte %d changed: code %q, want bad_signature", i, CodeOf(err))
				}
			}
			// Changing a character of the encoded payload, kept canonical.
			for _, i := range []int{0, len(parts[1]) / 2, len(parts[1]) - 2} {
				c := parts[1][i]
				repl := byte('A')
				if c == 'A' {
					repl = 'B'
				}
				tok := parts[0] + "." + parts[1][:i] + string(repl) + parts[1][i+1:] + "." + parts[2]
				if _, err := Verify(tok, Options{Trust: trust, Environment: EnvAny, Now: vectorNow}); CodeOf(err) != CodeBadSignature {
					t.Fatalf("payload character %d changed: code %q, want bad_signature", i, CodeOf(err))
				}
			}
		})
	}
}

func TestRealVectorsExplain(t *testing.T) {
	auth, err := Decode(vectorToken(t, "test-auth-result-details.jws"))
	if err != nil {
		t.Fatal(err)
	}
	if !auth.Unverified || auth.Refused != nil || auth.Explanation == nil {
		t.Fatal("auth result not decoded as expected")
	}
	e := auth.Explanation
	if e.Kind != "authentication" || e.RefName != "authRef" || e.Status != "APPROVED" || e.UserInfoType != "INFERRED" ||
		e.MinRegistrationLevel != "BASIC" || e.Time == nil || e.Time.Format(time.RFC3339Nano) != "2022-07-28T07:16:22.017Z" {
		t.Fatalf("auth explanation: kind %s status %s type %s", e.Kind, e.Status, e.UserInfoType)
	}
	var attrs map[string]json.RawMessage
	if json.Unmarshal(e.RequestedAttributes, &attrs) != nil || attrs["emailAddress"] == nil {
		t.Fatal("requestedAttributes.emailAddress missing")
	}
	for _, tt := range []struct {
		file, sigType, producedAt string
	}{
		{"test-sign-result-extended-details.jws", "EXTENDED", ""},
		{"test-sign-result-simple-details.jws", "SIMPLE", "2023-02-06T14:24:43Z"},
	} {
		t.Run(tt.sigType, func(t *testing.T) {
			d, err := Decode(vectorToken(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			e := d.Explanation
			if e.Kind != "signature" || e.SignatureType != tt.sigType || len(e.Problems) != 0 || len(e.Other) != 0 {
				t.Fatalf("kind %s type %s, %d problems, other members %d", e.Kind, e.SignatureType, len(e.Problems), len(e.Other))
			}
			u := e.UserSignature
			if u == nil || u.Note != UserSignatureNote || u.Alg != "RS256" || len(u.Problems) != 0 ||
				u.Kid != "AAED4CE5F604E1125A65D8A8D072470463F5FEE67DF3D7F0B8EB0A7D89539E83" || u.Text == "" {
				t.Fatal("user signature not decoded as expected")
			}
			if (tt.sigType == "EXTENDED") != (u.BinaryData != "") {
				t.Fatal("binaryData decoded for the wrong type")
			}
			cs := e.CertificateStatus
			if cs == nil || cs.Status != "good" || cs.Note != CertificateStatusNote ||
				!strings.HasPrefix(cs.Responder, "key hash ") || !strings.Contains(cs.ResponderCertificate, "CN=OCSP Signing") ||
				cs.SerialNumber == "" || cs.ThisUpdate.IsZero() {
				t.Fatalf("certificate status %+v", cs)
			}
			if tt.producedAt != "" && cs.ProducedAt.Format(time.RFC3339) != tt.producedAt {
				t.Fatalf("produced at %s", cs.ProducedAt)
			}
		})
	}
}

var osReadFile = os.ReadFile
