// Package keystore generates RSA keys, reads and writes private key files
// safely, reads certificates and the ZIP bundle Freja support sends, and
// builds and reads PKCS#12 keystores.
//
// # Keys
//
// Both CAs caronboard works with (E-faktura CAR and Freja eID) issue RSA
// certificates, so this package handles RSA keys only. Generate makes 2048,
// 3072 or 4096-bit keys with crypto/rsa, racing one generator per CPU and
// keeping the first to finish.
//
// EncodePrivateKey writes PKCS#8 PEM: "ENCRYPTED PRIVATE KEY" (PBES2 with
// PBKDF2-HMAC-SHA256, 600 000 iterations, and AES-256-CBC) when a passphrase
// is given, a plain "PRIVATE KEY" otherwise. OpenSSL 1.1 and 3, Java, Python,
// Node.js and Go read both.
//
// ParsePrivateKey reads every form an integrator may bring, PEM or DER:
// PKCS#1, PKCS#8, encrypted PKCS#8 and legacy encrypted PEM ("Proc-Type:
// 4,ENCRYPTED", OpenSSL 1.1 genrsa -aes256). Encrypted PKCS#8 may use PBES2
// with PBKDF2 (HMAC-SHA1, -SHA224, -SHA256, -SHA384, -SHA512) or scrypt and
// AES-128/192/256-CBC, 3DES or DES (OpenSSL 3 genrsa -aes256 and pkcs8
// -topk8 -v2 or -scrypt), or PBES1 pbeWithSHAAnd3-KeyTripleDES-CBC or
// pbeWithSHAAnd2-KeyTripleDES-CBC (OpenSSL 1.0 pkcs8 -topk8, Java). All of it
// is decrypted with the standard library (crypto/pbkdf2, crypto/aes,
// crypto/des, crypto/cipher, crypto/x509 for legacy PEM),
// golang.org/x/crypto/scrypt and the PKCS#12 key derivation this package has
// for PKCS#12 files. RC2, RC4 and PKCS#5 v1.5 (MD5-DES and the like) are
// refused with an OpenSSL 3 command that converts the key. The cost of the key
// derivation (PBKDF2 iterations, scrypt N, r and p) is bounded and checked
// before the passphrase is asked for, so a crafted file cannot make us spin.
//
// ParsePrivateKey tolerates byte order marks, CRLF line endings, surrounding
// text and certificates in the same file. It refuses keys that are not RSA,
// are smaller than 2048 bits or fail validation, and says so in plain words:
// every error wraps one of the Err* sentinels, for errors.Is, and no error
// carries ASN.1 parser jargon (the parser's error is kept as a wrapped cause).
// It never prompts: an encrypted key's passphrase comes from a PassphraseFunc
// the caller supplies and that is called only when needed.
//
// # Certificates and bundles
//
// ParseCertificates reads PEM (one or more CERTIFICATE blocks, with byte
// order marks, CRLF and text around them) or a DER certificate, and refuses
// files that also hold a private key or anything else. ReadBundle reads the
// certificates of every .cer, .crt, .pem and .der entry of a ZIP file, in
// memory, never writing to disk, and refuses the whole ZIP when an entry
// escapes its folder, is absolute or a link, is duplicated, or when sizes,
// counts or compression ratios are those of a bomb (header sizes are never
// trusted: contents are read through a limit).
//
// # PKCS#12
//
// EncodePKCS12 writes keystores with go-pkcs12's encoders pinned by name:
// P12Modern is Modern2023 (PBES2 AES-256-CBC, PBKDF2-HMAC-SHA256, an
// HMAC-SHA256 MAC: OpenSSL 1.1.1 and 3, Java 8u301 and later, Windows Server
// 2019 and later), P12Legacy is LegacyDES (3DES, an HMAC-SHA1 MAC: also
// macOS Keychain, Windows Server 2016 and older Java). Never LegacyRC2 (OpenSSL
// 3 needs -legacy) and never Modern2026 (OpenSSL 3.0 and Java 17 cannot read
// PBMAC1). The chain is stored in the order given, the key must match the
// leaf, and the key bag and the leaf's certificate bag get a friendlyName
// (which go-pkcs12 cannot set) so that keytool, OpenSSL and Python show a
// real alias; the MAC is recomputed after adding it.
// Every file is decoded again before it is returned.
//
// DecodePKCS12 reads modern and legacy files (RC2-40, RC2-128, 3DES, PBES2
// AES; SHA-1, SHA-2 and PBMAC1 MACs), DER or BER as Windows and .NET write
// them: it checks the MAC itself (telling a wrong passphrase from a file
// altered after writing when it can), re-encodes BER as DER and lets
// go-pkcs12 decrypt. InspectPKCS12 names the algorithms and says who can open
// the file, without the passphrase. Iteration counts above 10 000 000 are
// refused before any key derivation.
//
// # Every entry of a keystore
//
// OpenStore reads every entry of a PKCS#12 file (any number of key entries,
// trusted certificates, other certificates; each key's chain as the path from
// its certificate to the root) or of a Java KeyStore (JKS, through
// github.com/pavlo-v-chernykh/keystore-go after a check of its length
// fields), recognised by content; JCEKS is recognised and refused. It
// decrypts each encrypted SafeContents part itself (PBES2 AES, 3DES; RC2 is
// left to go-pkcs12) and checks every key bag found inside, and the file's
// total key-derivation work (at most 20 000 000 iterations), before go-pkcs12
// decrypts a key; an empty password is tried in both forms writers use.
//
// # Files
//
// Reading and writing files is internal/safefile's job (regular files only,
// size limits, atomic exclusive writes); this package sets the limits for keys,
// certificates and bundles (MaxInputSize, MaxBundleSize) and PermissionWarning
// flags key files that others can read.
//
// The package holds no global state, never prompts and never reads flags,
// configuration or the terminal: that is the command layer's job.
package keystore
