#!/usr/bin/env bash
# The whole test suite, as CI runs it, one step after the other, stopping at
# the first failure, on a machine with Go and the peer tools the README lists:
#   1. go vet ./...
#   2. staticcheck ./...   pinned, run with `go run …@v0.8.2` (no install;
#      the Go build cache keeps it)
#   3. go test -count=1 ./...   unit, end-to-end (testdata/script), interop
#      with the real peer tools, hostile input, leaked secrets and the crash
#      harness (internal/crashtest)
#   4. go test -race on the packages with concurrency: pkg/verify (ping --all),
#      pkg/jws (jws verify --batch), pkg/keystore (racing key generation), cmd
#   5. the release snapshot: goreleaser (pinned in tools/go.mod) checks
#      .goreleaser.yaml and builds all six targets, archives, .deb and .rpm
#      packages and checksums.txt into dist/; scripts/install-test.sh then
#      verifies the checksums and installs the amd64 .deb into a temporary root
#   6. scripts/fuzz.sh: every fuzz target for FUZZTIME from its seed corpus
# The closing summary names every test that skipped and every peer tool that
# is missing. go test's -timeout is 30m: the root package's end-to-end tests
# take about 5 minutes on a cold cache on 2 busy cores.
# Usage: scripts/test.sh [FUZZTIME]   (default 10s; e.g. 5m for a longer hunt)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-10s}
start=$SECONDS
skips=$(mktemp)
current=""
steps=0

step() {
  current=$*
  steps=$((steps + 1))
  printf '\n== %s (at %ds)\n' "$*" $((SECONDS - start))
}

summary() {
  status=$?
  printf '\n== summary (after %ds)\n' $((SECONDS - start))
  missing=()
  for tool in openssl keytool node python3 tmux; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] || echo "peer tools not on PATH (the scenarios that need them skip or stop early): ${missing[*]}"
  [ -d ../shared ] || echo "../shared is absent: the tests of the source documents and vectors skip"
  count=$(wc -l <"$skips")
  if [ "$count" -gt 0 ]; then
    echo "$count test(s) skipped:"
    sed 's/^/  /' "$skips"
  else
    echo "no test skipped"
  fi
  rm -f "$skips"
  if [ "$status" -eq 0 ]; then
    echo "PASS: every step passed"
    echo "steps: $steps passed, 0 failed"
  else
    echo "FAIL: step \"$current\" failed (exit $status)"
    echo "steps: $((steps - 1)) passed, 1 failed"
  fi
  exit "$status"
}
trap summary EXIT

gotest() { # go test with the report filter; fails when a test fails
  go test -count=1 -timeout=30m -json "$@" | go run ./internal/testreport -skips "$skips"
}

step "go vet ./..."
go vet ./...

step "staticcheck ./... (go run honnef.co/go/tools/cmd/staticcheck@v0.8.2)"
# v0.8.2 is staticcheck 2026.2.2, the latest release, built for Go 1.26.
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

step "go test -count=1 ./..."
gotest ./...

step "go test -race (pkg/verify, pkg/jws, pkg/keystore, cmd)"
gotest -race ./pkg/verify ./pkg/jws ./pkg/keystore ./cmd

step "release snapshot: goreleaser check; goreleaser release --snapshot --clean"
goreleaser=(go tool -modfile=tools/go.mod goreleaser)
# goreleaser reads the commit and its date only when `git ls-remote --get-url`
# answers; in a clone without a remote (git init, a worktree) it would build a
# snapshot without them. Give it the project's URL through the environment,
# changing no git config.
if ! git ls-remote --get-url >/dev/null 2>&1; then
  export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url GIT_CONFIG_VALUE_0=https://github.com/caronboard/caronboard.git
fi
"${goreleaser[@]}" check
"${goreleaser[@]}" release --snapshot --clean

step "scripts/install-test.sh dist"
scripts/install-test.sh dist

step "scripts/fuzz.sh $fuzztime"
scripts/fuzz.sh "$fuzztime"
