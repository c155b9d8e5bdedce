package sandbox

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/caronboard/caronboard/pkg/jws"
)

// authenticate runs the authentication flow with Authenticate.
func authenticate(t *testing.T, c *http.Client, srv *Server) ([]byte, Result) {
	t.Helper()
	raw, err := Authenticate(context.Background(), c, srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	var res Result
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	return raw, res
}

// rawPost sends body as is and returns the status and the Freja error, if any.
func rawPost(t *testing.T, c *http.Client, url, contentType, body string) (int, []byte) {
	t.Helper()
	resp, err := c.Post(url, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b json.RawMessage
	_ = json.NewDecoder(resp.Body).Decode(&b)
	return resp.StatusCode, b
}

func trust(t *testing.T) jws.Options {
	t.Helper()
	ts := jws.NewTrustStore()
	if _, err := ts.Add(sb.Signer, "", jws.SourceFlag); err != nil {
		t.Fatal(err)
	}
	return jws.Options{Trust: ts, Environment: jws.EnvAny, Now: fixedNow()}
}

func verifyAll(t *testing.T, raw []byte) []*jws.Result {
	t.Helper()
	inputs, err := jws.ParseInput(raw)
	if err != nil {
		t.Fatal(err)
	}
	var out []*jws.Result
	for _, in := range inputs {
		res, err := jws.VerifyInput(in, trust(t))
		if err != nil {
			t.Fatalf("jws.VerifyInput: %v", err)
		}
		out = append(out, res)
	}
	return out
}

func TestAuthenticate(t *testing.T) {
	srv := startServer(t, 0)
	raw, res := authenticate(t, client(t, clientCert(t)), srv)
	if res.Status != "APPROVED" || res.AuthRef == "" || res.RequestedAttributes == nil {
		t.Fatalf("result %s", raw)
	}
	header, _, _ := strings.Cut(res.Details, ".")
	if h, _ := base64.RawURLEncoding.DecodeString(header); string(h) != `{"x5t":"`+jws.X5T(sb.Signer)+`","alg":"RS256"}` {
		t.Errorf("header %s", h)
	}
	v := verifyAll(t, raw)[0]
	if v.TimeSource != jws.TimeFromPayload || !v.SigningTime.Equal(fixedNow()) || v.Ref != res.AuthRef {
		t.Errorf("signed at %v (%s), ref %q", v.SigningTime, v.TimeSource, v.Ref)
	}
	e, err := jws.Explain(v.Payload)
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind != "authentication" || e.UserInfoType != "SSN" || e.SSN == nil || e.SSN.SSN != TestUserSSN || e.SSN.Country != "SE" ||
		e.MinRegistrationLevel != "EXTENDED" || len(e.Problems) > 0 || len(e.Other) > 0 {
		t.Errorf("explained payload %+v", e)
	}
	var attrs map[string]json.RawMessage
	_ = json.Unmarshal(e.RequestedAttributes, &attrs)
	for _, name := range []string{"basicUserInfo", "emailAddress", "ssn"} {
		if attrs[name] == nil {
			t.Errorf("requestedAttributes lacks %s: %s", name, e.RequestedAttributes)
		}
	}
}

func TestGetOneResultErrors(t *testing.T) {
	srv := startServer(t, 0)
	c := client(t, clientCert(t))
	url := srv.URL() + PathAuthGetOneResult
	enc := func(v string) string { return base64.StdEncoding.EncodeToString([]byte(v)) }
	for _, tc := range []struct {
		name, body string
		code       int
	}{
		{"unknown authRef", "getOneAuthResultRequest=" + enc(`{"authRef":"nope"}`), CodeInvalidReference},
		{"missing authRef", "getOneAuthResultRequest=" + enc(`{}`), CodeInvalidReference},
		{"authRef not a string", "getOneAuthResultRequest=" + enc(`{"authRef":7}`), CodeInvalidReference},
		{"not base64", "getOneAuthResultRequest=@@@", CodeInvalidJSON},
		{"not JSON", "getOneAuthResultRequest=" + enc(`authRef`), CodeInvalidJSON},
		{"wrong parameter", "getOneSignResultRequest=" + enc(`{"authRef":"x"}`), CodeInvalidJSON},
		{"empty body", "", CodeInvalidJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := rawPost(t, c, url, "application/x-www-form-urlencoded", tc.body)
			var fe FrejaError
			if status != http.StatusBadRequest || json.Unmarshal(body, &fe) != nil || fe.Code != tc.code || fe.Message == "" {
				t.Errorf("HTTP %d %s, want 400 with code %d", status, body, tc.code)
			}
		})
	}
}

func TestBodyAsFrejaClientSendsIt(t *testing.T) {
	// Freja's Java client posts the base64 unescaped, as application/json;
	// shape the JSON so that its base64 holds '+', '/' and '='.
	srv := startServer(t, 0)
	c := client(t, clientCert(t))
	_, res := authenticate(t, c, srv)
	var b64 string
	for i := 0; i < 9 && !(strings.Contains(b64, "+") && strings.Contains(b64, "/") && strings.HasSuffix(b64, "=")); i++ {
		js := strings.Repeat(" ", i/3) + `{"authRef":"` + res.AuthRef + `","pad":">>>???"}` + strings.Repeat(" ", i%3)
		b64 = base64.StdEncoding.EncodeToString([]byte(js))
	}
	if !strings.Contains(b64, "+") || !strings.Contains(b64, "/") || !strings.HasSuffix(b64, "=") {
		t.Fatalf("no body with '+', '/' and '=' found: %s", b64)
	}
	status, body := rawPost(t, c, srv.URL()+PathAuthGetOneResult, "application/json", "getOneAuthResultRequest="+b64)
	if status != http.StatusOK {
		t.Fatalf("HTTP %d %s", status, body)
	}
	verifyAll(t, body)
}

func TestInitAuthValidation(t *testing.T) {
	srv := startServer(t, 0)
	c := client(t, clientCert(t))
	for _, tc := range []struct {
		name string
		req  initAuthRequest
		code int
	}{
		{"no userInfoType", initAuthRequest{UserInfo: "a@b"}, CodeInvalidUserInfoType},
		{"email without @", initAuthRequest{UserInfoType: "EMAIL", UserInfo: "nobody"}, CodeInvalidUserInfo},
		{"SSN not base64 JSON", initAuthRequest{UserInfoType: "SSN", UserInfo: "190001019876"}, CodeInvalidUserInfo},
		{"unknown level", initAuthRequest{UserInfoType: "INFERRED", UserInfo: "N/A", MinRegistrationLevel: "GOLD"}, CodeInvalidMinRegLevel},
		{"unknown attribute", initAuthRequest{UserInfoType: "EMAIL", UserInfo: "a@b", AttributesToReturn: []attributeRequest{{"PHOTO"}}}, CodeInvalidAuthAttributes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := post(context.Background(), c, srv.URL(), PathInitAuthentication, ParamInitAuth, tc.req)
			var fe *FrejaError
			if !errors.As(err, &fe) || fe.Code != tc.code {
				t.Errorf("%v, want code %d", err, tc.code)
			}
		})
	}
}

