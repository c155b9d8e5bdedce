package jws

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/caronboard/caronboard/pkg/jws/internal/jwstest"
)

// batchLine is one output line of VerifyBatch.
type batchLine struct {
	Line        int      `json:"line"`
	Index       *int     `json:"index"`
	OK          bool     `json:"ok"`
	X5T         string   `json:"x5t"`
	Env         string   `json:"env"`
	Status      string   `json:"status"`
	Ref         string   `json:"ref"`
	SigningTime string   `json:"signing_time"`
	Warnings    []string `json:"warnings"`
	Error       *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func parseBatchOutput(t *testing.T, out []byte) []batchLine {
	t.Helper()
	var lines []batchLine
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		var l batchLine
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("output line %q: %v", sc.Text(), err)
		}
		if (l.Error == nil) != l.OK {
			t.Fatalf("ok and error disagree: %s", sc.Text())
		}
		lines = append(lines, l)
	}
	return lines
}

func TestVerifyBatchOrderAndOutcomes(t *testing.T) {
	s := pki.Signer.RSAKey()
	expiredTok := jwstest.SignRS256(pki.Expired.RSAKey(), jwstest.Header(pki.Expired.X5T), jwstest.AuthPayload("E", jwstest.ExpiredSignedAt, false))
	var in strings.Builder
	type want struct {
		line int
		code string
		ref  string
	}
	var wants []want
	lineNo := 0
	for i := range 600 {
		ref := jwstest.Ref(i)
		switch i % 6 {
		case 0, 1:
			lineNo++
			fmt.Fprintln(&in, signed(jwstest.AuthPayload(ref, jwstest.SignedAt, false)))
			wants = append(wants, want{lineNo, "", ref})
		case 2:
			lineNo++
			tok := signed(jwstest.AuthPayload(ref, jwstest.SignedAt, false))
			fmt.Fprintln(&in, tok[:len(tok)-6]+"AAAAAA")
			wants = append(wants, want{lineNo, CodeBadSignature, ref})
		case 3:
			lineNo++
			fmt.Fprint(&in, "   \r\n") // blank: counted, no output
			lineNo++
			fmt.Fprintf(&in, "%s\r\n", jwstest.Result("signRef", ref, "APPROVED", jwstest.SignRS256(s, jwstest.Header(pki.Signer.X5T), pki.SignPayload(ref, "SIMPLE", jwstest.SignedAt))))
			wants = append(wants, want{lineNo, "", ref})
		case 4:
			lineNo++
			fmt.Fprintln(&in, "not a token")
			wants = append(wants, want{lineNo, CodeMalformed, ""})
		case 5:
			lineNo++
			fmt.Fprintln(&in, expiredTok)
			wants = append(wants, want{lineNo, "", "E"})
		}
	}
	lineNo++
	fmt.Fprint(&in, signed(jwstest.AuthPayload("last", jwstest.SignedAt, false))) // no final newline
	wants = append(wants, want{lineNo, "", "last"})

	for _, workers := range []int{1, 3, 16} {
		t.Run(fmt.Sprint(workers, " workers"), func(t *testing.T) {
			var out bytes.Buffer
			sum, err := VerifyBatch(context.Background(), strings.NewReader(in.String()), &out,
				BatchOptions{Options: testOpts(t), Workers: workers, Window: 3, chunkLines: 5})
			if err != nil {
				t.Fatal(err)
			}
			lines := parseBatchOutput(t, out.Bytes())
			if len(lines) != len(wants) {
				t.Fatalf("%d output lines, want %d", len(lines), len(wants))
			}
			for i, l := range lines {
				w := wants[i]
				code := ""
				if l.Error != nil {
					code = l.Error.Code
				}
				if l.Line != w.line || code != w.code || (w.code == "" && l.Ref != w.ref) {
					t.Fatalf("output %d: line %d code %q ref %q, want line %d code %q ref %q", i, l.Line, code, l.Ref, w.line, w.code, w.ref)
				}
				if w.ref == "E" && (len(l.Warnings) != 1 || l.SigningTime != "2016-06-01T12:00:00Z") {
					t.Fatalf("expired-since line: warnings %q signing time %s", l.Warnings, l.SigningTime)
				}
			}
			if sum.Lines != lineNo || sum.Blank != 100 || sum.Inputs != len(wants) || sum.OK != 401 || sum.Failed != 200 ||
				sum.Warned != 100 || sum.ByCode[CodeBadSignature] != 100 || sum.ByCode[CodeMalformed] != 100 {
				t.Fatalf("summary %+v", sum)
			}
		})
	}
}

func TestVerifyBatchListLine(t *testing.T) {
	a := jwstest.Result("authRef", "A1", "APPROVED", signed(jwstest.AuthPayload("A1", jwstest.SignedAt, false)))
	b := jwstest.Result("authRef", "A2", "APPROVED", signed(jwstest.AuthPayload("A1", jwstest.SignedAt, false)))
	in := string(jwstest.List("authenticationResults", a, b)) + "\n" + string(jwstest.Result("authRef", "A3", "REJECTED", "")) + "\n"
	var out bytes.Buffer
	sum, err := VerifyBatch(context.Background(), strings.NewReader(in), &out, BatchOptions{Options: testOpts(t)})
	if err != nil {
		t.Fatal(err)
	}
	lines := parseBatchOutput(t, out.Bytes())
	if len(lines) != 3 || lines[0].Line != 1 || *lines[0].Index != 0 || !lines[0].OK ||
		*lines[1].Index != 1 || lines[1].Error.Code != CodeDetailsMismatch ||
		lines[2].Line != 2 || lines[2].Index != nil || lines[2].Error.Code != CodeResultNotApproved {
		t.Fatalf("output %s", out.String())
	}
	if sum.Inputs != 3 || sum.OK != 1 || sum.Failed != 2 {
		t.Fatalf("summary %+v", sum)
	}
}

