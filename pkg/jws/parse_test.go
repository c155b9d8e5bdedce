package jws

import (
	"strings"
	"testing"

	"github.com/caronboard/caronboard/pkg/jws/internal/jwstest"
)

func TestParseStructure(t *testing.T) {
	good := goodToken()
	parts := strings.Split(good, ".")
	h := func(json string) string { return jwstest.B64([]byte(json)) }
	tests := []struct {
		name, token, code string
	}{
		{"good", good, ""},
		{"empty", "", CodeMalformed},
		{"one part", parts[0], CodeMalformed},
		{"two parts", parts[0] + "." + parts[1], CodeMalformed},
		{"four parts", good + ".AAAA", CodeMalformed},
		{"five parts (JWE)", good + ".AAAA.AAAA", CodeMalformed},
		{"empty header", "." + parts[1] + "." + parts[2], CodeMalformed},
		{"padding in header", h(`{"alg":"RS256","x5t":"a"}`) + "=." + parts[1] + "." + parts[2], CodeMalformed},
		{"padding in signature", good + "==", CodeMalformed},
		{"line break", parts[0] + ".\n" + parts[1] + "." + parts[2], CodeMalformed},
		{"carriage return", parts[0] + "." + parts[1] + "\r." + parts[2], CodeMalformed},
		{"leading space", " " + good, CodeMalformed},
		{"trailing newline", good + "\n", CodeMalformed},
		{"standard alphabet", parts[0] + "." + parts[1] + "." + strings.NewReplacer("-", "+", "_", "/").Replace(parts[2]) + "+/", CodeMalformed},
		{"non-canonical last character", parts[0] + "." + parts[1] + "." + nonCanonical(parts[2]), CodeMalformed},
		{"impossible length", parts[0] + "." + parts[1] + "." + parts[2] + strings.Repeat("A", (5-len(parts[2])%4)%4), CodeMalformed},
		{"header not JSON", h(`RS256`) + "." + parts[1] + "." + parts[2], CodeMalformed},
		{"header an array", h(`["alg","RS256"]`) + "." + parts[1] + "." + parts[2], CodeMalformed},
		{"header a string", h(`"RS256"`) + "." + parts[1] + "." + parts[2], CodeMalformed},
		{"header null", h(`null`) + "." + parts[1] + "." + parts[2], CodeMalformed},
		{"header unclosed", h(`{"alg":"RS256"`) + "." + parts[1] + "." + parts[2], CodeMalformed},
		{"header trailing data", h(`{"alg":"RS256"}{}`) + "." + parts[1] + "." + parts[2], CodeMalformed},
		{"header trailing garbage", h(`{"alg":"RS256"} x`) + "." + parts[1] + "." + parts[2], CodeMalformed},
		{"duplicate alg", h(`{"alg":"none","alg":"RS256"}`) + "." + parts[1] + "." + parts[2], CodeMalformed},
		{"duplicate by escape", h(`{"alg":"RS256","\u0061lg":"none"}`) + "." + parts[1] + "." + parts[2], CodeMalformed},
		{"duplicate x5t", h(`{"alg":"RS256","x5t":"a","x5t":"b"}`) + "." + parts[1] + "." + parts[2], CodeMalformed},
		{"header white space ok", h(" {\"alg\" : \"RS256\"}\n") + "." + parts[1] + "." + parts[2], ""},
		{"empty payload and signature parse", parts[0] + "..", ""},
		{"too large", strings.Repeat("A", MaxTokenSize+1), CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := Parse(tt.token)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if tok.SigningInput() != tt.token[:strings.LastIndexByte(tt.token, '.')] {
					t.Fatal("signing input is not header.payload")
				}
				return
			}
			wantCode(t, err, tt.code)
		})
	}
}

// nonCanonical changes the last character of a base64url segment so that it
// decodes to the same bytes with non-zero padding bits, if it can.
func nonCanonical(seg string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, seg[len(seg)-1])
	return seg[:len(seg)-1] + string(alphabet[last|1])
}

func TestParseHeaderMembers(t *testing.T) {
	tok, err := Parse(jwstest.SignRS256(pki.Signer.RSAKey(),
		`{"alg":"RS256","x5t":"`+pki.Signer.X5T+`","kid":"k1","x5c":["AAAA"],"jwk":{"kty":"RSA"}}`, []byte(`{}`)))
	if err != nil {
		t.Fatal(err)
	}
	h := tok.Header
	if h.Alg != "RS256" || h.X5T != pki.Signer.X5T || h.Kid != "k1" {
		t.Fatalf("header fields %+v", h)
	}
	if got := strings.Join(h.Names, ","); got != "alg,x5t,kid,x5c,jwk" {
		t.Fatalf("names %s", got)
	}
	if got := strings.Join(h.IgnoredForTrust(), ","); got != "jwk,x5c" {
		t.Fatalf("ignored %s", got)
	}
	if raw, ok := h.Member("kid"); !ok || string(raw) != `"k1"` {
		t.Fatalf("member kid %s %v", raw, ok)
	}
}

func TestTooLargeIsQuick(t *testing.T) {
	// A 10 MB token is refused by its length, before any decoding: with
	// 10 MB of '.' a parser that scanned first would say "malformed".
	huge := strings.Repeat(".", 10<<20)
	_, err := Parse(huge)
	wantCode(t, err, CodeTooLarge)
	_, err = Verify(huge, testOpts(t))
	wantCode(t, err, CodeTooLarge)
	_, err = ParseInput([]byte(huge))
	wantCode(t, err, CodeTooLarge)
	_, err = ReadInput(strings.NewReader(huge))
	wantCode(t, err, CodeTooLarge)
}
