// Package testnet holds network fixtures shared by the tests of several
// packages: loopback only, closed when the test ends. Test material only.
package testnet

import (
	"net"
	"sync"
	"testing"
)

// SilentListener listens on a free loopback port, accepts every connection
// and never answers: the peer of a timeout test (a TLS server or proxy that
// hangs). It returns the address; listener and connections are closed when
// the test ends.
func SilentListener(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}
