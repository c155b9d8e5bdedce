package jws

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
)

// pipeline is the state VerifyBatch's workers share.
type pipeline struct {
	opts    BatchOptions
	maxLine int
	stopped atomic.Bool

	freeMu   sync.Mutex
	freeCond *sync.Cond
	free     []*chunk

	readMu  sync.Mutex
	br      *bufio.Reader
	lineNo  int
	nextSeq int
	done    bool
	readErr error

	commitMu  sync.Mutex
	pending   map[int]*chunk
	nextWrite int
	w         io.Writer
	writeErr  error
	sum       Summary
}

// stop ends the batch early (ctx ended or writing failed).
func (p *pipeline) stop() {
	p.stopped.Store(true)
	p.freeMu.Lock()
	p.freeCond.Broadcast()
	p.freeMu.Unlock()
}

// take waits for a free chunk; nil means the batch was stopped.
func (p *pipeline) take() *chunk {
	p.freeMu.Lock()
	defer p.freeMu.Unlock()
	for len(p.free) == 0 && !p.stopped.Load() {
		p.waiting(true)
		p.freeCond.Wait()
		p.waiting(false)
	}
	if p.stopped.Load() {
		return nil
	}
	c := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	return c
}

// release returns a chunk to the free list.
func (p *pipeline) release(c *chunk) {
	c.reset()
	p.freeMu.Lock()
	p.free = append(p.free, c)
	p.freeCond.Signal()
	p.freeMu.Unlock()
}

func (p *pipeline) waiting(start bool) {
	if p.opts.onWait != nil {
		p.opts.onWait(start)
	}
}

// fill reads the next lines into c and numbers it; false means there was
// nothing left to read.
func (p *pipeline) fill(c *chunk) bool {
	p.readMu.Lock()
	defer p.readMu.Unlock()
	if p.done || p.stopped.Load() {
		return false
	}
	for len(c.items) < p.opts.chunkLines && len(c.data) < p.opts.chunkBytes {
		line, size, err := readLine(p.br, p.maxLine)
		if size == 0 && len(line) == 0 && errors.Is(err, io.EOF) {
			p.done = true
			break
		}
		p.lineNo++
		c.sum.Lines++
		switch {
		case len(line) > p.maxLine:
			c.items = append(c.items, item{line: p.lineNo, tooLarge: size})
		case isBlank(line):
			c.sum.Blank++
		default:
			off := len(c.data)
			c.data = append(c.data, line...)
			c.items = append(c.items, item{line: p.lineNo, off: off, end: len(c.data)})
		}
		if err != nil {
			p.done = true
			if !errors.Is(err, io.EOF) {
				p.readErr = fmt.Errorf("reading line %d: %w", p.lineNo, err)
			}
			break
		}
	}
	if c.sum.Lines == 0 {
		return false
	}
	c.seq = p.nextSeq
	p.nextSeq++
	return true
}

// commit queues a verified chunk and writes every chunk that is next in
// order.
func (p *pipeline) commit(c *chunk) {
	if !p.commitMu.TryLock() {
		p.waiting(true)
		p.commitMu.Lock()
		p.waiting(false)
	}
	defer p.commitMu.Unlock()
	p.pending[c.seq] = c
	for {
		next, ok := p.pending[p.nextWrite]
		if !ok {
			return
		}
		delete(p.pending, p.nextWrite)
		p.nextWrite++
		if p.writeErr == nil && !p.stopped.Load() {
			if _, err := p.w.Write(next.out); err != nil {
				p.writeErr = fmt.Errorf("writing results: %w", err)
				p.stop()
			} else {
				p.sum.add(&next.sum)
			}
		}
		p.release(next)
	}
}

// readLine reads one line without its line end and returns it with its
// length. A line longer than the reader's buffer is gathered only up to
// just over maxLine bytes and the rest skipped, so the returned line is
// then longer than maxLine (refused) while n is its full length. The line
// is valid until the next read.
func readLine(br *bufio.Reader, maxLine int) (line []byte, n int, err error) {
	frag, err := br.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		line = trimEOL(frag)
		return line, len(line), err
	}
	long := append([]byte(nil), frag...)
	size := len(frag)
	for errors.Is(err, bufio.ErrBufferFull) {
		frag, err = br.ReadSlice('\n')
		size += len(frag)
		if len(long) <= maxLine+2 {
			long = append(long, frag...)
		}
	}
	eol := len(frag) - len(trimEOL(frag))
	return trimEOL(long), size - eol, err
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

func isBlank(b []byte) bool {
	return len(bytes.TrimLeft(b, " \t\r\f\v")) == 0
}
