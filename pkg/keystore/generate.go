package keystore

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"runtime"
	"slices"
	"sync"
)

// AllowedBits lists the RSA key sizes Generate accepts. Both CAs issue RSA
// certificates; CAR requires 4096 bits and Freja at least 2048.
var AllowedBits = []int{2048, 3072, 4096}

// MinReadBits is the smallest RSA key ParsePrivateKey accepts. Smaller keys
// (RSA-1024 and below) are considered broken and no CA here issues them.
const MinReadBits = 2048

// CheckBits returns a *KeySizeError (wrapping ErrKeySize) unless bits is one of
// AllowedBits.
func CheckBits(bits int) error {
	if !slices.Contains(AllowedBits, bits) {
		return &KeySizeError{Bits: bits}
	}
	return nil
}

// Generate makes a new RSA private key of the given size, which must be one
// of AllowedBits.
//
// Finding two large primes takes a random amount of time, so Generate starts
// workers independent generators (workers <= 0 means one per CPU, as reported
// by runtime.NumCPU) and returns the key of the first one to finish. Each
// generator calls rsa.GenerateKey with crypto/rand; no key material is shared
// between them, so the result is exactly as good as a single call.
//
// When ctx is cancelled, Generate returns ctx.Err() at once. rsa.GenerateKey
// cannot be interrupted, so the generators that are still running (the losers
// of the race, or all of them after a cancellation) keep using their CPU until
// they finish, at most a few seconds for 4096 bits; their keys are dropped and
// never leave this function.
func Generate(ctx context.Context, bits, workers int) (*rsa.PrivateKey, error) {
	key, _, err := race(ctx, bits, workers, generateRSA)
	return key, err
}

func generateRSA(bits int) (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, bits) }

// race runs workers calls of gen and returns the first key. The returned
// wait function blocks until every call has finished; tests and benchmarks
// use it so that losers do not run into the next measurement.
func race(ctx context.Context, bits, workers int, gen func(int) (*rsa.PrivateKey, error)) (*rsa.PrivateKey, func(), error) {
	var wg sync.WaitGroup
	if err := CheckBits(bits); err != nil {
		return nil, wg.Wait, err
	}
	if err := ctx.Err(); err != nil {
		return nil, wg.Wait, err
	}
	if workers <= 0 {
		workers = runtime.NumCPU()
	}

	type result struct {
		key *rsa.PrivateKey
		err error
	}
	// Buffered so that every generator can deliver and exit even after
	// race has returned; nobody reads the late results.
	results := make(chan result, workers)
	for range workers {
		wg.Go(func() {
			key, err := gen(bits)
			results <- result{key, err}
		})
	}

	var firstErr error
	for range workers {
		select {
		case <-ctx.Done():
			return nil, wg.Wait, ctx.Err()
		case r := <-results:
			if r.err == nil {
				return r.key, wg.Wait, nil
			}
			if firstErr == nil {
				firstErr = r.err
			}
		}
	}
	return nil, wg.Wait, firstErr
}
