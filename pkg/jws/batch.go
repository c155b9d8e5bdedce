package jws

import (
	"bufio"
	"context"
	"io"
	"runtime"
	"sync"
)

// MaxLineSize is the default limit on one batch input line (1 MiB). A longer
// line is a too_large result for that line; the rest of it is skipped.
const MaxLineSize = MaxTokenSize

// BatchOptions configure VerifyBatch.
type BatchOptions struct {
	// Options apply to every line (trust, environment, --at, now).
	Options
	// Workers is the number of verifying goroutines; 0 means
	// runtime.NumCPU().
	Workers int
	// Window is the number of chunks of lines (each at most 16 lines and
	// 64 KiB plus one line) that may exist at once between reading and
	// writing; 0 means 4 per worker. It bounds memory whatever the input's
	// length: reading waits while the output is behind.
	Window int
	// MaxLineSize overrides the per-line limit; 0 means MaxLineSize.
	MaxLineSize int

	chunkLines, chunkBytes int              // chunk limits; tests make them small
	onWait                 func(start bool) // a worker starts (true) or stops waiting for a chunk or the output
}

// Summary counts a batch's outcomes.
type Summary struct {
	// Lines is the number of input lines read, blank ones included; output
	// line numbers count the same way, so they match the input file's.
	Lines int `json:"lines"`
	// Blank lines (empty or white space only) are skipped without output.
	Blank int `json:"blank"`
	// Inputs is the number of tokens checked: one per non-blank line, or
	// one per result for a line holding a list of results.
	Inputs int `json:"inputs"`
	OK     int `json:"ok"`
	Failed int `json:"failed"`
	// Warned counts the OK results that carry warnings (e.g. a certificate
	// that has expired since signing).
	Warned int `json:"warned"`
	// ByCode counts failures by error code.
	ByCode map[string]int `json:"by_code,omitempty"`
}

func (s *Summary) add(o *Summary) {
	s.Lines += o.Lines
	s.Blank += o.Blank
	s.Inputs += o.Inputs
	s.OK += o.OK
	s.Failed += o.Failed
	s.Warned += o.Warned
	for k, n := range o.ByCode {
		if s.ByCode == nil {
			s.ByCode = make(map[string]int)
		}
		s.ByCode[k] += n
	}
}

// chunk is a run of consecutive input lines and, once verified, their
// output. A fixed number of chunks circulate, which bounds memory.
type chunk struct {
	seq   int
	data  []byte
	items []item
	out   []byte
	sum   Summary
}

// item is one non-blank line of a chunk.
type item struct {
	line     int
	off, end int
	tooLarge int // the line's length when over the limit, else 0
}

func (c *chunk) reset() {
	c.data, c.items, c.out = c.data[:0], c.items[:0], c.out[:0]
	byCode := c.sum.ByCode
	clear(byCode)
	c.sum = Summary{ByCode: byCode}
}

// VerifyBatch verifies one input per line of r — a compact token, or one
// Freja result object or list of results (see ParseInput) — on
// opts.Workers goroutines and writes one JSON line per token to w, in input
// order (the format is described in batchout.go). Blank lines produce no
// output. A failing line is reported in its output line and the Summary,
// not as an error: the error is only for reading, writing or ctx ending,
// and the Summary then covers what was written.
//
// There is no reader or writer goroutine to starve: each worker takes a
// free chunk, fills it from r under a lock, verifies it, and commits it;
// whichever worker commits the next chunk in order writes every chunk that
// is then ready. At most Window chunks exist, so reading waits while
// output is behind, and memory stays flat however long the input is.
func VerifyBatch(ctx context.Context, r io.Reader, w io.Writer, opts BatchOptions) (Summary, error) {
	if err := opts.Options.check(); err != nil {
		return Summary{}, err
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	window := opts.Window
	if window <= 0 {
		window = 4 * workers
	}
	p := &pipeline{opts: opts, w: w, maxLine: opts.MaxLineSize, pending: make(map[int]*chunk)}
	if p.maxLine <= 0 {
		p.maxLine = MaxLineSize
	}
	if p.opts.chunkLines <= 0 {
		p.opts.chunkLines = 16
	}
	if p.opts.chunkBytes <= 0 {
		p.opts.chunkBytes = 64 << 10
	}
	p.br = bufio.NewReaderSize(r, min(p.maxLine+2, 64<<10))
	p.freeCond = sync.NewCond(&p.freeMu)
	for range window {
		p.free = append(p.free, &chunk{})
	}
	stopWatch := context.AfterFunc(ctx, p.stop)
	defer stopWatch()

	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			v := newVerifier(opts.Options)
			for {
				c := p.take()
				if c == nil {
					return
				}
				if !p.fill(c) {
					p.release(c)
					return
				}
				if !p.stopped.Load() {
					v.process(c, p.maxLine)
				}
				p.commit(c)
			}
		})
	}
	wg.Wait()
	switch {
	case p.writeErr != nil:
		return p.sum, p.writeErr
	case p.readErr != nil:
		return p.sum, p.readErr
	}
	return p.sum, ctx.Err()
}
