#!/usr/bin/env bash
# Builds caronboard for every release target (linux, darwin, windows on amd64
# and arm64) with CGO_ENABLED=0, as .goreleaser.yaml does, into a temporary
# folder that is removed afterwards (or into $1 when given). CI runs the same
# builds as TestCrossCompile in cross_test.go.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-}
if [ -z "$out" ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
for target in linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64; do
  goos=${target%/*} goarch=${target#*/}
  ext=""; [ "$goos" = windows ] && ext=.exe
  CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -o "$out/caronboard-$goos-$goarch$ext" .
  echo "ok  $goos/$goarch"
done
