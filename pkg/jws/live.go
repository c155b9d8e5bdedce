package jws

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// LiveOptions are what VerifyLive needs: the fields a relying party's
// backend always has when a result arrives — the reference it got when it
// initiated the request, how old a result may be, the current time, and the
// environment — are required, so the safe call is the only one that works.
type LiveOptions struct {
	// Trust and Environment as in Options; both required.
	Trust       *TrustStore
	Environment string
	// Ref is the authRef or signRef of the request this result answers.
	// Required.
	Ref string
	// MaxAge is how long ago the result may have been signed (plus
	// ClockSkew); a few minutes is typical. Required, greater than zero.
	MaxAge time.Duration
	// Now is the current time. Required.
	Now time.Time
	// User, Text and Data are checked when set, as Options.ExpectUser,
	// ExpectText and ExpectData; Status as Options.ExpectStatus ("" is
	// APPROVED); AllowUntagged as in Options.
	User          *User
	Text          string
	Data          []byte
	Status        string
	AllowUntagged bool
}

// VerifyLive verifies a result's compact token (the details field of the
// result Freja returned) as a relying party must when the result arrives:
// everything Verify checks, plus that it answers the request with
// reference o.Ref, was signed at most o.MaxAge ago and not in the future,
// and — when o says so — is about o.User and carries the text and data the
// user was shown. A missing required field is an invalid_options error;
// every refusal is an *Error with its Code.
func VerifyLive(token string, o LiveOptions) (*Result, error) {
	switch {
	case o.Ref == "":
		return nil, newErr(CodeInvalidOptions, "pass the authRef or signRef the request was initiated with", nil, "LiveOptions.Ref is empty")
	case o.MaxAge <= 0:
		return nil, newErr(CodeInvalidOptions, "pass how old a result may be, e.g. 5*time.Minute", nil, "LiveOptions.MaxAge is not positive")
	case o.Now.IsZero():
		return nil, newErr(CodeInvalidOptions, "pass the current time", nil, "LiveOptions.Now is zero")
	}
	return Verify(token, Options{
		Trust: o.Trust, Environment: o.Environment, AllowUntagged: o.AllowUntagged, Now: o.Now,
		ExpectStatus: o.Status, ExpectRef: o.Ref, MaxAge: o.MaxAge, ExpectUser: o.User, ExpectText: o.Text, ExpectData: o.Data,
	})
}

// User is the user a result must be about: Type is Freja's userInfoType
// (EMAIL, PHONE, SSN, INFERRED, …) and Value the userInfo, compared
// exactly; for SSN, Country and SSN are compared with the decoded userInfo
// ({"country","ssn"}) instead: the country case-insensitively, the number
// exactly as Freja writes it (for SE twelve digits, YYYYMMDDNNNN).
type User struct {
	Type, Value  string
	Country, SSN string
}

// String is the TYPE:VALUE form ParseUser reads.
func (u User) String() string {
	if u.Type == "SSN" {
		return "SSN:" + u.Country + ":" + u.SSN
	}
	return u.Type + ":" + u.Value
}

