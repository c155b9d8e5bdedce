package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	in := strings.Join([]string{
		`{"Action":"start","Package":"p"}`,
		`{"Action":"run","Package":"p","Test":"TestOK"}`,
		`{"Action":"output","Package":"p","Test":"TestOK","Output":"=== RUN   TestOK\n"}`,
		`{"Action":"output","Package":"p","Test":"TestOK","Output":"    ok_test.go:3: chatter\n"}`,
		`{"Action":"pass","Package":"p","Test":"TestOK"}`,
		`{"Action":"output","Package":"p","Test":"TestShared","Output":"=== RUN   TestShared\n"}`,
		`{"Action":"output","Package":"p","Test":"TestShared","Output":"    v_test.go:9: ../shared is absent: skipping the vectors\n"}`,
		`{"Action":"output","Package":"p","Test":"TestShared","Output":"--- SKIP: TestShared (0.00s)\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestShared"}`,
		`{"Action":"output","Package":"p","Test":"TestBad","Output":"=== RUN   TestBad\n"}`,
		`{"Action":"output","Package":"p","Test":"TestBad","Output":"    bad_test.go:5: want 1, got 2\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestBad"}`,
		`{"Action":"output","Package":"p","Output":"PASS\n"}`,
		`{"Action":"output","Package":"p","Output":"FAIL\tp\t0.1s\n"}`,
		`{"Action":"fail","Package":"p"}`,
		`# p [p.test]`,
	}, "\n")
	var out, skips bytes.Buffer
	if err := report(strings.NewReader(in), &out, &skips); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"bad_test.go:5: want 1, got 2", "FAIL\tp\t0.1s", "--- SKIP: TestShared (p): v_test.go:9: ../shared is absent", "# p [p.test]"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "chatter") || strings.Contains(out.String(), "PASS\n") {
		t.Errorf("output of a passing test shown:\n%s", out.String())
	}
	if got, want := skips.String(), "p TestShared: v_test.go:9: ../shared is absent: skipping the vectors\n"; got != want {
		t.Errorf("skips = %q, want %q", got, want)
	}
}
