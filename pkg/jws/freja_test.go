package jws

import (
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/crypto/ocsp"

	"github.com/caronboard/caronboard/pkg/jws/internal/jwstest"
)

func signed(payload []byte) string {
	return jwstest.SignRS256(pki.Signer.RSAKey(), jwstest.Header(pki.Signer.X5T), payload)
}

func TestParseInput(t *testing.T) {
	authTok := signed(jwstest.AuthPayload("A1", jwstest.SignedAt, false))
	signTok := signed(pki.SignPayload("S1", "SIMPLE", jwstest.SignedAt))
	authRes := jwstest.Result("authRef", "A1", "APPROVED", authTok)
	tests := []struct {
		name  string
		in    string
		kinds []string
		code  string
	}{
		{"bare token", authTok, []string{KindToken}, ""},
		{"bare token with white space and BOM", "\xef\xbb\xbf  " + authTok + "\r\n", []string{KindToken}, ""},
		{"auth result", string(authRes), []string{KindAuthentication}, ""},
		{"sign result", string(jwstest.Result("signRef", "S1", "APPROVED", signTok)), []string{KindSignature}, ""},
		{"authentication list", string(jwstest.List("authenticationResults", authRes, authRes)), []string{KindAuthentication, KindAuthentication}, ""},
		{"signature list", string(jwstest.List("signatureResults", jwstest.Result("signRef", "S1", "APPROVED", signTok))), []string{KindSignature}, ""},
		{"not approved", string(jwstest.Result("authRef", "A1", "REJECTED", "")), nil, CodeResultNotApproved},
		{"not approved in list", string(jwstest.List("authenticationResults", authRes, jwstest.Result("authRef", "A2", "EXPIRED", ""))), nil, CodeResultNotApproved},
		{"empty list", `{"authenticationResults":[]}`, nil, CodeNotFrejaResult},
		{"list not a list", `{"signatureResults":{}}`, nil, CodeNotFrejaResult},
		{"other JSON", `{"hello":"world"}`, nil, CodeNotFrejaResult},
		{"bad JSON", `{"details":`, nil, CodeNotFrejaResult},
		{"details not a string", `{"authRef":"A","details":5}`, nil, CodeNotFrejaResult},
		{"empty", " \n", nil, CodeMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ins, err := ParseInput([]byte(tt.in))
			if tt.code != "" {
				wantCode(t, err, tt.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ins) != len(tt.kinds) {
				t.Fatalf("%d inputs", len(ins))
			}
			for i, in := range ins {
				if in.Kind != tt.kinds[i] {
					t.Fatalf("input %d kind %s", i, in.Kind)
				}
				if _, err := VerifyInput(in, testOpts(t)); err != nil {
					t.Fatalf("input %d: %v", i, err)
				}
			}
		})
	}
}

func TestVerifyInputDetailsMismatch(t *testing.T) {
	tokA := signed(jwstest.AuthPayload("A1", jwstest.SignedAt, false))
	for _, res := range [][]byte{
		jwstest.Result("authRef", "A2", "APPROVED", tokA),
		jwstest.Result("signRef", "A1", "APPROVED", tokA),
		jwstest.Result("authRef", "A1", "CANCELED", tokA),
	} {
		ins, err := ParseInput(res)
		if err != nil {
			t.Fatal(err)
		}
		_, err = VerifyInput(ins[0], testOpts(t))
		wantCode(t, err, CodeDetailsMismatch)
	}
	// Unknown members of the result object are kept.
	ins, err := ParseInput([]byte(`{"authRef":"A1","status":"APPROVED","details":"` + tokA + `","extra":{"x":1}}`))
	if err != nil || string(ins[0].Fields["extra"]) != `{"x":1}` {
		t.Fatalf("fields %v %v", ins, err)
	}
}

