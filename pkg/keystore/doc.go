// Package keystore generates RSA keys and reads and writes private key files
// safely.
//
// # Keys
//
// Both CAs caronboard works with (E-faktura CAR and Freja eID) issue RSA
// certificates, so this package handles RSA keys only. Generate makes 2048,
// 3072 or 4096-bit keys with crypto/rsa, racing one generator per CPU and
// keeping the first to finish.
//
// EncodePrivateKey writes PKCS#8 PEM: "ENCRYPTED PRIVATE KEY" (PBES2 with
// PBKDF2-HMAC-SHA256 and AES-256-CBC, via go.step.sm/crypto/pemutil) when a
// passphrase is given, a plain "PRIVATE KEY" otherwise. OpenSSL 1.1 and 3,
// Java, Python, Node.js and Go read both.
//
// ParsePrivateKey reads every form an integrator may bring, PEM or DER:
// PKCS#1, PKCS#8, encrypted PKCS#8 (OpenSSL 3 genrsa -aes256, pkcs8 -topk8,
// with AES or 3DES and an HMAC-SHA1 or HMAC-SHA256 PRF) and legacy encrypted
// PEM ("Proc-Type: 4,ENCRYPTED", OpenSSL 1.1 genrsa -aes256). It tolerates
// byte order marks, CRLF line endings, surrounding text and certificates in
// the same file. It refuses keys that are not RSA, are smaller than 2048 bits
// or fail validation, and says so in plain words: every error wraps one of the
// Err* sentinels, for errors.Is, and no error carries ASN.1 parser jargon.
// It never prompts: an encrypted key's passphrase comes from a PassphraseFunc
// the caller supplies and that is called only when needed.
//
// # Files
//
// WriteFile never leaves a partial or lost file. It writes a temporary file
// named ".<name>.tmp-<random>" in the target's folder (see TempGlob), sets
// the exact mode regardless of the umask, fsyncs it, then publishes it
// atomically: a hard link when the target must not exist (so an existing file
// is never replaced, even by a concurrent writer), a rename when overwriting
// is allowed; then it fsyncs the folder. CheckWritable runs the same checks
// up front, before expensive work. ReadFile reads regular files only, with a
// size limit, and never blocks on a pipe or device; PermissionWarning flags
// key files that others can read.
//
// The package holds no global state, never prompts and never reads flags,
// configuration or the terminal: that is the command layer's job.
package keystore
