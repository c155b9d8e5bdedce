#!/usr/bin/env bash
# Benchmark (not a test): start-up time, `caronboard version` against
# `openssl version`.
#
# caronboard version must not pay for work it does not use (no config file,
# no terminal probing), so a whole process should cost about what a small C
# program's does. Times RUNS runs of each, interleaved (alternating which goes
# first) so both see the same machine load, after a few warm-up runs, and
# prints both medians and the ratio caronboard/openssl. The target is a ratio
# of at most 2.
#
# Usage: scripts/bench-startup.sh [RUNS]   (default 31; needs bash 5, go, openssl)
#        CARONBOARD_BIN=path/to/caronboard scripts/bench-startup.sh   (time that binary instead)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-31}
if ! [[ $runs =~ ^[1-9][0-9]*$ ]] || ((runs < 15)); then
  echo "usage: scripts/bench-startup.sh [RUNS]   (RUNS >= 15)" >&2
  exit 2
fi
command -v openssl >/dev/null || { echo "bench-startup: openssl is not installed" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [[ -n ${CARONBOARD_BIN:-} ]]; then
  cp "$CARONBOARD_BIN" "$tmp/caronboard" # compare a binary built elsewhere
else
  go build -o "$tmp/caronboard" .
fi

# us prints $EPOCHREALTIME (seconds.microseconds, bash 5) in microseconds.
if [[ -z ${EPOCHREALTIME:-} ]]; then
  echo "bench-startup: needs bash 5 (EPOCHREALTIME) for sub-millisecond timing" >&2
  exit 1
fi
us() { local t=${1/[.,]/}; echo "$((10#$t))"; }

# Each run is timed around the fork and exec alone: the clock is read from
# EPOCHREALTIME right before and after, with no subshell in between, so the
# figures are the processes' own cost plus what any exec costs.
ours=() theirs=()
run_ours() {
  local t0=$EPOCHREALTIME
  "$tmp/caronboard" version >/dev/null
  local t1=$EPOCHREALTIME
  ours+=($(($(us "$t1") - $(us "$t0"))))
}
run_openssl() {
  local t0=$EPOCHREALTIME
  openssl version >/dev/null
  local t1=$EPOCHREALTIME
  theirs+=($(($(us "$t1") - $(us "$t0"))))
}

# median prints the median of its arguments (microseconds) in milliseconds.
median() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f\n", m / 1e3 }'
}

for ((i = 0; i < 3; i++)); do run_ours; run_openssl; done # warm the page cache
ours=() theirs=()
for ((i = 1; i <= runs; i++)); do
  if ((i % 2)); then run_ours; run_openssl; else run_openssl; run_ours; fi
done

m_ours=$(median "${ours[@]}")
m_openssl=$(median "${theirs[@]}")
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
echo "start-up, $runs runs each, interleaved, $cpus CPUs, $(openssl version | cut -d' ' -f1-2)"
echo "caronboard version  median ${m_ours} ms"
echo "openssl version     median ${m_openssl} ms"
awk -v a="$m_ours" -v b="$m_openssl" 'BEGIN {
  r = a / b
  printf "ratio caronboard/openssl: %.2f (target <= 2: %s)\n", r, (r <= 2 ? "met" : "NOT met")
}'
