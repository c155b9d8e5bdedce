// Package sandbox plays, on one machine, the two services an integrator
// meets: a CA like the E-faktura CAR CA that issues client certificates from
// CSRs, and an mTLS API server that demands a client certificate from that
// CA and answers like the Freja eID relying-party API, with results signed
// by a JWS signer like Freja's. It lets `caronboard sandbox` and
// `caronboard demo` rehearse the whole lifecycle offline.
//
// Everything here is test material and must never be used in production:
// the keys are written unencrypted (PKCS#8 PEM, mode 0600), the CA issues to
// anyone who hands it a CSR that passes the profile's rules, and the API
// approves every request at once for an invented test user.
//
// # Files
//
// A sandbox is a folder (created with mode 0700) holding:
//
//	ca.pem, ca.key.pem                   the CA of both profiles: a self-signed RSA-4096 root,
//	                                     C=SE, O=caronboard sandbox, CN=caronboard sandbox CA,
//	                                     valid 10 years; it issues client certificates
//	                                     (Sandbox.Sign) and the server certificate
//	server.pem, server.key.pem           the API server's certificate: RSA-2048, CN=localhost,
//	                                     SAN localhost, 127.0.0.1 and ::1, serverAuth,
//	                                     issued by the CA, valid 2 years
//	signer-root.pem, signer-root.key.pem a separate RSA-2048 root standing in for Freja's
//	                                     test root: C=SE, O=caronboard sandbox, OU=Test,
//	                                     CN=caronboard sandbox JWS root, valid 10 years
//	signer.pem, signer.key.pem           the JWS signing certificate, like Freja's: RSA-2048,
//	                                     not a CA, digitalSignature and nonRepudiation,
//	                                     issued by the JWS root, valid 2 years
//
// Certificates are PEM, mode 0644; keys are unencrypted PKCS#8 PEM, mode 0600,
// written atomically through safefile.WriteFile.
//
// # Server
//
// Server answers only after a TLS handshake (1.2 or 1.3) in which the client
// presented a certificate that chains to ca.pem with clientAuth:
//
//	GET  /                                   the probe: the client's identity and the TLS
//	                                         parameters, as JSON
//	POST /authentication/1.0/initAuthentication   initAuthRequest=<base64 JSON>
//	POST /authentication/1.0/getOneResult    getOneAuthResultRequest=<base64 {"authRef"}>
//	POST /authentication/1.0/getResults      getAuthResultsRequest=<base64 {"includePrevious":"ALL"}>
//	POST /authentication/1.0/cancel          cancelAuthRequest=<base64 {"authRef"}>
//	POST /sign/1.0/initSignature             initSignRequest=<base64 JSON>
//	POST /sign/1.0/getOneResult              getOneSignResultRequest=<base64 {"signRef"}>
//	POST /sign/1.0/getResults                getSignResultsRequest=<base64 {"includePrevious":"ALL"}>
//	POST /sign/1.0/cancel                    cancelSignRequest=<base64 {"signRef"}>
//
// The paths, parameter names, error codes and messages are those of Freja's
// relying-party API and its official Java client. Every request is approved
// at once; the result's details are a compact JWS signed with signer.key.pem
// (header {"x5t":…,"alg":"RS256"}), which pkg/jws verifies when signer.pem is
// trusted. Errors are Freja's JSON body {"code":…,"message":…}.
package sandbox
