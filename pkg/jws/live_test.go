package jws

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/pkg/jws/internal/jwstest"
)

// TestLiveAttacks is the attack table of a relying party verifying results
// as they arrive: tokens honestly signed by a trusted test signer at fixed
// times, replayed or redirected. No clock: now is jwstest.SignedAt plus a
// fixed offset.
func TestLiveAttacks(t *testing.T) {
	signer := pki.Signer.RSAKey()
	hdr := jwstest.Header(pki.Signer.X5T)
	ref, otherRef := jwstest.Ref(41), jwstest.Ref(42)
	at := jwstest.SignedAt
	sign := func(p []byte) string { return jwstest.SignRS256(signer, hdr, p) }
	auth := sign(jwstest.AuthPayload(ref, at, false))
	authSSN := sign(jwstest.AuthPayload(ref, at, true))
	simple := sign(pki.SignPayload(ref, "SIMPLE", at))
	extended := sign(pki.SignPayload(ref, "EXTENDED", at))
	noTS := sign([]byte(`{"authRef":"` + ref + `","status":"APPROVED","userInfoType":"EMAIL","userInfo":"` + jwstest.UserEmail + `"}`))
	future := sign(jwstest.AuthPayload(ref, at.Add(ClockSkew+time.Second), false))
	nearFuture := sign(jwstest.AuthPayload(ref, at.Add(ClockSkew-time.Second), false))
	rejected := sign([]byte(`{"authRef":"` + ref + `","status":"REJECTED","timestamp":` + ms(at) + `}`))
	email := &User{Type: "EMAIL", Value: jwstest.UserEmail}
	ssn := &User{Type: "SSN", Country: "se", SSN: jwstest.UserSSN}
	fresh := at.Add(2 * time.Minute)
	tests := []struct {
		name  string
		token string
		opts  func(*Options)
		code  string
	}{
		{"every expectation matches", auth, func(o *Options) { o.ExpectRef, o.MaxAge, o.ExpectUser = ref, 5*time.Minute, email }, ""},
		{"replayed after max-age", auth, func(o *Options) {
			o.ExpectRef, o.MaxAge, o.Now = ref, 5*time.Minute, at.Add(5*time.Minute+ClockSkew+time.Millisecond)
		}, CodeStaleResult},
		{"within max-age plus skew", auth, func(o *Options) {
			o.ExpectRef, o.MaxAge, o.Now = ref, 5*time.Minute, at.Add(5*time.Minute+ClockSkew)
		}, ""},
		{"replayed for another request", auth, func(o *Options) { o.ExpectRef, o.MaxAge = otherRef, 5*time.Minute }, CodeRefMismatch},
		{"replayed for another user", auth, func(o *Options) { o.ExpectUser = &User{Type: "EMAIL", Value: "victim@example.org"} }, CodeUserMismatch},
		{"user type differs", auth, func(o *Options) { o.ExpectUser = &User{Type: "PHONE", Value: jwstest.UserEmail} }, CodeUserMismatch},
		{"SSN matches on country and number", authSSN, func(o *Options) { o.ExpectUser = ssn }, ""},
		{"SSN of another person", authSSN, func(o *Options) { o.ExpectUser = &User{Type: "SSN", Country: "SE", SSN: "190001010000"} }, CodeUserMismatch},
		{"SSN of another country", authSSN, func(o *Options) { o.ExpectUser = &User{Type: "SSN", Country: "NO", SSN: jwstest.UserSSN} }, CodeUserMismatch},
		{"signed text matches (SIMPLE)", simple, func(o *Options) { o.ExpectText = jwstest.SignedText }, ""},
		{"signed text matches (EXTENDED)", extended, func(o *Options) {
			o.ExpectText, o.ExpectData = jwstest.SignedText, []byte(jwstest.SignedBinary)
		}, ""},
		{"other signed text", simple, func(o *Options) { o.ExpectText = "I approve the transfer of 1 SEK" }, CodeSignedDataMismatch},
		{"other signed data", extended, func(o *Options) { o.ExpectData = []byte("other bytes") }, CodeSignedDataMismatch},
		{"data expected, SIMPLE has none", simple, func(o *Options) { o.ExpectData = []byte(jwstest.SignedBinary) }, CodeSignedDataMismatch},
		{"text expected of an authentication", auth, func(o *Options) { o.ExpectText = jwstest.SignedText }, CodeSignedDataMismatch},
		{"no timestamp under max-age", noTS, func(o *Options) { o.MaxAge = time.Hour }, CodeMissingTimestamp},
		{"no timestamp without max-age", noTS, func(o *Options) {}, ""},
		{"future timestamp beyond skew", future, func(o *Options) { o.MaxAge, o.Now = time.Hour, at }, CodeFutureTimestamp},
		{"future timestamp within skew", nearFuture, func(o *Options) { o.MaxAge, o.Now = time.Hour, at }, ""},
		{"signed status REJECTED refused by default", rejected, func(o *Options) {}, CodeResultNotApproved},
		{"signed status REJECTED when expected", rejected, func(o *Options) { o.ExpectStatus = "REJECTED" }, ""},
		{"APPROVED when REJECTED expected", auth, func(o *Options) { o.ExpectStatus = "REJECTED" }, CodeResultNotApproved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{Trust: testTrust(t), Environment: EnvFrejaTest, AllowUntagged: true, Now: fresh}
			tt.opts(&opts)
			res, err := Verify(tt.token, opts)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantCode(t, err, tt.code)
			if res != nil && (res.Status != "" || res.Ref != "" || res.Payload != nil) {
				t.Fatalf("failed result carries status %q ref %q", res.Status, res.Ref)
			}
		})
	}
}

