#!/usr/bin/env bash
# Regenerates the key fixtures in testdata/keys with the openssl binary on PATH.
# The keys are test material only: never use them for anything real.
# Usage: testdata/gen.sh   (from anywhere; overwrites testdata/keys/*)
set -euo pipefail
cd "$(dirname "$0")/keys"
pass=passphrase.txt
printf 'fixture-passphrase\n' > "$pass"

for bits in 2048 4096; do
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:$bits -out rsa$bits-pkcs8.pem 2>/dev/null
  # PKCS#1 ("BEGIN RSA PRIVATE KEY"), as OpenSSL 1.1 and `openssl rsa -traditional` write it.
  openssl rsa -in rsa$bits-pkcs8.pem -traditional -out rsa$bits-pkcs1.pem 2>/dev/null
  # Encrypted PKCS#8, as OpenSSL 3 `genrsa -aes256` writes it.
  openssl pkey -in rsa$bits-pkcs8.pem -aes256 -passout file:$pass -out rsa$bits-enc-pkcs8.pem
  # Legacy encrypted PEM (Proc-Type: 4,ENCRYPTED), as OpenSSL 1.1 `genrsa -aes256` writes it.
  openssl rsa -in rsa$bits-pkcs8.pem -traditional -aes256 -passout file:$pass -out rsa$bits-enc-legacy.pem 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in rsa$bits-pkcs8.pem -outform DER -out rsa$bits-pkcs8.der
done
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024-pkcs8.pem 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec-p256.pem
openssl genpkey -algorithm ED25519 -out ed25519.pem
../gen-pkcs8.sh
chmod 0600 *.pem *.der
echo "regenerated $(ls | wc -l) files in testdata/keys"
