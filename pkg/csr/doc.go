// Package csr builds, reads and checks PKCS#10 certificate signing requests
// for the two private CAs caronboard serves: the E-faktura CAR API ("car")
// and the Freja eID relying-party API ("freja").
//
// What it guarantees:
//
//   - Every subject field is checked before anything is signed, against the
//     rules common to both CAs (valid UTF-8, no control or bidirectional
//     override characters, no leading or trailing space, at most 64
//     characters) and against the profile's own rules (Freja's forbidden
//     characters in O and OU, the Luhn check digit of a Swedish
//     organisationsnummer, ISO 3166-1 country codes, CAR's fixed O and C and
//     its three roles). All problems of one input are reported together, each
//     naming its field, with a reason and a hint in plain words
//     ([*ValidationError], [*FieldError]).
//   - The subject is encoded exactly as OpenSSL 3 encodes
//     `openssl req -new -sha256 -subj "/C=…/2.5.4.97=…/OU=…/O=…/CN=…"`: one
//     attribute per RDN, in the profile's order, C as PrintableString and every
//     other value as UTF8String. Because RSA PKCS#1 v1.5 signatures are
//     deterministic, [Create] produces a CSR byte-identical to OpenSSL's for
//     the same key and subject; an interop test against the openssl binary
//     proves it.
//   - [Parse] reads what people actually send: PEM ("CERTIFICATE REQUEST" or
//     "NEW CERTIFICATE REQUEST", with a UTF-8 or UTF-16 byte order mark, CRLF
//     line ends or text around the block) or DER, and always checks the
//     self-signature. Anything else fails with an error that wraps
//     [ErrMalformedCSR] or [ErrBadSignature] and says what the file is instead.
//   - [Lint] applies every profile rule to a CSR made by anyone (for example
//     by openssl from a wiki page) and recognises the common mistakes: fields
//     separated by commas instead of slashes, Swedish letters double-encoded by
//     `openssl req` without -utf8, SHA-1 or MD5 signatures, wrong key sizes.
//
// Subjects are printed in order with short attribute names
// (`C=SE, organizationIdentifier=556677-8881, O=ACME AB`), unlike
// pkix.Name.String, which reorders them and shows 2.5.4.97 as hex.
//
// The package never prompts, reads no configuration or global state and only
// uses the randomness it is given.
package csr
