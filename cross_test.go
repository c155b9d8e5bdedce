package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// releaseTargets are the platforms .goreleaser.yaml builds.
var releaseTargets = []struct{ goos, goarch string }{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// TestCrossCompile builds the caronboard binary for every release target
// with CGO_ENABLED=0, as the release does, so that a platform-specific break
// (terminal code, file modes on Windows) fails CI without goreleaser.
// scripts/cross-build.sh does the same by hand.
func TestCrossCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiling six targets: skipped with -short")
	}
	gobin := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		if gobin, err = exec.LookPath("go"); err != nil {
			t.Skip("no go command to build with")
		}
	}
	out := t.TempDir()
	for _, tg := range releaseTargets {
		t.Run(tg.goos+"_"+tg.goarch, func(t *testing.T) {
			bin := filepath.Join(out, "caronboard-"+tg.goos+"-"+tg.goarch)
			cmd := exec.Command(gobin, "build", "-o", bin, ".")
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+tg.goos, "GOARCH="+tg.goarch)
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("GOOS=%s GOARCH=%s go build: %v\n%s", tg.goos, tg.goarch, err, msg)
			}
		})
	}
}