func ms(t time.Time) string { b, _ := json.Marshal(t.UnixMilli()); return string(b) }

func TestVerifyLiveRequiresItsFields(t *testing.T) {
	tok := jwstest.SignRS256(pki.Signer.RSAKey(), jwstest.Header(pki.Signer.X5T), jwstest.AuthPayload("R", jwstest.SignedAt, false))
	good := LiveOptions{Trust: testTrust(t), Environment: EnvAny, AllowUntagged: true, Ref: "R", MaxAge: time.Minute,
		Now: jwstest.SignedAt.Add(30 * time.Second)}
	if _, err := VerifyLive(tok, good); err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(*LiveOptions){
		"no ref":         func(o *LiveOptions) { o.Ref = "" },
		"no max age":     func(o *LiveOptions) { o.MaxAge = 0 },
		"no now":         func(o *LiveOptions) { o.Now = time.Time{} },
		"no environment": func(o *LiveOptions) { o.Environment = "" },
	} {
		o := good
		change(&o)
		if _, err := VerifyLive(tok, o); CodeOf(err) != CodeInvalidOptions {
			t.Errorf("%s: %v", name, err)
		}
	}
	o := good
	o.Now = jwstest.SignedAt.Add(time.Hour)
	if _, err := VerifyLive(tok, o); CodeOf(err) != CodeStaleResult {
		t.Errorf("stale: %v", err)
	}
}

