package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Paths of the Freja-like relying-party API (Freja's MethodUrl).
const (
	PathInitAuthentication = "/authentication/1.0/initAuthentication"
	PathAuthGetOneResult   = "/authentication/1.0/getOneResult"
	PathAuthGetResults     = "/authentication/1.0/getResults"
	PathAuthCancel         = "/authentication/1.0/cancel"
	PathInitSignature      = "/sign/1.0/initSignature"
	PathSignGetOneResult   = "/sign/1.0/getOneResult"
	PathSignGetResults     = "/sign/1.0/getResults"
	PathSignCancel         = "/sign/1.0/cancel"
)

// Request parameter names: each request body is NAME=<base64 of a JSON
// object> (Freja's RequestTemplate).
const (
	ParamInitAuth         = "initAuthRequest"
	ParamGetOneAuthResult = "getOneAuthResultRequest"
	ParamGetAuthResults   = "getAuthResultsRequest"
	ParamCancelAuth       = "cancelAuthRequest"
	ParamInitSign         = "initSignRequest"
	ParamGetOneSignResult = "getOneSignResultRequest"
	ParamGetSignResults   = "getSignResultsRequest"
	ParamCancelSign       = "cancelSignRequest"
)

// maxBody bounds a request body.
const maxBody = 64 << 10

// FrejaError is Freja's error body, {"code":…,"message":…}.
type FrejaError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *FrejaError) Error() string { return fmt.Sprintf("error %d: %s", e.Code, e.Message) }

// Error codes the sandbox answers with, and Freja's messages for them
// (from FrejaEidErrorCode of Freja's official Java client).
const (
	CodeInvalidUserInfoType   = 1001
	CodeInvalidUserInfo       = 1002
	CodeNotAllowed            = 1004
	CodeInvalidMinRegLevel    = 1007
	CodeInvalidJSON           = 1010
	CodeInvalidReference      = 1100
	CodeInvalidPrevious       = 1200
	CodeInvalidAuthAttributes = 2002
	CodeInvalidDataToSignType = 3000
	CodeInvalidDataToSign     = 3001
	CodeInvalidSignatureType  = 3002
	CodeInvalidSignAttributes = 3005
)

var (
	errUserInfoType   = &FrejaError{CodeInvalidUserInfoType, "Invalid or missing userInfoType."}
	errUserInfo       = &FrejaError{CodeInvalidUserInfo, "Invalid or missing userInfo."}
	errMinLevel       = &FrejaError{CodeInvalidMinRegLevel, "Invalid minimum registration level."}
	errInvalidJSON    = &FrejaError{CodeInvalidJSON, "JSON request cannot be parsed."}
	errReference      = &FrejaError{CodeInvalidReference, "Invalid reference (for example, nonexistent or expired)."}
	errPrevious       = &FrejaError{CodeInvalidPrevious, "Invalid or missing includePrevious parameter."}
	errAuthAttributes = &FrejaError{CodeInvalidAuthAttributes, "Invalid attributesToReturn parameter."}
	errDataToSignType = &FrejaError{CodeInvalidDataToSignType, "Invalid or missing dataToSignType."}
	errDataToSign     = &FrejaError{CodeInvalidDataToSign, "Invalid or missing dataToSign."}
	errSignatureType  = &FrejaError{CodeInvalidSignatureType, "Invalid or missing signatureType."}
	errSignAttributes = &FrejaError{CodeInvalidSignAttributes, "Invalid attributesToReturn parameter."}
	errNotFound       = &FrejaError{CodeNotAllowed, "Requested resource does not exist."}
	errMethod         = &FrejaError{CodeNotAllowed, "You are not allowed to call this method."}
	errNoClientCert   = &FrejaError{CodeNotAllowed, "No client certificate."}
	errInternal       = &FrejaError{0, "Internal error."}
)

// kind is what differs between the authentication and signature services.
type kind struct {
	refName, getOne, getAll, cancel, list string
	attrErr                               *FrejaError
}

var (
	authKind = &kind{"authRef", ParamGetOneAuthResult, ParamGetAuthResults, ParamCancelAuth, "authenticationResults", errAuthAttributes}
	signKind = &kind{"signRef", ParamGetOneSignResult, ParamGetSignResults, ParamCancelSign, "signatureResults", errSignAttributes}
)

