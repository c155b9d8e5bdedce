package verify

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// barrierDialer lets no dial through until n dials have started, so
// probes that run one after the other never connect.
type barrierDialer struct {
	n       int
	mu      sync.Mutex
	entered int
	all     chan struct{}
}

func newBarrierDialer(n int) *barrierDialer { return &barrierDialer{n: n, all: make(chan struct{})} }

func (d *barrierDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	if d.entered++; d.entered == d.n {
		close(d.all)
	}
	d.mu.Unlock()
	select {
	case <-d.all:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return (&net.Dialer{}).DialContext(ctx, network, addr)
}

// TestProbeAll: three servers, the first slow: its handler answers only
// after the other two have answered. Both the dial barrier and the slow
// handler can only be passed when the probes run at once.
func TestProbeAll(t *testing.T) {
	p := loadPKI(t)
	served := make(chan struct{}, 2)
	release := make(chan struct{})
	var once sync.Once
	slow := server{handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		io.WriteString(w, "slow")
	})}.start(t)
	t.Cleanup(func() { once.Do(func() { close(release) }) }) // before the server closes
	fast := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "fast")
		served <- struct{}{}
	})
	go func() {
		<-served
		<-served
		once.Do(func() { close(release) })
	}()
	targets := []Target{target(slow, p.CARCA.Cert)}
	for range 2 {
		targets = append(targets, target(server{handler: fast}.start(t), p.CARCA.Cert))
	}
	for i := range targets {
		targets[i].Name = fmt.Sprintf("env%d", i)
	}
	o := opts(clientCert(p.CARBank))
	o.Dialer = newBarrierDialer(len(targets))
	results := ProbeAll(t.Context(), targets, o)
	if len(results) != len(targets) {
		t.Fatalf("%d results for %d targets", len(results), len(targets))
	}
	for i, r := range results {
		if r.Target != targets[i].Name || r.Addr != targets[i].Addr {
			t.Errorf("result %d is for %s %s, want %s %s", i, r.Target, r.Addr, targets[i].Name, targets[i].Addr)
		}
		wantResult(t, r, "", "", "")
	}
	if results[0].HTTPBody != "slow" || results[1].HTTPBody != "fast" {
		t.Errorf("bodies %q, %q", results[0].HTTPBody, results[1].HTTPBody)
	}
}

func TestProbeAllEmpty(t *testing.T) {
	if r := ProbeAll(t.Context(), nil, opts(nil)); len(r) != 0 {
		t.Errorf("%d results", len(r))
	}
}

// delayDialer waits a fixed time per address before connecting.
type delayDialer map[string]time.Duration

func (d delayDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	t := time.NewTimer(d[addr])
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return (&net.Dialer{}).DialContext(ctx, network, addr)
}

// BenchmarkProbeAll probes three local servers whose connections are
// delayed by 10, 20 and 60 ms: ns/op for "all" is close to the slowest
// (60 ms plus one handshake), "sequential" to the sum (90 ms plus three).
func BenchmarkProbeAll(b *testing.B) {
	p := loadPKI(b)
	delays := []time.Duration{60 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond}
	d := delayDialer{}
	var targets []Target
	for _, delay := range delays {
		addr := server{}.start(b)
		d[addr] = delay
		targets = append(targets, target(addr, p.CARCA.Cert))
	}
	o := opts(clientCert(p.CARBank))
	o.Dialer = d
	check := func(rs ...*ProbeResult) {
		for _, r := range rs {
			if r.Err != nil {
				b.Fatalf("%s: %s", r.Err.Code, r.Err.Message)
			}
		}
	}
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			check(ProbeAll(b.Context(), targets, o)...)
		}
		b.ReportMetric(float64(slices.Max(delays)), "slowest-delay-ns")
	})
	b.Run("sequential", func(b *testing.B) {
		for b.Loop() {
			for _, t := range targets {
				check(Probe(b.Context(), t, o))
			}
		}
		var sum time.Duration
		for _, d := range delays {
			sum += d
		}
		b.ReportMetric(float64(sum), "sum-of-delays-ns")
	})
}
