package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/ocsp"
)

// initSignRequest is the JSON of initSignRequest.
type initSignRequest struct {
	UserInfoType         string             `json:"userInfoType"`
	UserInfo             string             `json:"userInfo"`
	MinRegistrationLevel string             `json:"minRegistrationLevel"`
	Title                string             `json:"title"`
	DataToSignType       string             `json:"dataToSignType"`
	DataToSign           json.RawMessage    `json:"dataToSign"`
	SignatureType        string             `json:"signatureType"`
	AttributesToReturn   []attributeRequest `json:"attributesToReturn"`
}

// dataToSignTypes pairs each dataToSignType with its signatureType.
var dataToSignTypes = map[string]string{"SIMPLE_UTF8_TEXT": "SIMPLE", "EXTENDED_UTF8_TEXT": "EXTENDED"}

// initSign starts a signature, which the test user approves at once, and
// answers {"signRef":…}. The result's signatureData holds a user signature
// made with a key of this server (not verifiable offline, as with Freja)
// and an OCSP response by the JWS root saying the user's certificate is
// good.
func (srv *Server) initSign(w http.ResponseWriter, r *http.Request) {
	var req initSignRequest
	if e := readParam(r, ParamInitSign, &req); e != nil {
		writeError(w, http.StatusBadRequest, e)
		return
	}
	a, e := newApproval(req.UserInfoType, req.UserInfo, req.MinRegistrationLevel, req.AttributesToReturn, signKind, srv.now())
	if e == nil {
		e = checkSignTypes(req)
	}
	if e != nil {
		writeError(w, http.StatusBadRequest, e)
		return
	}
	userPayload, e := userSignedData(req)
	if e != nil {
		writeError(w, http.StatusBadRequest, e)
		return
	}
	data, err := srv.signatureData(userPayload, a.at)
	if err != nil {
		writeError(w, http.StatusInternalServerError, errInternal)
		return
	}
	ref, e := srv.approve(signKind, a, &signPayload{SignatureType: req.SignatureType, SignatureData: data})
	if e != nil {
		writeError(w, http.StatusInternalServerError, e)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		SignRef string `json:"signRef"`
	}{ref})
}

func checkSignTypes(req initSignRequest) *FrejaError {
	sigType, ok := dataToSignTypes[req.DataToSignType]
	switch {
	case !ok:
		return errDataToSignType
	case req.SignatureType != sigType:
		return errSignatureType
	}
	return nil
}

// userSignedData is the payload of the user's signature: the text itself
// for SIMPLE, {"text","binaryData"} (both base64) for EXTENDED.
func userSignedData(req initSignRequest) ([]byte, *FrejaError) {
	var d struct {
		Text       *string `json:"text"`
		BinaryData *string `json:"binaryData"`
	}
	if json.Unmarshal(req.DataToSign, &d) != nil || d.Text == nil {
		return nil, errDataToSign
	}
	text, ok := decodeBase64(*d.Text)
	if !ok || len(text) == 0 || !utf8.Valid(text) {
		return nil, errDataToSign
	}
	if req.SignatureType == "SIMPLE" {
		return text, nil
	}
	if d.BinaryData == nil {
		return nil, errDataToSign
	}
	bin, ok := decodeBase64(*d.BinaryData)
	if !ok {
		return nil, errDataToSign
	}
	b, _ := json.Marshal(map[string]string{
		"text":       base64.StdEncoding.EncodeToString(text),
		"binaryData": base64.StdEncoding.EncodeToString(bin),
	})
	return b, nil
}

// signatureData makes the user's signature and the OCSP response on the
// user's (invented) certificate.
func (srv *Server) signatureData(payload []byte, at time.Time) (signatureData, error) {
	key, kid, err := srv.userKey()
	if err != nil {
		return signatureData{}, err
	}
	us, err := signRS256(key, `{"kid":"`+kid+`","alg":"RS256"}`, payload)
	if err != nil {
		return signatureData{}, err
	}
	serial, err := newSerial()
	if err != nil {
		return signatureData{}, err
	}
	t := at.UTC().Truncate(time.Second)
	der, err := ocsp.CreateResponse(srv.sb.SignerRoot, srv.sb.SignerRoot, ocsp.Response{
		Status:       ocsp.Good,
		SerialNumber: serial,
		ThisUpdate:   t,
		NextUpdate:   t.Add(24 * time.Hour),
	}, srv.sb.signerRootKey)
	if err != nil {
		return signatureData{}, fmt.Errorf("making the OCSP response: %w", err)
	}
	return signatureData{UserSignature: us, CertificateStatus: base64.StdEncoding.EncodeToString(der)}, nil
}

// userKey is the test user's signing key, made on first use (one per
// server), and its kid: the upper-case hex SHA-256 of the public key.
func (srv *Server) userKey() (*rsa.PrivateKey, string, error) {
	srv.userOnce.Do(func() {
		srv.userSigner, srv.userErr = rsa.GenerateKey(rand.Reader, 2048)
		if srv.userErr == nil {
			sum := sha256.Sum256(x509.MarshalPKCS1PublicKey(&srv.userSigner.PublicKey))
			srv.userKid = fmt.Sprintf("%X", sum[:])
		}
	})
	return srv.userSigner, srv.userKid, srv.userErr
}
