// Package expiry finds the certificates an integrator depends on and says
// when each one expires: client certificates and their chains (PEM or DER,
// several per file), PKCS#12 and Java JKS keystores (one client row per key
// entry, with its alias, and the chains; the empty password is tried first,
// then the passphrase when one is given), PKCS#12, JKS and PEM trust stores
// (with their aliases), server CAs
// and JWS signing certificates handed in by the caller.
//
// Every certificate becomes an Entry with a Role (client, ca, trust_anchor,
// jws_signer) and a State judged at a time the caller passes in (ok,
// expires_soon within the warning window, expired, not_yet_valid; archived
// for expired JWS signers kept only to verify archived results;
// unreadable_without_passphrase for a keystore whose certificates are
// encrypted and no passphrase was given). The package never reads the clock.
//
// A Report renders as aligned text (WriteText) or as the Prometheus text
// exposition format with the metric names of enix/x509-certificate-exporter
// (WritePrometheus: x509_cert_not_after, x509_cert_not_before,
// x509_cert_expired, x509_read_errors), so existing alerts keep working.
package expiry
