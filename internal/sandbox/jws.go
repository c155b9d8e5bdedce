package sandbox

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/caronboard/caronboard/pkg/jws"
)

var b64url = base64.RawURLEncoding

// SignResult signs a result payload as Freja does: a compact JWS whose
// header is exactly {"x5t":"<jws.X5T(signer.pem)>","alg":"RS256"} (in that
// member order), RS256 over header.payload with the signer key, every part
// base64url without padding. A payload of type []byte or json.RawMessage is
// signed as given (it must be JSON); anything else is encoded with
// encoding/json.
func (s *Sandbox) SignResult(payload any) (string, error) {
	var raw []byte
	switch p := payload.(type) {
	case []byte:
		raw = p
	case json.RawMessage:
		raw = p
	default:
		var err error
		if raw, err = json.Marshal(payload); err != nil {
			return "", fmt.Errorf("encoding the result payload: %w", err)
		}
	}
	if !json.Valid(raw) {
		return "", errors.New("the result payload is not JSON")
	}
	if s.signerKey == nil || s.Signer == nil {
		return "", errors.New("the sandbox has no JWS signer")
	}
	header := `{"x5t":"` + jws.X5T(s.Signer) + `","alg":"RS256"}`
	return signRS256(s.signerKey, header, raw)
}

// signRS256 makes a compact JWS with the header used as is.
func signRS256(key *rsa.PrivateKey, header string, payload []byte) (string, error) {
	input := b64url.EncodeToString([]byte(header)) + "." + b64url.EncodeToString(payload)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", fmt.Errorf("signing the result: %w", err)
	}
	return input + "." + b64url.EncodeToString(sig), nil
}