// ParseUser reads TYPE:VALUE, as the CLI's --expect-user: EMAIL:a@example.org,
// PHONE:+46701234567, SSN:SE:190001019876 (country, then number), or any
// other userInfoType in capitals followed by its value. The value must be
// non-empty and free of control characters.
func ParseUser(s string) (User, error) {
	typ, value, ok := strings.Cut(s, ":")
	bad := func(format string, args ...any) (User, error) {
		return User{}, newErr(CodeInvalidOptions, "write TYPE:VALUE, e.g. EMAIL:user@example.org or SSN:SE:190001019876", nil, format, args...)
	}
	if !ok || typ == "" {
		return bad("the user %s is not TYPE:VALUE", Quote(s))
	}
	for i := 0; i < len(typ); i++ {
		if c := typ[i]; !(c >= 'A' && c <= 'Z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return bad("the user type %s is not a userInfoType such as EMAIL, PHONE or SSN", Quote(typ))
		}
	}
	if value == "" || Escape(value) != value || strings.TrimSpace(value) != value {
		return bad("the user %s has an empty value, control characters or surrounding space", Quote(s))
	}
	if typ != "SSN" {
		return User{Type: typ, Value: value}, nil
	}
	cc, num, ok := strings.Cut(value, ":")
	if !ok || len(cc) != 2 || !isLetters(cc) || num == "" || strings.ContainsAny(num, ": ") {
		return bad("the SSN user %s is not SSN:COUNTRY:NUMBER, e.g. SSN:SE:190001019876", Quote(s))
	}
	return User{Type: "SSN", Country: strings.ToUpper(cc), SSN: num}, nil
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// checkExpectations applies the signed status rule and the live options to
// a verified payload.
func (o *Options) checkExpectations(f payloadFields, payload []byte) error {
	want := o.ExpectStatus
	if want == "" {
		want = "APPROVED"
	}
	if (f.hasStatus || f.authRef != "" || f.signRef != "" || o.ExpectStatus != "") && f.status != want {
		return newErr(CodeResultNotApproved, "only an approved result proves a login or signature", nil,
			"the signed status is %s, not %s", Quote(f.status), Quote(want))
	}
	if o.ExpectRef != "" {
		ref := f.authRef + f.signRef
		if f.authRef != "" && f.signRef != "" || ref != o.ExpectRef {
			return newErr(CodeRefMismatch, "the result answers another request: match it to the authRef/signRef your backend initiated", nil,
				"the signed reference %s is not the expected %s", Quote(ref), Quote(o.ExpectRef))
		}
	}
	if o.MaxAge > 0 {
		if err := o.checkAge(f); err != nil {
			return err
		}
	}
	if !o.live() {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(payload, &m); err != nil {
		return payloadErr("%v", err)
	}
	if o.ExpectUser != nil {
		if err := checkUser(*o.ExpectUser, m); err != nil {
			return err
		}
	}
	if o.ExpectText != "" || o.ExpectData != nil {
		return o.checkSignedData(m)
	}
	return nil
}

// checkAge applies MaxAge to the payload's timestamp.
func (o *Options) checkAge(f payloadFields) error {
	if !f.hasTimestamp {
		return newErr(CodeMissingTimestamp, "Freja's results carry a timestamp: this token cannot be checked for freshness", nil,
			"the signed payload has no timestamp, so its age cannot be checked")
	}
	ts := time.UnixMilli(f.timestamp).UTC()
	if ts.After(o.Now.Add(ClockSkew)) {
		return newErr(CodeFutureTimestamp, "check this machine's clock", nil,
			"the result was signed at %s, %s after the current time %s (more than the allowed clock skew of %s)",
			stamp(ts), ts.Sub(o.Now).Round(time.Second), stamp(o.Now), ClockSkew)
	}
	if age := o.Now.Sub(ts); age > o.MaxAge+ClockSkew {
		return newErr(CodeStaleResult, "a result is accepted only when fresh: an old one may be a replay", nil,
			"the result was signed at %s, %s ago, longer than the maximum age %s", stamp(ts), age.Round(time.Second), o.MaxAge)
	}
	return nil
}

// checkUser compares the signed user with u.
func checkUser(u User, m map[string]json.RawMessage) error {
	var typ, info string
	_ = json.Unmarshal(m["userInfoType"], &typ)
	_ = json.Unmarshal(m["userInfo"], &info)
	mismatch := func(got string) error {
		return newErr(CodeUserMismatch, "the result is about another user than the one this session expects", nil,
			"the signed user is %s, not the expected %s", Quote(got), Quote(u.String()))
	}
	if typ != u.Type {
		return mismatch(typ + ":" + info)
	}
	if typ != "SSN" {
		if info != u.Value {
			return mismatch(typ + ":" + info)
		}
		return nil
	}
	var e Explanation
	ssn := decodeSSN(info, &e)
	if ssn == nil {
		return mismatch("SSN:" + info)
	}
	if !strings.EqualFold(ssn.Country, u.Country) || ssn.SSN != u.SSN {
		return mismatch("SSN:" + ssn.Country + ":" + ssn.SSN)
	}
	return nil
}

// checkSignedData compares what the user signed (the payload of the nested
// signatureData.userSignature: the text itself for SIMPLE, {"text",
// "binaryData"} in base64 for EXTENDED) with ExpectText and ExpectData.
func (o *Options) checkSignedData(m map[string]json.RawMessage) error {
	text, data, hasData, err := signedData(m)
	if err != nil {
		return newErr(CodeSignedDataMismatch, "give --expect-text only for signature results", err, "%s", err.Error())
	}
	if o.ExpectText != "" && !bytes.Equal(text, []byte(o.ExpectText)) {
		return newErr(CodeSignedDataMismatch, "the user signed another text than the one this request showed", nil,
			"the signed text %s is not the expected text", Quote(clipText(string(text))))
	}
	if o.ExpectData != nil && (!hasData || !bytes.Equal(data, o.ExpectData)) {
		return newErr(CodeSignedDataMismatch, "the user signed other data than the one this request carried", nil,
			"the signed binary data (%d bytes) is not the expected data (%d bytes)", len(data), len(o.ExpectData))
	}
	return nil
}

// signedData decodes the text and binary data of a signature payload.
func signedData(m map[string]json.RawMessage) (text, data []byte, hasData bool, err error) {
	var sigType string
	_ = json.Unmarshal(m["signatureType"], &sigType)
	var sd struct {
		UserSignature string `json:"userSignature"`
	}
	if raw, ok := m["signatureData"]; !ok || json.Unmarshal(raw, &sd) != nil || sd.UserSignature == "" {
		return nil, nil, false, newErr(CodeSignedDataMismatch, "", nil, "the result has no signatureData.userSignature: it is not a signature result")
	}
	t, err := Parse(sd.UserSignature)
	if err != nil {
		return nil, nil, false, err
	}
	extended := sigType == "EXTENDED"
	if sigType != "SIMPLE" && !extended {
		extended = bytes.HasPrefix(bytes.TrimSpace(t.Payload), []byte("{"))
	}
	if !extended {
		return t.Payload, nil, false, nil
	}
	var p struct {
		Text       *string `json:"text"`
		BinaryData *string `json:"binaryData"`
	}
	if err := json.Unmarshal(t.Payload, &p); err != nil {
		return nil, nil, false, newErr(CodeSignedDataMismatch, "", err, "the EXTENDED user signature's payload is not a {\"text\",\"binaryData\"} object")
	}
	if p.Text != nil {
		if text, err = base64.StdEncoding.DecodeString(*p.Text); err != nil {
			return nil, nil, false, newErr(CodeSignedDataMismatch, "", err, "the signed text is not base64")
		}
	}
	if p.BinaryData != nil {
		if data, err = base64.StdEncoding.DecodeString(*p.BinaryData); err != nil {
			return nil, nil, false, newErr(CodeSignedDataMismatch, "", err, "the signed binary data is not base64")
		}
		hasData = true
	}
	return text, data, hasData, nil
}

// clipText shortens text for a message.
func clipText(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}
