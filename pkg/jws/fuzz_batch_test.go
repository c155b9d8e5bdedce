package jws

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/caronboard/caronboard/pkg/jws/internal/jwstest"
)

// FuzzVerifyBatch feeds arbitrary input to the batch reader with small
// chunks and a small line limit, so that line splitting, overlong lines,
// blank lines and list lines meet chunk boundaries. It must never panic or
// fail, and its output must be one JSON object per input (one per result of
// a list line), in input order, every non-blank line answered, with a
// summary that adds up.
func FuzzVerifyBatch(f *testing.F) {
	tok := goodToken()
	list := string(jwstest.List("authenticationResults", jwstest.Result("authRef", "A", "APPROVED", tok)))
	f.Add([]byte(tok+"\n\n"+tok+"\r\n  \n"+list+"\nnot a token\n"+tok), uint8(200), uint8(2))
	f.Add([]byte(strings.Repeat("A", 300)+"\n"+tok+"\n"), uint8(10), uint8(1))
	f.Add([]byte("\n\n\r\n"), uint8(0), uint8(0))
	f.Add([]byte(`{"signatureResults":[]}`+"\n"+`{"authenticationResults":[1,{}]}`), uint8(255), uint8(3))
	f.Add([]byte{}, uint8(0), uint8(7))
	opts := testOpts(f)
	f.Fuzz(func(t *testing.T, in []byte, maxLine, chunkLines uint8) {
		var out bytes.Buffer
		sum, err := VerifyBatch(context.Background(), bytes.NewReader(in), &out, BatchOptions{
			Options: opts, Workers: 2, Window: 3, MaxLineSize: 64 + 8*int(maxLine),
			chunkLines: 1 + int(chunkLines%8), chunkBytes: 128,
		})
		if err != nil {
			t.Fatalf("VerifyBatch: %v", err)
		}
		if sum.OK+sum.Failed != sum.Inputs || sum.Blank > sum.Lines {
			t.Fatalf("summary does not add up: %+v", sum)
		}
		last, answered, outputs := 0, 0, 0
		for _, l := range strings.SplitAfter(out.String(), "\n") {
			if l == "" {
				continue // after the last newline
			}
			var r struct {
				Line *int  `json:"line"`
				OK   *bool `json:"ok"`
			}
			if err := json.Unmarshal([]byte(l), &r); err != nil || r.Line == nil || r.OK == nil {
				t.Fatalf("output line %q is not a result object: %v", l, err)
			}
			switch {
			case *r.Line < last || *r.Line < 1 || *r.Line > sum.Lines:
				t.Fatalf("line %d out of order or range (after %d, of %d)", *r.Line, last, sum.Lines)
			case *r.Line > last:
				answered++
			}
			last = *r.Line
			outputs++
		}
		if outputs != sum.Inputs || answered != sum.Lines-sum.Blank {
			t.Fatalf("%d outputs for %d inputs, %d lines answered of %d non-blank", outputs, sum.Inputs, answered, sum.Lines-sum.Blank)
		}
	})
}