func TestParseUser(t *testing.T) {
	tests := []struct {
		in   string
		want User
		err  bool
	}{
		{"EMAIL:a@example.org", User{Type: "EMAIL", Value: "a@example.org"}, false},
		{"PHONE:+46701234567", User{Type: "PHONE", Value: "+46701234567"}, false},
		{"SSN:SE:190001019876", User{Type: "SSN", Country: "SE", SSN: "190001019876"}, false},
		{"SSN:se:190001019876", User{Type: "SSN", Country: "SE", SSN: "190001019876"}, false},
		{"INFERRED:N/A", User{Type: "INFERRED", Value: "N/A"}, false},
		{"EMAIL:a:b", User{Type: "EMAIL", Value: "a:b"}, false},
		{"email:a@example.org", User{}, true},
		{"EMAIL:", User{}, true},
		{":x", User{}, true},
		{"EMAIL", User{}, true},
		{"EMAIL: a", User{}, true},
		{"EMAIL:a\u202eb", User{}, true},
		{"EMAIL:a\nb", User{}, true},
		{"SSN:190001019876", User{}, true},
		{"SSN:SWE:190001019876", User{}, true},
		{"SSN:S1:190001019876", User{}, true},
		{"SSN:SE:", User{}, true},
		{"SSN:SE:1900 0101", User{}, true},
	}
	for _, tt := range tests {
		got, err := ParseUser(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseUser(%q) = %+v, %v", tt.in, got, err)
		}
		if err == nil && got.String() != strings.Replace(tt.in, ":se:", ":SE:", 1) {
			t.Errorf("String() %q", got.String())
		}
		if err != nil {
			wantCode(t, err, CodeInvalidOptions)
		}
	}
}

// FuzzParseUser: ParseUser never panics, what it accepts prints back to
// an equivalent value, and an accepted value has no control characters.
func FuzzParseUser(f *testing.F) {
	for _, s := range []string{"EMAIL:a@example.org", "SSN:SE:190001019876", "SSN:se:x", "A:\u202e", "SSN::", ":", "X_1:y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUser(s)
		if err != nil {
			return
		}
		again, err := ParseUser(u.String())
		if err != nil || again != u {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, u, u.String(), again, err)
		}
		if Escape(u.Value+u.SSN) != u.Value+u.SSN {
			t.Fatalf("accepted unprintable value %q", s)
		}
	})
}

