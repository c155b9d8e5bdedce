// Package verify checks what a CA sent back and, later, whether it works:
// the certificate checks behind `caronboard cert verify`, the chain ordering
// behind `caronboard pkcs12`, and the mutual-TLS probe behind
// `caronboard ping`.
//
// Certificate checks (CheckCertificate) judge an issued client certificate
// on its own terms and report every check as one line — pass, fail, warn or
// skip — with a message and a hint in plain words:
//
//   - key_match: the private key belongs to the certificate;
//   - chain: the certificate chains, through any intermediates given, to a
//     CA the user trusts (the CAR CA or Freja's root);
//   - validity: not yet valid, expired, or expiring soon (30 days by default);
//   - client_auth: the Extended Key Usage allows TLS client authentication;
//   - key_size: RSA, of a size the profile accepts;
//   - subject: the subject follows the profile's rules (package csr);
//   - csr_match: the certificate was issued for a given CSR;
//   - signature_algorithm: the CA did not sign with SHA-1 or MD5.
//
// Every check is always present, so a report has the same lines whatever
// was given; a check whose input is missing is skipped with a hint naming
// what to pass. Checks are independent: an expired certificate fails the
// validity check alone, and its chain is still judged (the CAs at the time
// given, the certificate's own dates ignored), and a certificate without
// clientAuth fails client_auth alone.
//
// BuildChain orders certificates for a keystore: leaf → intermediates →
// root, deduplicated, whatever order and files they came in, and says which
// certificate is missing or wrong when no chain builds (*ChainError).
// FindLeaf picks a relying party's own certificate out of everything Freja's
// ZIP holds, by its key.
//
// Probe and ProbeAll connect to an environment step by step (resolve, the
// proxy when Target.Proxy names one (package netproxy: HTTP CONNECT or
// SOCKS5), TCP with Go's Happy Eyeballs dialer or a forced address family,
// TLS against the environment's CA only, the client-certificate exchange, one
// HTTP request read within MaxHTTPHeader and MaxHTTPBody) and classify a
// failure with a stable code and a hint.
//
// Every validity decision uses a time passed in; the clock is read only to
// measure how long probe steps take. The package never prompts and reads no
// global state. Errors wrap the
// sentinels ErrChain, keystore.ErrKeyMismatch and ErrNoLeaf, so callers classify
// them with errors.Is and errors.As.
package verify