func TestResultsAndCancel(t *testing.T) {
	srv := startServer(t, 0)
	c := client(t, clientCert(t))
	_, first := authenticate(t, c, srv)
	_, second := authenticate(t, c, srv)
	list, err := post(context.Background(), c, srv.URL(), PathAuthGetResults, ParamGetAuthResults, map[string]string{"includePrevious": "ALL"})
	if err != nil {
		t.Fatal(err)
	}
	if got := verifyAll(t, list); len(got) != 2 || got[0].Ref != first.AuthRef || got[1].Ref != second.AuthRef {
		t.Errorf("getResults: %s", list)
	}
	if _, err := post(context.Background(), c, srv.URL(), PathAuthGetResults, ParamGetAuthResults, map[string]string{"includePrevious": "NONE"}); !isCode(err, CodeInvalidPrevious) {
		t.Errorf("includePrevious NONE: %v", err)
	}
	ref := map[string]string{"authRef": first.AuthRef}
	if _, err := post(context.Background(), c, srv.URL(), PathAuthCancel, ParamCancelAuth, ref); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	if _, err := post(context.Background(), c, srv.URL(), PathAuthCancel, ParamCancelAuth, ref); !isCode(err, CodeInvalidReference) {
		t.Errorf("second cancel: %v", err)
	}
	raw, err := post(context.Background(), c, srv.URL(), PathAuthGetOneResult, ParamGetOneAuthResult, ref)
	var res Result
	if err != nil || json.Unmarshal(raw, &res) != nil || res.Status != "RP_CANCELED" || res.Details != "" {
		t.Errorf("cancelled result %s (%v)", raw, err)
	}
	// an authRef is not a signRef
	if _, err := post(context.Background(), c, srv.URL(), PathSignGetOneResult, ParamGetOneSignResult, map[string]string{"signRef": second.AuthRef}); !isCode(err, CodeInvalidReference) {
		t.Errorf("authRef on the sign service: %v", err)
	}
}