// TestWrapperTricks: the unsigned result object around details must not
// be able to say something the signed payload does not.
func TestWrapperTricks(t *testing.T) {
	signer := pki.Signer.RSAKey()
	hdr := jwstest.Header(pki.Signer.X5T)
	authTok := jwstest.SignRS256(signer, hdr, jwstest.AuthPayload("A1", jwstest.SignedAt, false))
	signTok := jwstest.SignRS256(signer, hdr, pki.SignPayload("S1", "SIMPLE", jwstest.SignedAt))
	ra := `{"emailAddress":"` + jwstest.UserEmail + `"}`
	tests := []struct {
		name, input string
		code        string
	}{
		{"plain result", `{"authRef":"A1","status":"APPROVED","details":"` + authTok + `"}`, ""},
		{"matching requestedAttributes", `{"authRef":"A1","status":"APPROVED","requestedAttributes":` + ra + `,"details":"` + authTok + `"}`, ""},
		{"matching requestedAttributes, other order and spacing", `{"authRef":"A1","requestedAttributes": { "emailAddress" : "` + jwstest.UserEmail + `" },"details":"` + authTok + `"}`, ""},
		{"duplicate authRef", `{"authRef":"A1","authRef":"A2","status":"APPROVED","details":"` + authTok + `"}`, CodeNotFrejaResult},
		{"duplicate details", `{"authRef":"A1","details":"x","details":"` + authTok + `"}`, CodeNotFrejaResult},
		{"duplicate by escape", `{"authRef":"A1","auth\u0052ef":"A1","details":"` + authTok + `"}`, CodeNotFrejaResult},
		{"case variant AuthRef beside authRef", `{"authRef":"A1","AuthRef":"A2","details":"` + authTok + `"}`, CodeNotFrejaResult},
		{"case variant Status", `{"authRef":"A1","Status":"APPROVED","details":"` + authTok + `"}`, CodeNotFrejaResult},
		{"Kelvin-sign variant", "{\"authRef\":\"A1\",\"details\":\"" + authTok + "\",\"\u212Aind\":1,\"DETAILS\":\"x\"}", CodeNotFrejaResult},
		{"list mixed with top-level members", `{"authenticationResults":[{"authRef":"A1","details":"` + authTok + `"}],"authRef":"A1","status":"APPROVED"}`, CodeNotFrejaResult},
		{"two lists", `{"authenticationResults":[{"authRef":"A1","details":"` + authTok + `"}],"signatureResults":[{"signRef":"S1","details":"` + signTok + `"}]}`, CodeNotFrejaResult},
		{"duplicate key inside a list item", `{"authenticationResults":[{"authRef":"A1","authRef":"A9","details":"` + authTok + `"}]}`, CodeNotFrejaResult},
		{"outer signRef beside authRef", `{"authRef":"A1","signRef":"S1","details":"` + authTok + `"}`, CodeDetailsMismatch},
		{"outer authRef of another result", `{"authRef":"A2","details":"` + authTok + `"}`, CodeDetailsMismatch},
		{"outer requestedAttributes not signed", `{"authRef":"A1","requestedAttributes":{"emailAddress":"victim@example.org"},"details":"` + authTok + `"}`, CodeDetailsMismatch},
		{"outer requestedAttributes, signed has none", `{"signRef":"S1","requestedAttributes":{"x":1},"details":"` + jwstest.SignRS256(signer, hdr, []byte(`{"signRef":"S1","status":"APPROVED","timestamp":1741944413589}`)) + `"}`, CodeDetailsMismatch},
		{"outer status other than signed", `{"authRef":"A1","status":"REJECTED","details":"` + authTok + `"}`, CodeDetailsMismatch},
		{"signature result in authenticationResults", `{"authenticationResults":[{"details":"` + signTok + `"}]}`, CodeDetailsMismatch},
		{"authentication result in signatureResults", `{"signatureResults":[{"details":"` + authTok + `"}]}`, CodeDetailsMismatch},
		{"data after the object", `{"authRef":"A1","details":"` + authTok + `"} {}`, CodeNotFrejaResult},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{Trust: testTrust(t), Environment: EnvAny, AllowUntagged: true, Now: now}
			inputs, err := ParseInput([]byte(tt.input))
			if err == nil {
				for _, in := range inputs {
					var res *Result
					if res, err = VerifyInput(in, opts); err != nil {
						if res != nil && (res.Status != "" || res.Ref != "") {
							t.Fatalf("failed result carries status %q ref %q", res.Status, res.Ref)
						}
						break
					}
				}
			}
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantCode(t, err, tt.code)
		})
	}
}

// TestMessagesEscapeTokenText: text from a token reaches messages through
// Escape, so a U+202E in alg cannot reorder what a terminal shows.
func TestMessagesEscapeTokenText(t *testing.T) {
	tok := jwstest.SignRS256(pki.Signer.RSAKey(), "{\"alg\":\"RS256\u202e\",\"x5t\":\""+pki.Signer.X5T+"\"}", []byte(`{}`))
	_, err := Verify(tok, testOpts(t))
	wantCode(t, err, CodeAlgNotAllowed)
	if strings.ContainsRune(err.Error(), '\u202e') || !strings.Contains(err.Error(), `\u202e`) {
		t.Fatalf("message %q", err.Error())
	}
	in := `{"authRef":"A1","status":"APPROVED\u202e","details":"x"}`
	_, err = ParseInput([]byte(strings.ReplaceAll(in, `\u202e`, "\u202e")))
	if err == nil {
		inputs, _ := ParseInput([]byte(strings.ReplaceAll(in, `\u202e`, "\u202e")))
		_, err = VerifyInput(inputs[0], testOpts(t))
	}
	if err == nil || strings.ContainsRune(err.Error(), '\u202e') {
		t.Fatalf("message %v", err)
	}
	if got := Escape("a\x1b[2Jb\u202ec\xff"); got != `a\u001b[2Jb\u202ec\ufffd` {
		t.Fatalf("Escape: %q", got)
	}
}
