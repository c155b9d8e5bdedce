package verify

import (
	"context"
	"sync"
)

// ProbeAll probes every target at once, each with its own budget, and
// returns one result per target, in input order. Its wall time is that of
// the slowest probe, not the sum. It panics only when o.Now is nil.
func ProbeAll(ctx context.Context, targets []Target, o ProbeOptions) []*ProbeResult {
	o = o.withDefaults()
	out := make([]*ProbeResult, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() { out[i] = Probe(ctx, t, o) })
	}
	wg.Wait()
	return out
}
