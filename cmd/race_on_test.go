//go:build race

package cmd

// raceEnabled is true under -race: TestClientRuntimes then skips, since the
// runtimes it runs are other processes the race detector does not see, and
// the non-race run of the same suite (CI's go test ./...) covers it.
const raceEnabled = true
