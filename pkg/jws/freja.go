package jws

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Explanation is a Freja payload in words. Members it does not know are
// kept in Other; problems decoding a part are listed in Problems rather
// than failing the whole explanation.
type Explanation struct {
	// Kind is "authentication" or "signature" (from authRef/signRef), or "".
	Kind   string `json:"kind,omitempty"`
	Status string `json:"status,omitempty"`
	// RefName is "authRef" or "signRef"; Ref its value.
	RefName string `json:"ref_name,omitempty"`
	Ref     string `json:"ref,omitempty"`
	// UserInfoType is EMAIL, PHONE, SSN, INFERRED, …; UserInfo the value as
	// sent, and SSN the decoded value when the type is SSN.
	UserInfoType string          `json:"user_info_type,omitempty"`
	UserInfo     json.RawMessage `json:"user_info,omitempty"`
	SSN          *SSNInfo        `json:"ssn,omitempty"`
	// RequestedAttributes is the requestedAttributes object as sent.
	RequestedAttributes json.RawMessage `json:"requested_attributes,omitempty"`
	// Timestamp is the payload's timestamp in milliseconds and Time the same
	// instant in UTC.
	Timestamp            *int64     `json:"timestamp,omitempty"`
	Time                 *time.Time `json:"time,omitempty"`
	MinRegistrationLevel string     `json:"min_registration_level,omitempty"`
	SignatureType        string     `json:"signature_type,omitempty"`
	// UserSignature and CertificateStatus decode signatureData of a
	// signature result.
	UserSignature     *UserSignature     `json:"user_signature,omitempty"`
	CertificateStatus *CertificateStatus `json:"certificate_status,omitempty"`
	// Other holds the members not described above, as raw JSON.
	Other    map[string]json.RawMessage `json:"other,omitempty"`
	Problems []string                   `json:"problems,omitempty"`
}

// SSNInfo is the decoded userInfo of userInfoType SSN.
type SSNInfo struct {
	Country string `json:"country"`
	SSN     string `json:"ssn"`
}

// knownMembers are the payload members Explanation describes.
var knownMembers = map[string]bool{
	"status": true, "authRef": true, "signRef": true, "userInfoType": true, "userInfo": true,
	"requestedAttributes": true, "timestamp": true, "minRegistrationLevel": true,
	"signatureType": true, "signatureData": true,
}

// Explain describes a Freja payload. It fails only when the payload is
// not a JSON object.
func Explain(payload []byte) (*Explanation, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(payload, &m); err != nil || m == nil {
		return nil, newErr(CodeMalformed, "", err, "the payload is not a JSON object")
	}
	e := &Explanation{}
	str := func(name string) string {
		raw, ok := m[name]
		if !ok {
			return ""
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			e.problem("%s is not a string: %s", name, clip(raw))
		}
		return s
	}
	e.Status = str("status")
	if ref := str("authRef"); ref != "" {
		e.Kind, e.RefName, e.Ref = "authentication", "authRef", ref
	}
	if ref := str("signRef"); ref != "" {
		e.Kind, e.RefName, e.Ref = "signature", "signRef", ref
	}
	e.UserInfoType = str("userInfoType")
	e.UserInfo = m["userInfo"]
	if e.UserInfoType == "SSN" {
		e.SSN = decodeSSN(str("userInfo"), e)
	}
	e.RequestedAttributes = m["requestedAttributes"]
	if raw, ok := m["timestamp"]; ok {
		var ms int64
		if err := json.Unmarshal(raw, &ms); err != nil {
			e.problem("timestamp is not a whole number of milliseconds: %s", clip(raw))
		} else {
			t := time.UnixMilli(ms).UTC()
			e.Timestamp, e.Time = &ms, &t
		}
	}
	e.MinRegistrationLevel = str("minRegistrationLevel")
	e.SignatureType = str("signatureType")
	if raw, ok := m["signatureData"]; ok {
		e.signatureData(raw)
	}
	for k, v := range m {
		if !knownMembers[k] {
			if e.Other == nil {
				e.Other = make(map[string]json.RawMessage)
			}
			e.Other[k] = v
		}
	}
	return e, nil
}

func (e *Explanation) problem(format string, args ...any) {
	e.Problems = append(e.Problems, fmt.Sprintf(format, args...))
}

// decodeSSN decodes userInfo of type SSN: base64 of {"country","ssn"}.
func decodeSSN(s string, e *Explanation) *SSNInfo {
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		data, err = base64.RawStdEncoding.DecodeString(s)
	}
	if err != nil {
		e.problem("userInfo of type SSN is not base64")
		return nil
	}
	var info SSNInfo
	if err := json.Unmarshal(data, &info); err != nil {
		e.problem("userInfo of type SSN is not base64 of a {\"country\",\"ssn\"} object")
		return nil
	}
	return &info
}

