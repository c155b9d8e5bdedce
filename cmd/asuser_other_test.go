//go:build !linux

package cmd

import "testing"

const childEnv = "CARONBOARD_TEST_AS_NOBODY"

// runAsNobody needs Linux's per-process credentials; elsewhere the cases
// that need an ordinary user run only when the tests do.
func runAsNobody(t *testing.T, pattern string) {
	t.Skip("dropping privileges for a subprocess is implemented on Linux only")
}
