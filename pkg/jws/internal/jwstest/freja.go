package jwstest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"time"

	"golang.org/x/crypto/ocsp"
)

// Test user data: invented, not a real person.
const (
	UserEmail   = "test.user@example.org"
	UserCountry = "SE"
	UserSSN     = "190001019876"
	// UserKid is the kid header of the nested user signature.
	UserKid = "AAED4CE5F604E1125A65D8A8D072470463F5FEE67DF3D7F0B8EB0A7D89539E83"
	// SignedText is what the user signed.
	SignedText = "I approve the transfer of 100 SEK to caronboard test"
	// SignedBinary is the EXTENDED signature's binaryData.
	SignedBinary = "Base64 encoded bytes for the test"
)

func ms(t time.Time) int64 { return t.UnixMilli() }

// AuthPayload is an approved authentication result's details payload.
// With ssn true the user info is of type SSN, else EMAIL.
func AuthPayload(ref string, ts time.Time, ssn bool) []byte {
	m := map[string]any{
		"authRef": ref, "status": "APPROVED", "userInfoType": "EMAIL", "userInfo": UserEmail,
		"minRegistrationLevel": "EXTENDED", "timestamp": ms(ts),
		"requestedAttributes": map[string]any{"emailAddress": UserEmail},
	}
	if ssn {
		info, _ := json.Marshal(map[string]string{"country": UserCountry, "ssn": UserSSN})
		m["userInfoType"], m["userInfo"] = "SSN", base64.StdEncoding.EncodeToString(info)
	}
	return marshal(m)
}

// SignPayload is an approved signature result's details payload with a
// nested user signature of the given type (SIMPLE or EXTENDED) and an OCSP
// response saying the user's certificate was good.
func (p *PKI) SignPayload(ref, signatureType string, ts time.Time) []byte {
	user := p.Other.RSAKey() // any key: the user's signature is not verified offline
	var userPayload []byte
	if signatureType == "EXTENDED" {
		userPayload = marshal(map[string]string{
			"text":       base64.StdEncoding.EncodeToString([]byte(SignedText)),
			"binaryData": base64.StdEncoding.EncodeToString([]byte(SignedBinary)),
		})
	} else {
		userPayload = []byte(SignedText)
	}
	us := SignRS256(user, `{"kid":"`+UserKid+`","alg":"RS256"}`, userPayload)
	return marshal(map[string]any{
		"signRef": ref, "status": "APPROVED", "timestamp": ms(ts), "minRegistrationLevel": "BASIC",
		"signatureType": signatureType, "userInfoType": "EMAIL", "userInfo": UserEmail,
		"requestedAttributes": map[string]any{"emailAddress": UserEmail},
		"signatureData": map[string]string{
			"userSignature":     us,
			"certificateStatus": base64.StdEncoding.EncodeToString(p.OCSPResponse(ocsp.Good, ts)),
		},
	})
}

// UserSerial is the serial number of the user certificate the OCSP
// responses are about.
var UserSerial = big.NewInt(0x3862E1E0CED7)

// OCSPResponse is a DER OCSP response by the PKI's responder (named by its
// subject, carrying its certificate) on UserSerial. x/crypto/ocsp sets
// producedAt to the clock's minute; thisUpdate is at.
func (p *PKI) OCSPResponse(status int, at time.Time) []byte {
	tmpl := ocsp.Response{
		Status:       status,
		SerialNumber: UserSerial,
		ProducedAt:   at.Truncate(time.Second),
		ThisUpdate:   at.Truncate(time.Second),
		NextUpdate:   at.Truncate(time.Second).Add(24 * time.Hour),
		Certificate:  p.OCSP.Cert,
	}
	if status == ocsp.Revoked {
		tmpl.RevokedAt = at.Add(-time.Hour).Truncate(time.Second)
		tmpl.RevocationReason = ocsp.KeyCompromise
	}
	der, err := ocsp.CreateResponse(p.Root.Cert, p.OCSP.Cert, tmpl, p.OCSP.Key)
	if err != nil {
		panic(err)
	}
	return der
}

// Result wraps details in a Freja result object.
func Result(refName, ref, status, details string) []byte {
	m := map[string]any{refName: ref, "status": status}
	if details != "" {
		m["details"] = details
	}
	return marshal(m)
}

// List wraps result objects in the list form ("authenticationResults" or
// "signatureResults").
func List(name string, results ...[]byte) []byte {
	raw := make([]json.RawMessage, len(results))
	for i, r := range results {
		raw[i] = r
	}
	return marshal(map[string]any{name: raw})
}

// Ref returns a reference string like Freja's for the given number.
func Ref(n int) string {
	b := sha256.Sum256([]byte(fmt.Sprint(n)))
	return fmt.Sprintf("ref%04d-%s", n, base64.RawURLEncoding.EncodeToString(b[:24]))
}

func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
