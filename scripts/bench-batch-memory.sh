#!/usr/bin/env bash
# Benchmark (not a test): peak memory of `caronboard jws verify --batch` must
# stay flat however long the input is. Streams N copies of a signed sandbox-like
# token (testdata/jws/auth.jws) through the command for each N and prints the
# maximum resident set size and the wall time.
#
# Usage: scripts/bench-batch-memory.sh [N...]   (default: 10000 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "bench-batch-memory: needs /usr/bin/time (Debian package: time)" >&2; exit 1; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/caronboard" .
token=$(tr -d '\n' < testdata/jws/auth.jws)
printf '%-10s %12s %10s %14s\n' LINES MAX_RSS_KB SECONDS LINES_PER_SEC
set +o pipefail # yes(1) ends with SIGPIPE when head has enough
for n in "${sizes[@]}"; do
  yes "$token" | head -n "$n" |
    /usr/bin/time -f '%M %e' -o "$tmp/time" "$tmp/caronboard" jws verify --batch --cert testdata/jws/signer.pem >/dev/null 2>"$tmp/err" || {
      echo "bench-batch-memory: the batch failed:" >&2; tail -3 "$tmp/err" >&2; exit 1; }
  read -r rss secs < "$tmp/time"
  printf '%-10s %12s %10s %14.0f\n' "$n" "$rss" "$secs" "$(awk -v n="$n" -v s="$secs" 'BEGIN { print (s > 0 ? n / s : 0) }')"
done