func isCode(err error, code int) bool {
	var fe *FrejaError
	return errors.As(err, &fe) && fe.Code == code
}

func TestSignature(t *testing.T) {
	srv := startServer(t, 0)
	c := client(t, clientCert(t))
	text := "I approve the transfer of 100 SEK"
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, tc := range []struct {
		sigType, dataType string
		data              map[string]string
	}{
		{"SIMPLE", "SIMPLE_UTF8_TEXT", map[string]string{"text": b64(text)}},
		{"EXTENDED", "EXTENDED_UTF8_TEXT", map[string]string{"text": b64(text), "binaryData": b64("binary")}},
	} {
		t.Run(tc.sigType, func(t *testing.T) {
			data, _ := json.Marshal(tc.data)
			init := initSignRequest{UserInfoType: "EMAIL", UserInfo: "rp.user@example.org", Title: "Transfer",
				DataToSignType: tc.dataType, DataToSign: data, SignatureType: tc.sigType,
				AttributesToReturn: []attributeRequest{{"EMAIL_ADDRESS"}}}
			body, err := post(context.Background(), c, srv.URL(), PathInitSignature, ParamInitSign, init)
			if err != nil {
				t.Fatal(err)
			}
			var started struct{ SignRef string }
			_ = json.Unmarshal(body, &started)
			raw, err := post(context.Background(), c, srv.URL(), PathSignGetOneResult, ParamGetOneSignResult, map[string]string{"signRef": started.SignRef})
			if err != nil {
				t.Fatal(err)
			}
			v := verifyAll(t, raw)[0]
			e, _ := jws.Explain(v.Payload)
			if e.Kind != "signature" || e.Ref != started.SignRef || e.SignatureType != tc.sigType || e.UserInfoType != "EMAIL" ||
				e.UserSignature == nil || e.UserSignature.Text != text || len(e.UserSignature.Problems) > 0 ||
				e.CertificateStatus == nil || e.CertificateStatus.Status != "good" || len(e.Problems) > 0 {
				t.Errorf("explained payload %+v, user signature %+v, status %+v", e, e.UserSignature, e.CertificateStatus)
			}
			if tc.sigType == "EXTENDED" && e.UserSignature.BinaryData != "binary" {
				t.Errorf("binaryData %q", e.UserSignature.BinaryData)
			}
		})
	}
	bad := initSignRequest{UserInfoType: "EMAIL", UserInfo: "a@b", DataToSignType: "SIMPLE_UTF8_TEXT",
		DataToSign: json.RawMessage(`{"text":"` + b64(text) + `"}`), SignatureType: "EXTENDED"}
	if _, err := post(context.Background(), c, srv.URL(), PathInitSignature, ParamInitSign, bad); !isCode(err, CodeInvalidSignatureType) {
		t.Errorf("mismatched signatureType: %v", err)
	}
}

func TestSignResult(t *testing.T) {
	tok, err := sb.SignResult(map[string]any{"authRef": "r1", "status": "APPROVED", "timestamp": fixedNow().UnixMilli()})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(tok, "=") || strings.Count(tok, ".") != 2 {
		t.Errorf("token %q", tok)
	}
	res, err := jws.Verify(tok, trust(t))
	if err != nil || res.Ref != "r1" || res.Status != "APPROVED" {
		t.Fatalf("jws.Verify: %+v, %v", res, err)
	}
	if _, err := sb.SignResult([]byte("not json")); err == nil {
		t.Error("SignResult(not JSON): want an error")
	}
}
