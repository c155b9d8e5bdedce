// Package checklist derives where an integrator stands in the onboarding of
// the E-faktura CAR API or the Freja eID relying-party API, step by step, from
// what exists and what can be checked on this machine — never from a
// remembered state that could have gone stale.
//
// Scan reads one folder (not its subfolders) and recognises each file by its
// content, trying the parser its name suggests first: private keys (PEM or
// DER, encrypted or not: an encrypted key counts as generated and protected
// without its passphrase), CSRs, client and CA certificates, PKCS#12
// keystores and trust stores (described by what shows without the
// password: algorithms, alias, and whether a key or trusted certificates are
// visible), the certificate ZIP Freja partner support sends, a ZIP holding a
// CSR (csr --zip) and, for Freja production, logo files (package frejarp).
// It never prompts and needs no passphrase.
//
// Evaluate turns the folder, the environment (its server CA), the last
// recorded ping and the clock into the steps of the source documents, each
// done, warn, fail, open, manual (outside this machine: a contract, a phone
// call) or skip (not for this environment):
//
//	CAR:   key, csr, send_csr, allow_list, certificate, chain, verification
//	       (production only), keystore, trust_anchors, ping
//	Freja: contract and rp_details (production only), key, csr, send_csr,
//	       certificate, chain, keystore, trust_anchors, test_users (test
//	       only), ping
//
// Files are matched to each other by their public keys (the CSR a
// certificate was issued for; an unencrypted key), else by name, else the
// newest wins. The certificate is judged with package verify (key, chain
// to the folder's or environment's CA, validity, clientAuth, key size,
// subject). A trust-anchor file is a PKCS#12 trust store, or a file of CA
// certificates only that is named *trust* or holds exactly the
// environment's server CA; it must hold that CA when it is known. The ping
// step reads the outcome ping recorded with its time, and a success from
// before the current certificate was issued is a warning.
//
// Report.Next is the first open or failed step. The package reads files but
// holds no state and never writes.
package checklist
