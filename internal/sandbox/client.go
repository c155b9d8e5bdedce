package sandbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxResponse bounds a response body read by the client helpers.
const maxResponse = 1 << 20

// SSNUserInfo returns the userInfo of userInfoType SSN: the base64 of
// {"country":…,"ssn":…}.
func SSNUserInfo(country, ssn string) string {
	b, _ := json.Marshal(struct {
		Country string `json:"country"`
		SSN     string `json:"ssn"`
	}{country, ssn})
	return base64.StdEncoding.EncodeToString(b)
}

// EncodeRequest returns a request body as Freja's API takes it:
// param=<base64 of the JSON of v>, percent-encoded as a form value.
func EncodeRequest(param string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return param + "=" + url.QueryEscape(base64.StdEncoding.EncodeToString(b)), nil
}

// Authenticate runs the sandbox's authentication flow as a relying party
// would: initAuthentication for the test user by SSN (minimum level
// EXTENDED, asking for BASIC_USER_INFO, EMAIL_ADDRESS and SSN), then
// getOneResult with the authRef it got. It returns the getOneResult body:
// a Freja result object whose details `caronboard jws verify` checks with
// signer.pem trusted. client must be set up for the sandbox's mutual TLS
// (see Sandbox.ClientTLSConfig); baseURL is like "https://127.0.0.1:8443".
// An error answer gives an error wrapping its *FrejaError.
func Authenticate(ctx context.Context, client *http.Client, baseURL string) ([]byte, error) {
	body, err := post(ctx, client, baseURL, PathInitAuthentication, ParamInitAuth, testUserInit())
	if err != nil {
		return nil, err
	}
	var started struct {
		AuthRef string `json:"authRef"`
	}
	if json.Unmarshal(body, &started) != nil || started.AuthRef == "" {
		return nil, fmt.Errorf("%s: the answer holds no authRef", PathInitAuthentication)
	}
	return post(ctx, client, baseURL, PathAuthGetOneResult, ParamGetOneAuthResult, map[string]string{"authRef": started.AuthRef})
}

// testUserInit is the initAuthentication request Authenticate sends.
func testUserInit() initAuthRequest {
	return initAuthRequest{
		UserInfoType:         "SSN",
		UserInfo:             SSNUserInfo(TestUserCountry, TestUserSSN),
		MinRegistrationLevel: "EXTENDED",
		AttributesToReturn:   []attributeRequest{{"BASIC_USER_INFO"}, {"EMAIL_ADDRESS"}, {"SSN"}},
	}
}

// AuthenticateForms returns the two form bodies Authenticate posts, the
// second for the given authRef, so that the flow can be repeated by hand
// (e.g. with curl --data).
func AuthenticateForms(authRef string) (initForm, resultForm string, err error) {
	if initForm, err = EncodeRequest(ParamInitAuth, testUserInit()); err != nil {
		return "", "", err
	}
	resultForm, err = EncodeRequest(ParamGetOneAuthResult, map[string]string{"authRef": authRef})
	return initForm, resultForm, err
}

// post sends one Freja-style request and returns the body of a 200 answer.
func post(ctx context.Context, client *http.Client, baseURL, path, param string, v any) ([]byte, error) {
	form, err := EncodeRequest(param, v)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(baseURL, "/")+path, strings.NewReader(form))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, fmt.Errorf("%s: reading the answer: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		var fe FrejaError
		if json.Unmarshal(body, &fe) == nil && fe.Message != "" {
			return nil, fmt.Errorf("%s: HTTP %d: %w", path, resp.StatusCode, &fe)
		}
		return nil, fmt.Errorf("%s: HTTP %d: %s", path, resp.StatusCode, bytes.TrimSpace(body))
	}
	if !json.Valid(body) {
		return nil, errors.New(path + ": the answer is not JSON")
	}
	return bytes.TrimSpace(body), nil
}
