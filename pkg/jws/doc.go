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
//     caller's TrustStore for the environment the caller names (required:
//     freja-prod, freja-test, or explicitly any), so a result signed by a
//     test certificate never passes as a production one. The token never supplies its own key or
//     certificate: jwk, jku, x5c, x5u and x5t#S256 play no part in trust.
//   - The signature is RSASSA-PKCS1-v1_5 with SHA-256 over the ASCII
//     "header.payload", checked with the trusted certificate's RSA key
//     (at least 2048 bits). A differential test checks that every token this
//     verifier accepts is also accepted by go-jose with the same key.
//   - The signed payload is one valid JSON object (what json.Valid accepts),
//     and a result's signed status is APPROVED unless the caller expects
//     another.
//   - The certificate must have been valid when the result was signed: at
//     the payload's timestamp (milliseconds since the epoch), or at a time the
//     caller names, or — without either — at the caller's current time. A
//     certificate that has expired since is a warning, not a failure, so
//     archived results stay verifiable.
//   - Verify, for archives, does not protect against replay: an approved
//     result verifies for ever. VerifyLive, for a relying party's backend,
//     requires the reference the request got, a maximum age and the current
//     time, and checks the user and signed text when given (Options has the
//     same checks field by field).
//   - Every failure is an *Error with a stable Code (malformed,
//     alg_not_allowed, crit_not_allowed, missing_x5t, unknown_x5t,
//     bad_signature, cert_not_valid_at_signing_time, too_large, weak_key,
//     ref_mismatch, stale_result, …) that errors.Is matches against the
//     exported sentinels; messages show token text through Escape.
//
// Beyond verification it reads Freja's result objects (a bare token, one
// result with its "details", or the authenticationResults/signatureResults
// list forms), explains payloads in words (status, user info, requested
// attributes, reference, signing time, signature type, the user's own nested
// signature and the OCSP response on the user's certificate), decodes tokens
// without verifying them (always marked unverified), and verifies one input
// per line on every core with VerifyBatch, in input order and bounded memory.
//
// Result objects are read strictly: duplicate members, case variants of
// Freja's members, a list beside other members, and any unsigned member
// (reference, status, requestedAttributes) that differs from the signed
// details are refused.
//
// The package reads no environment or clock: certificates come in as values
// or bytes (EmbeddedTrust reads only the certificates compiled into the
// binary), and the current time is always passed in. The only files it
// reads are those of a SignerStore (the user's signer store) the caller
// names, which it refuses when others could have changed them.
package jws
