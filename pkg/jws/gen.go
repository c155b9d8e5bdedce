package jws

// The fixtures in testdata/jws at the repository root (certificates, tokens,
// Freja result objects and a batch input for the command-line tests):
//go:generate go run ./internal/jwsgen -out ../../testdata/jws
