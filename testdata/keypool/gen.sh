#!/bin/sh
# Regenerates the pool of throw-away RSA keys that tests use instead of
# generating keys (internal/keygen.UsePool): keys no fixture certificate
# belongs to, never used outside tests.
set -eu
cd "$(dirname "$0")"
for i in 1 2 3 4 5 6 7 8; do openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2048-$i.pem 2>/dev/null; done
for i in 1 2 3 4 5 6; do openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out rsa4096-$i.pem 2>/dev/null; done
for i in 1 2 3; do openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out rsa3072-$i.pem 2>/dev/null; done