func (srv *Server) frejaRoutes() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		PathInitAuthentication: srv.initAuth,
		PathAuthGetOneResult:   srv.getOne(authKind),
		PathAuthGetResults:     srv.getResults(authKind),
		PathAuthCancel:         srv.cancel(authKind),
		PathInitSignature:      srv.initSign,
		PathSignGetOneResult:   srv.getOne(signKind),
		PathSignGetResults:     srv.getResults(signKind),
		PathSignCancel:         srv.cancel(signKind),
	}
}

// readParam decodes the request parameter name: base64 of a JSON object.
// Any failure is Freja's 1010 "JSON request cannot be parsed."
func readParam(r *http.Request, name string, v any) *FrejaError {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		return errInvalidJSON
	}
	raw, ok := formParam(string(body), name)
	if !ok {
		return errInvalidJSON
	}
	data, ok := decodeBase64(raw)
	if !ok || json.Unmarshal(data, v) != nil {
		return errInvalidJSON
	}
	return nil
}

// formParam finds name=value in a body of &-separated pairs. Freja's own
// client sends the base64 unescaped ('+' and '/' as is), form encoders
// send it percent-encoded: both are read, and '+' is never a space.
func formParam(body, name string) (string, bool) {
	for _, pair := range strings.Split(strings.TrimSpace(body), "&") {
		k, v, ok := strings.Cut(pair, "=")
		if !ok || k != name {
			continue
		}
		if strings.Contains(v, "%") {
			u, err := url.PathUnescape(v)
			if err != nil {
				return "", false
			}
			v = u
		}
		return v, v != ""
	}
	return "", false
}

// decodeBase64 reads standard base64 with or without padding, or base64url.
func decodeBase64(s string) ([]byte, bool) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if d, err := enc.DecodeString(s); err == nil {
			return d, true
		}
	}
	return nil, false
}

// refOf reads the reference member of a get or cancel request.
func refOf(r *http.Request, param, refName string) (string, *FrejaError) {
	var m map[string]json.RawMessage
	if e := readParam(r, param, &m); e != nil {
		return "", e
	}
	var ref string
	if raw, ok := m[refName]; !ok || json.Unmarshal(raw, &ref) != nil || ref == "" {
		return "", errReference
	}
	return ref, nil
}

func (srv *Server) getOne(k *kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ref, e := refOf(r, k.getOne, k.refName)
		if e != nil {
			writeError(w, http.StatusBadRequest, e)
			return
		}
		res, ok := srv.freja.result(k, ref)
		if !ok {
			writeError(w, http.StatusBadRequest, errReference)
			return
		}
		writeJSON(w, http.StatusOK, res)
	}
}

func (srv *Server) getResults(k *kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			IncludePrevious string `json:"includePrevious"`
		}
		if e := readParam(r, k.getAll, &req); e != nil {
			writeError(w, http.StatusBadRequest, e)
			return
		}
		if req.IncludePrevious != "ALL" {
			writeError(w, http.StatusBadRequest, errPrevious)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{k.list: srv.freja.results(k)})
	}
}

func (srv *Server) cancel(k *kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ref, e := refOf(r, k.cancel, k.refName)
		if e == nil && !srv.freja.cancel(k, ref) {
			e = errReference
		}
		if e != nil {
			writeError(w, http.StatusBadRequest, e)
			return
		}
		writeJSON(w, http.StatusOK, struct{}{})
	}
}

// attributeRequest is one member of attributesToReturn.
type attributeRequest struct {
	Attribute string `json:"attribute"`
}

// initAuthRequest is the JSON of initAuthRequest.
type initAuthRequest struct {
	UserInfoType         string             `json:"userInfoType"`
	UserInfo             string             `json:"userInfo"`
	MinRegistrationLevel string             `json:"minRegistrationLevel"`
	AttributesToReturn   []attributeRequest `json:"attributesToReturn"`
}

// initAuth starts an authentication, which the sandbox's user approves at
// once, and answers {"authRef":…}.
func (srv *Server) initAuth(w http.ResponseWriter, r *http.Request) {
	var req initAuthRequest
	if e := readParam(r, ParamInitAuth, &req); e != nil {
		writeError(w, http.StatusBadRequest, e)
		return
	}
	a, e := newApproval(req.UserInfoType, req.UserInfo, req.MinRegistrationLevel, req.AttributesToReturn, authKind, srv.now())
	if e != nil {
		writeError(w, http.StatusBadRequest, e)
		return
	}
	ref, e := srv.approve(authKind, a, nil)
	if e != nil {
		writeError(w, http.StatusInternalServerError, e)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		AuthRef string `json:"authRef"`
	}{ref})
}
