#!/usr/bin/env bash
# Benchmark (not a test): RSA-4096 key generation, ours against OpenSSL.
#
# Times RUNS runs of each, interleaved (and alternating which goes first) so
# both see the same machine load, then prints both medians and the ratio
# ours/openssl. The design's bar is a ratio of at most 0.40.
#
#   ours:    caronboard key --bits 4096 --no-passphrase (built once): one
#            generator per CPU, first wins; unencrypted, so that the 600 000
#            PBKDF2 rounds of the passphrase are not counted as generation
#   openssl: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096
#
# Both are timed as whole processes, start-up and file writing included.
#
# Usage: scripts/bench-keygen.sh [RUNS]   (default 15; needs bash, go, openssl)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/bench-keygen.sh [RUNS]" >&2
  exit 2
fi
command -v openssl >/dev/null || { echo "bench-keygen: openssl is not installed" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/caronboard" .

run_ours() { "$tmp/caronboard" key --bits 4096 --no-passphrase --force -q --out "$tmp/ours.key" 2>/dev/null; }
run_openssl() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$tmp/openssl.key" 2>/dev/null; }

# now prints the wall clock in microseconds.
if [[ -n ${EPOCHREALTIME:-} ]]; then
  now() { local t=${EPOCHREALTIME/[.,]/}; echo "$((10#$t))"; }
elif [[ $(date +%N) =~ ^[0-9]+$ ]]; then
  now() { echo $(($(date +%s%N) / 1000)); }
else
  echo "bench-keygen: needs bash 5 or GNU date for sub-second timing" >&2
  exit 1
fi

# timed CMD prints how long CMD took, in microseconds.
timed() {
  local t0 t1
  t0=$(now)
  "$@"
  t1=$(now)
  echo $((t1 - t0))
}

# median prints the median of its arguments (microseconds) in seconds.
median() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f\n", m / 1e6 }'
}

ours=() theirs=()
for ((i = 1; i <= runs; i++)); do
  if ((i % 2)); then
    ours+=("$(timed run_ours)")
    theirs+=("$(timed run_openssl)")
  else
    theirs+=("$(timed run_openssl)")
    ours+=("$(timed run_ours)")
  fi
  printf '\rrun %d/%d' "$i" "$runs" >&2
done
printf '\r%20s\r' '' >&2

m_ours=$(median "${ours[@]}")
m_openssl=$(median "${theirs[@]}")
secs() { for v in "$@"; do printf '%.2f ' "$(awk -v v="$v" 'BEGIN { print v / 1e6 }')"; done; }
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
echo "RSA-4096 generation, $runs runs each, interleaved, $cpus CPUs, $(openssl version | cut -d' ' -f1-2)"
echo "ours     median ${m_ours} s   runs: $(secs "${ours[@]}")"
echo "openssl  median ${m_openssl} s   runs: $(secs "${theirs[@]}")"
awk -v a="$m_ours" -v b="$m_openssl" 'BEGIN {
  r = a / b
  printf "ratio ours/openssl: %.2f (target <= 0.40: %s)\n", r, (r <= 0.40 ? "met" : "NOT met")
}'
