//go:build unix

package cmd

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestHostileJWSInputs gives decode and verify the JWS attack table
// (testdata/jws/expect.txt) and oversized or broken tokens on stdin and as
// the argument.
func TestHostileJWSInputs(t *testing.T) {
	jwsDir, err := filepath.Abs(filepath.Join("..", "testdata", "jws"))
	if err != nil {
		t.Fatal(err)
	}
	work, _ := hostileWorkdir(t)
	trust := []string{"--cert", filepath.Join(jwsDir, "signer.pem"), "--cert", filepath.Join(jwsDir, "expired.pem"),
		"--cert", filepath.Join(jwsDir, "not-yet-valid.pem")}
	verify := append([]string{"jws", "verify"}, trust...)
	expect, err := os.ReadFile(filepath.Join(jwsDir, "expect.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []hostileCase
	sc := bufio.NewScanner(bytes.NewReader(expect))
	for sc.Scan() {
		name, outcome, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") || strings.HasSuffix(name, ".pem") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(jwsDir, name))
		if err != nil {
			t.Fatal(err)
		}
		ok = strings.HasPrefix(outcome, "ok")
		cases = append(cases, hostileCase{name: "verify-" + name, args: verify, stdin: data, want: outcome, accept: ok})
		decodeOK := outcome != "malformed" && outcome != "result_not_approved" && outcome != "not_a_result" // decode reads results as strictly as verify
		cases = append(cases, hostileCase{name: "decode-" + name, args: []string{"jws", "decode"}, stdin: data, want: outcome, accept: decodeOK})
	}
	good, err := os.ReadFile(filepath.Join(jwsDir, "auth.jws"))
	if err != nil {
		t.Fatal(err)
	}
	good = bytes.TrimSpace(good)
	parts := strings.Split(string(good), ".")
	huge := parts[0] + "." + strings.Repeat("A", 10<<20) + "." + parts[2]
	line := strings.Repeat("QUFB", 6<<20/4) // one 6 MiB base64 line, no dots: under the input limit
	garbage := make([]byte, 4096)
	_, _ = rand.Read(garbage)
	inputs := map[string]struct {
		data []byte
		want string
	}{
		"empty":                   {nil, "malformed"},
		"white-space":             {[]byte(" \r\n\t\n"), "malformed"},
		"garbage":                 {garbage, ""},
		"10MB-token":              {[]byte(huge), "too_large"},
		"one-enormous-line":       {[]byte(line), "too_large"},
		"6MB-payload":             {[]byte(parts[0] + "." + line + "." + parts[2]), ""},
		"line-break-inside":       {[]byte(parts[0] + ".\n" + parts[1] + "." + parts[2]), "malformed"},
		"four-parts":              {append(append([]byte{}, good...), ".AAAA"...), "malformed"},
		"nul-inside":              {append(append([]byte{}, good[:20]...), append([]byte{0}, good[20:]...)...), "malformed"},
		"json-bomb":               {[]byte(strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000)), ""},
		"deep-list":               {[]byte(`{"authenticationResults":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`), ""},
		"result-details-not-jws":  {[]byte(`{"authRef":"a","status":"APPROVED","details":"x"}`), ""},
		"result-details-a-number": {[]byte(`{"authRef":"a","status":"APPROVED","details":5}`), ""},
	}
	for pct := 10; pct < 100; pct += 10 {
		inputs["truncated-"+strconv.Itoa(pct)] = struct {
			data []byte
			want string
		}{good[:len(good)*pct/100], ""}
	}
	for name, in := range inputs {
		cases = append(cases,
			hostileCase{name: "verify-" + name, args: verify, stdin: in.data, want: in.want},
			hostileCase{name: "decode-" + name, args: []string{"jws", "decode"}, stdin: in.data, either: true})
	}
	cases = append(cases,
		hostileCase{name: "verify-argument-100KB", args: append(append([]string{}, verify...), line[:100<<10]), want: "malformed"},
		hostileCase{name: "decode-argument-garbage", args: []string{"jws", "decode", "\x00\xff\x1b[2J"}, want: "malformed"},
		hostileCase{name: "verify-crlf-accepted", args: verify, stdin: append(append([]byte("\xef\xbb\xbf"), good...), "\r\n"...), accept: true},
	)
	runHostileCases(t, cases, nil, work)
}
