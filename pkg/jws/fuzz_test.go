package jws

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/caronboard/caronboard/pkg/jws/internal/jwstest"
)

// seedTokens are the fuzz seeds: the whole corpus.
func seedTokens(f *testing.F) []string {
	var out []string
	for _, e := range corpus(f) {
		out = append(out, e.token)
	}
	return out
}

// FuzzParse feeds arbitrary text to the token parser and the verifier. They
// must never panic; whatever Parse accepts must re-encode to exactly the
// input (one spelling per token); and nothing may verify here that go-jose
// refuses with the same key.
func FuzzParse(f *testing.F) {
	for _, tok := range seedTokens(f) {
		f.Add(tok)
	}
	f.Add("..")
	f.Add("e30.e30.AA")
	f.Add("eyJhbGciOiJSUzI1NiJ9.e30.")
	opts := testOpts(f)
	key := &pki.Signer.RSAKey().PublicKey
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := Parse(s)
		if err == nil {
			again := b64.EncodeToString(tok.Header.Raw) + "." + b64.EncodeToString(tok.Payload) + "." + b64.EncodeToString(tok.Signature)
			if again != s {
				t.Fatalf("Parse accepted a token that does not re-encode to itself")
			}
			_ = tok.CheckPolicy()
			if _, err := Decode(s); err != nil {
				t.Fatalf("Parse accepted, Decode refused: %v", err)
			}
		} else if CodeOf(err) == "" {
			t.Fatalf("untyped error %v", err)
		}
		res, err := Verify(s, opts)
		if err == nil && goJoseVerdict(s, res.Signer.PublicKey()) != nil {
			t.Fatal("verified here, refused by go-jose")
		}
		if err != nil && CodeOf(err) == "" {
			t.Fatalf("untyped error %v", err)
		}
		if oursVerdict(s, key) == nil && goJoseVerdict(s, key) != nil {
			t.Fatal("accepted here, refused by go-jose")
		}
	})
}

// FuzzDecodeResult feeds arbitrary input to the Freja result reader, the
// decoder and the payload explainer. They must never panic.
func FuzzDecodeResult(f *testing.F) {
	tok := signed(pki.SignPayload("S1", "EXTENDED", jwstest.SignedAt))
	f.Add([]byte(tok))
	f.Add(jwstest.Result("signRef", "S1", "APPROVED", tok))
	f.Add(jwstest.List("authenticationResults", jwstest.Result("authRef", "A", "APPROVED", goodToken())))
	f.Add(jwstest.Result("authRef", "A", "REJECTED", ""))
	f.Add(pki.SignPayload("S1", "SIMPLE", jwstest.SignedAt))
	f.Add(jwstest.AuthPayload("A", jwstest.SignedAt, true))
	f.Add([]byte(`{"signatureData":{"userSignature":"e30.e30.","certificateStatus":"MAA="},"signatureType":"EXTENDED"}`))
	f.Add([]byte(`{"authRef":"A","authRef":"B","details":"` + goodToken() + `"}`))
	f.Add([]byte(`{"authRef":"A","AUTHREF":"B","details":"` + goodToken() + `"}`))
	f.Add([]byte(`{"authenticationResults":[],"signatureResults":[]}`))
	f.Add([]byte(`{"authenticationResults":[{"details":"x"}],"status":"APPROVED"}`))
	f.Add([]byte(`{"authRef":"A","requestedAttributes":{"a":1},"details":"` + goodToken() + `"}`))
	for _, name := range vectorTokens {
		if data, err := readVectorIfPresent(name); err == nil {
			f.Add(data)
		}
	}
	opts := testOpts(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ins, err := ParseInput(data)
		if err == nil {
			for _, in := range ins {
				if d, err := Decode(in.Token); err == nil && d.Payload != nil {
					_, _ = json.Marshal(d)
				}
				if res, err := VerifyInput(in, opts); err != nil && res != nil && (res.Status != "" || res.Ref != "" || res.Payload != nil) {
					t.Fatalf("a failed result carries status %q ref %q", res.Status, res.Ref)
				}
			}
		}
		if e, err := Explain(data); err == nil {
			if _, err := json.Marshal(e); err != nil {
				t.Fatalf("explanation does not marshal: %v", err)
			}
		}
		_, _ = DecodeCertificateStatus(string(data))
	})
}

// FuzzScanPayload checks the fast payload scanner against encoding/json:
// it accepts only what json.Valid accepts, with an object at the top; on
// valid JSON objects it finds the same timestamp, status, references and
// requestedAttributes, and it refuses exactly the payloads whose members of
// interest are duplicated or of the wrong type.
func FuzzScanPayload(f *testing.F) {
	f.Add(jwstest.AuthPayload("A", jwstest.SignedAt, false))
	f.Add(pki.SignPayload("S", "EXTENDED", jwstest.SignedAt))
	f.Add([]byte(`{"timestamp":1,"a":{"timestamp":"x"},"b":["}\"",{"c":[]}],"status":"A\u0050PROVED"}`))
	f.Add([]byte(`{"time\u0073tamp":5, "status":null}`))
	f.Add([]byte(` {"signRef":"s","authRef":"a","timestamp":-0} `))
	f.Add([]byte(`{"timestamp":1e3}`))
	f.Add([]byte(`{"x":"\\\\\"","timestamp":1}`))
	f.Add([]byte(`{"a":[1,2.5e-3,-0,true,false,null,{"b":"\u00e9\n"}],"requestedAttributes":{"x":[]}}`))
	f.Add([]byte(`{"a":01}`))
	f.Add([]byte(`{"a":[1,]}`))
	f.Add([]byte(`{"a":"tab\there"}`))
	f.Add([]byte(`{"a":"\x"}`))
	f.Add([]byte(`["not an object"]`))
	f.Add([]byte(`{"userInfo":"a","userInfo":"b"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := scanPayload(data)
		trimmed := bytes.TrimLeft(data, " \t\r\n")
		if !json.Valid(data) || len(trimmed) == 0 || trimmed[0] != '{' {
			if err == nil {
				t.Fatalf("scanner accepted %q, which is not a valid JSON object", data)
			}
			return
		}
		want, wantErr := referenceFields(data)
		if wantErr != (err != nil) {
			t.Fatalf("scanner error %v, reference says error %v", err, wantErr)
		}
		if err == nil && got != want {
			t.Fatalf("scanner %+v, reference %+v", got, want)
		}
	})
}

// referenceFields finds the scanner's fields with encoding/json.
func referenceFields(data []byte) (payloadFields, bool) {
	var f payloadFields
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return f, true
	}
	seen := map[string]bool{}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return f, true
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return f, true
		}
		key := k.(string)
		switch key {
		case "timestamp", "status", "authRef", "signRef", "requestedAttributes",
			"userInfoType", "userInfo", "signatureType", "signatureData":
		default:
			continue
		}
		if seen[key] {
			return f, true
		}
		seen[key] = true
		switch key {
		case "requestedAttributes":
			end := int(dec.InputOffset())
			f.reqAttrs = [2]int{end - len(v), end}
			continue
		case "userInfoType", "userInfo", "signatureType", "signatureData":
			continue
		}
		if key == "timestamp" {
			ms, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				return f, true
			}
			f.timestamp, f.hasTimestamp = ms, true
			continue
		}
		var s string
		if !strings.HasPrefix(string(v), `"`) || json.Unmarshal(v, &s) != nil {
			return f, true
		}
		switch key {
		case "status":
			f.status, f.hasStatus = s, true
		case "authRef":
			f.authRef = s
		case "signRef":
			f.signRef = s
		}
	}
	return f, false
}
