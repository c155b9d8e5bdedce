// Package jws decodes and verifies the JWS-signed results of the Freja eID
// relying-party API, strictly and fast enough to re-verify archives in bulk.
//
// What it guarantees:
//
//   - Only the JWS Compact Serialization is read: exactly three base64url
//     parts without padding, line breaks or non-canonical trailing bits, at
//     most MaxTokenSize bytes. The protected header must be one JSON object
//     without duplicate member names.
//   - A token is accepted only when alg is exactly "RS256" (never none, HS*,
//     PS*, ES* or a case or spacing variant), crit is absent, b64 is absent or
//     true, the signature is not empty, and x5t names a certificate in the
//     caller's TrustStore. The token never supplies its own key or
//     certificate: jwk, jku, x5c, x5u and x5t#S256 play no part in trust.
//   - The signature is RSASSA-PKCS1-v1_5 with SHA-256 over the ASCII
//     "header.payload", checked with the trusted certificate's RSA key
//     (at least 2048 bits). A differential test checks that every token this
//     verifier accepts is also accepted by go-jose with the same key.
//   - The certificate must have been valid when the result was signed: at
//     the payload's timestamp (milliseconds since the epoch), or at a time the
//     caller names, or — without either — at the caller's current time. A
//     certificate that has expired since is a warning, not a failure, so
//     archived results stay verifiable.
//   - Every failure is an *Error with a stable Code (malformed,
//     alg_not_allowed, crit_not_allowed, missing_x5t, unknown_x5t,
//     bad_signature, cert_not_valid_at_signing_time, too_large, weak_key, …)
//     that errors.Is matches against the exported sentinels.
//
// Beyond verification it reads Freja's result objects (a bare token, one
// result with its "details", or the authenticationResults/signatureResults
// list forms), explains payloads in words (status, user info, requested
// attributes, reference, signing time, signature type, the user's own nested
// signature and the OCSP response on the user's certificate), decodes tokens
// without verifying them (always marked unverified), and verifies one input
// per line on every core with VerifyBatch, in input order and bounded memory.
//
// The package reads no files, environment or clock: certificates come in as
// values or bytes (EmbeddedTrust reads only the certificates compiled into
// the binary), and the current time is always passed in.
package jws
