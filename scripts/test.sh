#!/usr/bin/env bash
# The whole test suite, as CI runs it, one step after the other, stopping at
# the first failure:
#   1. go vet ./...
#   2. staticcheck ./...   (.ci/run installs the pinned version; elsewhere
#      it must be on PATH or in $(go env GOPATH)/bin)
#   3. go test -count=1 ./...   unit, end-to-end (testdata/script), interop
#      with the real peer tools, hostile input, leaked secrets and the crash
#      harness (internal/crashtest)
#   4. go test -race on the packages with concurrency: pkg/verify (ping --all),
#      pkg/jws (jws verify --batch), pkg/keystore (racing key generation), cmd
#   5. scripts/fuzz.sh: every fuzz target for FUZZTIME from its seed corpus
# Usage: scripts/test.sh [FUZZTIME]   (default 10s; e.g. 5m for a longer hunt)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-10s}
start=$SECONDS

step() { printf '\n== %s (at %ds)\n' "$*" $((SECONDS - start)); }

step "go vet ./..."
go vet ./...

step "staticcheck ./..."
staticcheck=$(command -v staticcheck || echo "$(go env GOPATH)/bin/staticcheck")
if [ ! -x "$staticcheck" ]; then
  echo "staticcheck is not installed: go install honnef.co/go/tools/cmd/staticcheck@v0.8.2 (what .ci/run does)" >&2
  exit 1
fi
"$staticcheck" ./...

step "go test -count=1 ./..."
go test -count=1 ./...

step "go test -race (pkg/verify, pkg/jws, pkg/keystore, cmd)"
go test -count=1 -race ./pkg/verify ./pkg/jws ./pkg/keystore ./cmd

step "scripts/fuzz.sh $fuzztime"
# Its closing line, "fuzz: N passed, N failed", is the suite's last word.
scripts/fuzz.sh "$fuzztime"
