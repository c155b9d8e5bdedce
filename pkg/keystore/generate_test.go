package keystore

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestCheckBits(t *testing.T) {
	for _, bits := range []int{2048, 3072, 4096} {
		if err := CheckBits(bits); err != nil {
			t.Errorf("CheckBits(%d) = %v", bits, err)
		}
	}
	for _, bits := range []int{0, -1, 1024, 2047, 2049, 8192} {
		err := CheckBits(bits)
		var ks *KeySizeError
		if !errors.Is(err, ErrKeySize) || !errors.As(err, &ks) || ks.Bits != bits {
			t.Errorf("CheckBits(%d) = %v, want *KeySizeError", bits, err)
		}
	}
	if got := CheckBits(1024).Error(); got != "RSA key size 1024 is not supported" {
		t.Errorf("message %q", got)
	}
}

func TestGenerate(t *testing.T) {
	key, err := Generate(context.Background(), 2048, 1)
	if err != nil || key.N.BitLen() != 2048 {
		t.Fatalf("Generate: %v", err)
	}
	for _, workers := range []int{1, 3, 0} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			// race is Generate with a wait for the losers, so that they do not
			// slow down the tests that follow.
			key, wait, err := race(context.Background(), 2048, workers, generateRSA)
			wait()
			if err != nil {
				t.Fatal(err)
			}
			if key.N.BitLen() != 2048 {
				t.Errorf("key has %d bits", key.N.BitLen())
			}
			if err := key.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestGenerateRefusesBadSize(t *testing.T) {
	if _, err := Generate(context.Background(), 1024, 1); !errors.Is(err, ErrKeySize) {
		t.Errorf("got %v, want ErrKeySize", err)
	}
}

func TestGenerateCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Generate(ctx, 2048, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("pre-cancelled: got %v", err)
	}

	// Cancel while generating: race must return at once, while the
	// generators are still busy.
	ctx, cancel = context.WithCancel(context.Background())
	release := make(chan struct{})
	started := make(chan struct{}, 2)
	blocked := func(int) (*rsa.PrivateKey, error) {
		started <- struct{}{}
		<-release
		return nil, errors.New("too late")
	}
	done := make(chan error, 1)
	var wait func()
	go func() {
		var err error
		_, wait, err = race(ctx, 2048, 2, blocked)
		done <- err
	}()
	<-started
	<-started
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Generate did not return after cancellation")
	}
	close(release)
	wait() // the losers finish in the background and are dropped
}

func TestRaceFirstSuccessWins(t *testing.T) {
	key := referenceKey(t, 2048)
	var calls atomic.Int32
	gen := func(int) (*rsa.PrivateKey, error) {
		if calls.Add(1) == 1 {
			return nil, errors.New("unlucky")
		}
		return key, nil
	}
	got, wait, err := race(context.Background(), 2048, 2, gen)
	wait()
	if err != nil || got != key {
		t.Errorf("got %v, %v; want the key of the worker that succeeded", got, err)
	}
	failing := func(int) (*rsa.PrivateKey, error) { return nil, errors.New("entropy gone") }
	if _, wait, err := race(context.Background(), 2048, 3, failing); err == nil || err.Error() != "entropy gone" {
		t.Errorf("all failing: got %v", err)
	} else {
		wait()
	}
}

// BenchmarkGenerate4096 measures the time to the first of workers keys. The
// losers are waited for outside the timer, so they do not slow the next
// iteration.
func BenchmarkGenerate4096(b *testing.B) {
	for _, workers := range []int{1, runtime.NumCPU()} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			for b.Loop() {
				_, wait, err := race(context.Background(), 4096, workers, generateRSA)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				wait()
				b.StartTimer()
			}
		})
	}
}
