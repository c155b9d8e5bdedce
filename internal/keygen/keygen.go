// Package keygen is where commands and the sandbox get new RSA keys, so that
// tests can make key generation cheap: a test's TestMain calls UsePool and
// every key then comes from a pool of pre-generated keys. Production code
// never calls UsePool, so there keys always come from keystore.Generate.
package keygen

import (
	"context"
	"crypto/rsa"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/caronboard/caronboard/pkg/keystore"
)

var (
	mu   sync.Mutex
	pool map[int][]*rsa.PrivateKey // nil: generate
	next map[int]int
)

// RSA returns a new RSA key of bits bits, racing workers generators (0: one
// per CPU), or, after UsePool, the next key of that size from the pool.
func RSA(ctx context.Context, bits, workers int) (*rsa.PrivateKey, error) {
	mu.Lock()
	keys := pool[bits]
	if len(keys) > 0 {
		k := keys[next[bits]%len(keys)]
		next[bits]++
		mu.Unlock()
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return k, nil
	}
	mu.Unlock()
	return keystore.Generate(ctx, bits, workers)
}

// UsePool makes RSA hand out the keys of dir's *.pem files (see
// testdata/keypool/gen.sh), in turn by size, for the rest of the process:
// for tests only. Sizes the pool lacks are still generated.
func UsePool(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.pem"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no key pool in %s", dir)
	}
	p := map[int][]*rsa.PrivateKey{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		k, _, err := keystore.ParsePrivateKey(data, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		p[k.N.BitLen()] = append(p[k.N.BitLen()], k)
	}
	mu.Lock()
	pool, next = p, map[int]int{}
	mu.Unlock()
	return nil
}