func TestVerifyBatchOverlongLine(t *testing.T) {
	good := goodToken()
	for _, maxLine := range []int{0, 4000, len(good)} {
		t.Run(fmt.Sprint("limit ", maxLine), func(t *testing.T) {
			limit := maxLine
			if limit == 0 {
				limit = MaxLineSize
			}
			long := strings.Repeat("A", limit+1)
			huge := strings.Repeat("B", 3*limit+12345)
			in := good + "\n" + long + "\n" + huge + "\r\n" + good + "\n" + huge
			var out bytes.Buffer
			sum, err := VerifyBatch(context.Background(), strings.NewReader(in), &out,
				BatchOptions{Options: testOpts(t), MaxLineSize: maxLine, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			lines := parseBatchOutput(t, out.Bytes())
			codes := []string{}
			for _, l := range lines {
				if l.Error != nil {
					codes = append(codes, fmt.Sprint(l.Line, l.Error.Code))
				} else {
					codes = append(codes, fmt.Sprint(l.Line, "ok"))
				}
			}
			if got := strings.Join(codes, " "); got != "1ok 2too_large 3too_large 4ok 5too_large" {
				t.Fatalf("outcomes %s", got)
			}
			if !strings.Contains(lines[2].Error.Message, fmt.Sprint(len(huge), " bytes")) {
				t.Fatalf("message %q does not give the line's length", lines[2].Error.Message)
			}
			if sum.ByCode[CodeTooLarge] != 3 {
				t.Fatalf("summary %+v", sum)
			}
		})
	}
}

// blockingWriter blocks every Write until released, and calls entered
// when a Write starts.
type blockingWriter struct {
	release chan struct{}
	entered func()
}

func (w *blockingWriter) Write(p []byte) (int, error) {
	w.entered()
	<-w.release
	return len(p), nil
}

// endlessReader yields the same line forever, counting bytes handed out.
type endlessReader struct {
	line []byte
	pos  int
	read atomic.Int64
}

func (r *endlessReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.line[r.pos:])
		n += c
		r.pos = (r.pos + c) % len(r.line)
	}
	r.read.Add(int64(n))
	return n, nil
}

// TestVerifyBatchBoundedWindow proves the in-flight bound structurally, not
// by timing: once the output blocks and every other worker waits (for a
// free chunk or for the output), nothing can read any more, and what was
// read of an endless input is at most the window's chunks plus the read
// buffer.
func TestVerifyBatchBoundedWindow(t *testing.T) {
	line := []byte(goodToken() + "\n")
	const workers, window, chunkLines = 3, 5, 4
	for _, tt := range []struct {
		name    string
		workers int
	}{{"one worker", 1}, {"three workers", workers}} {
		t.Run(tt.name, func(t *testing.T) {
			r := &endlessReader{line: line}
			var writing, waiting atomic.Int64
			stalled := make(chan struct{})
			var once sync.Once
			check := func() {
				if writing.Load() > 0 && waiting.Load() == int64(tt.workers-1) {
					once.Do(func() { close(stalled) })
				}
			}
			w := &blockingWriter{release: make(chan struct{}), entered: func() { writing.Add(1); check() }}
			opts := BatchOptions{Options: testOpts(t), Workers: tt.workers, Window: window, chunkLines: chunkLines,
				onWait: func(start bool) {
					if start {
						waiting.Add(1)
						check()
					} else {
						waiting.Add(-1)
					}
				}}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error)
			go func() {
				_, err := VerifyBatch(ctx, r, w, opts)
				done <- err
			}()
			<-stalled
			// One worker is inside Write (holding the output) and every other
			// one waits for it, directly or for a chunk it would free: no
			// worker can read, so what was read so far is all that will be.
			limit := int64(window*chunkLines*len(line)) + 64<<10
			got := r.read.Load()
			if got > limit {
				t.Fatalf("read %d bytes with the output blocked; the window allows at most %d", got, limit)
			}
			t.Logf("read %d bytes of an endless input while blocked (bound %d)", got, limit)
			cancel()
			close(w.release)
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want context.Canceled", err)
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

type failingReader struct{ r io.Reader }

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errors.New("connection reset")
	}
	return n, err
}

func TestVerifyBatchErrors(t *testing.T) {
	in := strings.Repeat(goodToken()+"\n", 300)
	_, err := VerifyBatch(context.Background(), strings.NewReader(in), failingWriter{}, BatchOptions{Options: testOpts(t)})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("write error: %v", err)
	}
	var out bytes.Buffer
	sum, err := VerifyBatch(context.Background(), &failingReader{strings.NewReader(in)}, &out, BatchOptions{Options: testOpts(t)})
	if err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("read error: %v", err)
	}
	if sum.OK != 300 || len(parseBatchOutput(t, out.Bytes())) != 300 {
		t.Fatalf("lines before the read error not all written: %+v", sum)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := VerifyBatch(ctx, strings.NewReader(in), io.Discard, BatchOptions{Options: testOpts(t)}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	sum, err = VerifyBatch(context.Background(), strings.NewReader(""), io.Discard, BatchOptions{Options: testOpts(t)})
	if err != nil || sum.Lines != 0 {
		t.Fatalf("empty input: %+v %v", sum, err)
	}
}