func TestExplain(t *testing.T) {
	e, err := Explain(jwstest.AuthPayload("A1", jwstest.SignedAt, true))
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind != "authentication" || e.Ref != "A1" || e.UserInfoType != "SSN" || e.SSN == nil ||
		e.SSN.Country != jwstest.UserCountry || e.SSN.SSN != jwstest.UserSSN || !e.Time.Equal(jwstest.SignedAt) ||
		*e.Timestamp != jwstest.SignedAt.UnixMilli() || e.MinRegistrationLevel != "EXTENDED" {
		t.Fatalf("explanation %+v", e)
	}
	e, err = Explain([]byte(`{"status":"APPROVED","userInfoType":"PHONE","userInfo":"+46700000000","future":[1,2],"timestamp":"x","signatureData":{"userSignature":"bad","certificateStatus":"!!","more":true}}`))
	if err != nil {
		t.Fatal(err)
	}
	if string(e.UserInfo) != `"+46700000000"` || string(e.Other["future"]) != `[1,2]` || string(e.Other["signatureData.more"]) != "true" {
		t.Fatalf("explanation %+v", e)
	}
	if len(e.Problems) != 2 || e.UserSignature == nil || len(e.UserSignature.Problems) != 1 {
		t.Fatalf("problems %q, user signature %+v", e.Problems, e.UserSignature)
	}
	if _, err := Explain([]byte(`[1]`)); CodeOf(err) != CodeMalformed {
		t.Fatalf("array payload: %v", err)
	}
	// The JSON form the CLI prints has the documented names.
	b, _ := json.Marshal(e)
	if !strings.Contains(string(b), `"user_info_type":"PHONE"`) {
		t.Fatalf("JSON %s", b)
	}
}

func TestExplainSignature(t *testing.T) {
	for _, typ := range []string{"SIMPLE", "EXTENDED"} {
		e, err := Explain(pki.SignPayload("S1", typ, jwstest.SignedAt))
		if err != nil {
			t.Fatal(err)
		}
		u := e.UserSignature
		if e.Kind != "signature" || e.SignatureType != typ || u == nil || u.Kid != jwstest.UserKid || u.Text != jwstest.SignedText {
			t.Fatalf("%s: %+v %+v", typ, e, u)
		}
		if typ == "EXTENDED" && u.BinaryData != jwstest.SignedBinary {
			t.Fatalf("binaryData %q", u.BinaryData)
		}
		cs := e.CertificateStatus
		// x/crypto/ocsp names the responder by name and stamps ProducedAt with
		// the clock; the real vectors cover the key-hash form.
		if cs == nil || cs.Status != "good" || cs.ProducedAt.IsZero() || !cs.ThisUpdate.Equal(jwstest.SignedAt.Truncate(1e9)) ||
			cs.NextUpdate == nil || cs.SerialNumber != jwstest.UserSerial.Text(16) ||
			cs.Responder != "C=SE, O=caronboard test, OU=Test, CN=caronboard Test OCSP Signing" {
			t.Fatalf("%s: certificate status %+v", typ, cs)
		}
	}
}

func TestDecodeCertificateStatus(t *testing.T) {
	der := pki.OCSPResponse(ocsp.Revoked, jwstest.SignedAt)
	st, err := DecodeCertificateStatus(b64std(der))
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != "revoked" || st.RevokedAt == nil || st.RevocationReason != ocsp.KeyCompromise {
		t.Fatalf("%+v", st)
	}
	if st, err := DecodeCertificateStatus(b64std(pki.OCSPResponse(ocsp.Unknown, jwstest.SignedAt))); err != nil || st.Status != "unknown" {
		t.Fatalf("%+v %v", st, err)
	}
	for _, bad := range []string{"", "!!", b64std([]byte("not DER")), b64std(ocsp.InternalErrorErrorResponse)} {
		if _, err := DecodeCertificateStatus(bad); CodeOf(err) != CodeMalformed {
			t.Fatalf("%q: %v", bad, err)
		}
	}
}

func TestDecodeIsMarkedUnverified(t *testing.T) {
	for _, a := range attacks() {
		d, err := Decode(a.token)
		if err != nil {
			continue // refused by Parse: nothing to show
		}
		if !d.Unverified || d.Note != UnverifiedNote {
			t.Fatalf("%s: not marked unverified", a.name)
		}
		policy := d.Refused != nil
		wantPolicy := a.code == CodeAlgNotAllowed || a.code == CodeCritNotAllowed || a.code == CodeMissingX5T
		if wantPolicy && !policy {
			t.Fatalf("%s: Refused not set", a.name)
		}
	}
	d, err := Decode(jwstest.SignRS256(pki.Signer.RSAKey(), jwstest.Header(pki.Signer.X5T), []byte("plain text")))
	if err != nil || d.PayloadText != "plain text" || d.Payload != nil || d.Explanation != nil {
		t.Fatalf("%+v %v", d, err)
	}
	b, _ := json.Marshal(d)
	if !strings.Contains(string(b), `"unverified":true`) {
		t.Fatalf("JSON %s", b)
	}
}
