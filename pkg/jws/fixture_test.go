package jws

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureDir holds the fixtures internal/jwsgen writes for the command-line
// tests; this test keeps them and their expect.txt honest.
const fixtureDir = "../../testdata/jws"

func fixtureOpts(t *testing.T) Options {
	t.Helper()
	s := NewTrustStore()
	for _, f := range []string{"signer.pem", "expired.pem", "not-yet-valid.pem"} {
		data, err := os.ReadFile(filepath.Join(fixtureDir, f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddBytes(data, "", SourceFlag); err != nil {
			t.Fatal(err)
		}
	}
	return Options{Trust: s, Environment: EnvAny, Now: now}
}

// outcome is "ok", "ok-warning" or the error code.
func outcome(res *Result, err error) string {
	switch {
	case err != nil:
		return CodeOf(err)
	case len(res.Warnings) > 0:
		return "ok-warning"
	}
	return "ok"
}

func TestFixtures(t *testing.T) {
	expect, err := os.ReadFile(filepath.Join(fixtureDir, "expect.txt"))
	if err != nil {
		t.Fatalf("%v (regenerate with 'go generate ./pkg/jws/')", err)
	}
	opts := fixtureOpts(t)
	sc := bufio.NewScanner(bytes.NewReader(expect))
	n := 0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		name, want, _ := strings.Cut(sc.Text(), " ")
		n++
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(fixtureDir, name))
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(name, ".pem") {
				_, err := NewTrustStore().AddBytes(data, "", SourceUser)
				if got := CodeOf(err); got != want {
					t.Fatalf("outcome %q, want %q", got, want)
				}
				return
			}
			ins, err := ParseInput(data)
			if err != nil {
				if got := CodeOf(err); got != want {
					t.Fatalf("outcome %q, want %q", got, want)
				}
				return
			}
			for _, in := range ins {
				if got := outcome(VerifyInput(in, opts)); got != want {
					t.Fatalf("outcome %q, want %q", got, want)
				}
			}
		})
	}
	if n < 20 {
		t.Fatalf("only %d fixtures listed", n)
	}
}

func TestFixtureBatch(t *testing.T) {
	in, err := os.Open(filepath.Join(fixtureDir, "batch.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	expect, err := os.ReadFile(filepath.Join(fixtureDir, "batch-expect.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := VerifyBatch(context.Background(), in, &out, BatchOptions{Options: fixtureOpts(t)}); err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for _, l := range parseBatchOutput(t, out.Bytes()) {
		o := "ok"
		switch {
		case l.Error != nil:
			o = l.Error.Code
		case len(l.Warnings) > 0:
			o = "ok-warning"
		}
		got.WriteString(strings.TrimSpace(string(mustJSON(l.Line))) + " " + o + "\n")
	}
	var want strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(string(expect)), "\n") {
		before, _, _ := strings.Cut(line, " #")
		want.WriteString(before + "\n")
	}
	if got.String() != want.String() {
		t.Fatalf("batch outcomes:\n%s\nwant:\n%s", got.String(), want.String())
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
