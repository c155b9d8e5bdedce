#!/usr/bin/env bash
# Regenerates the encrypted PKCS#8 scheme fixtures in testdata/keys from
# rsa2048-pkcs8.pem (made by testdata/gen.sh, which also calls this script):
# one file per encryption scheme OpenSSL 3 writes, read by
# TestParsePKCS8Schemes and seeds of FuzzParsePrivateKey. scrypt uses N=1024
# (not OpenSSL's 16384) so that the fuzzer stays fast.
# Usage: testdata/gen-pkcs8.sh   (from anywhere; overwrites only the files it names)
set -euo pipefail
cd "$(dirname "$0")/keys"
pass=passphrase.txt
in=rsa2048-pkcs8.pem
legacy=(-provider legacy -provider default) # RC2, DES and MD5 need OpenSSL 3's legacy provider
p8() { out=$1; shift; openssl pkcs8 -topk8 -in $in -passout file:$pass -out "$out" "$@"; }

# Read.
p8 rsa2048-enc-pbes1-3des.pem -v1 PBE-SHA1-3DES        # OpenSSL 1.0 pkcs8 -topk8's default, Java, BouncyCastle
p8 rsa2048-enc-pbes1-2des.pem -v1 PBE-SHA1-2DES
p8 rsa2048-enc-sha1-aes128.pem -v2 aes-128-cbc -v2prf hmacWithSHA1
p8 rsa2048-enc-sha224-aes192.pem -v2 aes-192-cbc -v2prf hmacWithSHA224
p8 rsa2048-enc-sha384-aes256.pem -v2 aes-256-cbc -v2prf hmacWithSHA384
p8 rsa2048-enc-sha512-aes128.pem -v2 aes-128-cbc -v2prf hmacWithSHA512
p8 rsa2048-enc-des3.pem -v2 des3
p8 rsa2048-enc-des-cbc.pem -v2 des-cbc "${legacy[@]}"
p8 rsa2048-enc-scrypt.pem -scrypt -scrypt_N 1024 -scrypt_r 8 -scrypt_p 1
# Refused, with a conversion command.
p8 rsa2048-enc-rc2.pem -v2 rc2-cbc "${legacy[@]}"
p8 rsa2048-enc-pbes1-rc2.pem -v1 PBE-SHA1-RC2-128 "${legacy[@]}"
p8 rsa2048-enc-pbes1-md5-des.pem -v1 PBE-MD5-DES "${legacy[@]}"
chmod 0600 rsa2048-enc-*.pem