// signatureData decodes the user's signature and the OCSP response.
func (e *Explanation) signatureData(raw json.RawMessage) {
	var sd map[string]json.RawMessage
	if err := json.Unmarshal(raw, &sd); err != nil || sd == nil {
		e.problem("signatureData is not an object")
		return
	}
	var us, cs string
	if v, ok := sd["userSignature"]; ok {
		if json.Unmarshal(v, &us) != nil {
			e.problem("signatureData.userSignature is not a string")
		}
	}
	if v, ok := sd["certificateStatus"]; ok {
		if json.Unmarshal(v, &cs) != nil {
			e.problem("signatureData.certificateStatus is not a string")
		}
	}
	if us != "" {
		e.UserSignature = decodeUserSignature(us, e.SignatureType)
	}
	if cs != "" {
		st, err := DecodeCertificateStatus(cs)
		if err != nil {
			e.problem("signatureData.certificateStatus: %v", err)
		}
		e.CertificateStatus = st
	}
	for k, v := range sd {
		if k != "userSignature" && k != "certificateStatus" {
			if e.Other == nil {
				e.Other = make(map[string]json.RawMessage)
			}
			e.Other["signatureData."+k] = v
		}
	}
}

// clip shortens raw JSON for a message.
func clip(raw []byte) string {
	s := strings.ToValidUTF8(string(raw), "?")
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

// UserSignatureNote labels the nested user signature.
const UserSignatureNote = "user's signature — not verifiable offline: the user's certificate is not in the result"

// UserSignature is signatureData.userSignature of a signature result: the
// user's own JWS over what was shown to them, decoded but not verified.
type UserSignature struct {
	Note   string          `json:"note"`
	Header json.RawMessage `json:"header,omitempty"`
	Kid    string          `json:"kid,omitempty"`
	Alg    string          `json:"alg,omitempty"`
	// Text is what the user signed: for EXTENDED the decoded text member,
	// for SIMPLE the payload itself.
	Text string `json:"text,omitempty"`
	// BinaryData is the decoded binaryData of an EXTENDED signature, as text
	// when it is UTF-8, and BinaryDataBase64 its base64 otherwise.
	BinaryData       string   `json:"binary_data,omitempty"`
	BinaryDataBase64 string   `json:"binary_data_base64,omitempty"`
	Problems         []string `json:"problems,omitempty"`
}

// decodeUserSignature decodes the nested JWS. signatureType decides the
// payload form; when it is neither SIMPLE nor EXTENDED the form is guessed.
func decodeUserSignature(tok, signatureType string) *UserSignature {
	u := &UserSignature{Note: UserSignatureNote}
	t, err := Parse(tok)
	if err != nil {
		u.Problems = append(u.Problems, "not a compact JWS: "+err.Error())
		return u
	}
	u.Header, u.Kid, u.Alg = t.Header.Raw, t.Header.Kid, t.Header.Alg
	extended := signatureType == "EXTENDED"
	if signatureType != "SIMPLE" && !extended {
		extended = bytes.HasPrefix(bytes.TrimSpace(t.Payload), []byte("{"))
	}
	if !extended {
		u.Text = strings.ToValidUTF8(string(t.Payload), "\uFFFD")
		return u
	}
	var p struct {
		Text       *string `json:"text"`
		BinaryData *string `json:"binaryData"`
	}
	if err := json.Unmarshal(t.Payload, &p); err != nil {
		u.Problems = append(u.Problems, "the EXTENDED payload is not a {\"text\",\"binaryData\"} object")
		return u
	}
	if p.Text != nil {
		if d, ok := decodeStd(*p.Text); ok {
			u.Text = strings.ToValidUTF8(string(d), "\uFFFD")
		} else {
			u.Problems = append(u.Problems, "text is not base64")
		}
	}
	if p.BinaryData != nil {
		if d, ok := decodeStd(*p.BinaryData); !ok {
			u.Problems = append(u.Problems, "binaryData is not base64")
		} else if utf8.Valid(d) {
			u.BinaryData = string(d)
		} else {
			u.BinaryDataBase64 = base64.StdEncoding.EncodeToString(d)
		}
	}
	return u
}

// decodeStd decodes standard base64 with or without padding, or base64url.
func decodeStd(s string) ([]byte, bool) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if d, err := enc.DecodeString(s); err == nil {
			return d, true
		}
	}
	return nil, false
}
