package verify

import (
	"crypto/tls"
	"errors"
	"net"
	"strconv"
)

// Failure classes of a probe: ProbeError.Code. They are stable, for
// scripts (JSON error.code).
const (
	// CodeDNS: the host name did not resolve (or the address is not
	// host:port).
	CodeDNS = "dns"
	// CodeTCPRefused: the server refused the TCP connection.
	CodeTCPRefused = "tcp_refused"
	// CodeTCPTimeout: no answer to the TCP connection attempt (often: the
	// source address is not allow-listed), or no route to the server.
	CodeTCPTimeout = "tcp_timeout"
	// CodeTLSTimeout: TCP connected, but no TLS answer in time.
	CodeTLSTimeout = "tls_timeout"
	// CodeTLSProtocol: the TLS handshake failed for a reason other than
	// certificates: no shared version (TLS 1.1 or older), no shared cipher,
	// not TLS at all.
	CodeTLSProtocol = "tls_protocol"
	// CodeServerUntrusted: the server's chain does not verify against the
	// environment's CA, or is not for the server's name.
	CodeServerUntrusted = "server_untrusted"
	// CodeClientCertRejected: the server refused the client certificate.
	CodeClientCertRejected = "client_cert_rejected"
	// CodeClientCertMissing: the server requires a client certificate and
	// none was sent.
	CodeClientCertMissing = "client_cert_missing"
	// CodeClientCertExpired: the server refused the client certificate, and
	// it is expired (or not yet valid), or the server said it was.
	CodeClientCertExpired = "client_cert_expired"
	// CodeHTTP: the connection was accepted, but no HTTP response was read.
	CodeHTTP = "http"
	// CodeCanceled: the caller cancelled the probe (its context).
	CodeCanceled = "canceled"
)

// ProbeError says why a probe failed: a stable code, a message, and a hint
// saying what to do, in plain words.
type ProbeError struct {
	// Code is one of the Code… constants.
	Code string `json:"code"`
	// Message says what happened, e.g. "the server rejected the client
	// certificate CN=BANK01 (alert unknown_ca)".
	Message string `json:"message"`
	// Hint says what to do about it.
	Hint string `json:"hint"`
	// Alert is the TLS alert the server sent, by its RFC name
	// ("bad_certificate"), when one was received.
	Alert string `json:"alert,omitempty"`
	// Step is the step where the failure showed (a Step… constant): for a
	// client certificate refused under TLS 1.3 that is "http", the first
	// read.
	Step string `json:"step"`
	// Err is the underlying error.
	Err error `json:"-"`
}

// Error returns the message.
func (e *ProbeError) Error() string { return e.Message }

// Unwrap returns the underlying error.
func (e *ProbeError) Unwrap() error { return e.Err }

// alertNames are the RFC 8446/5246 names of TLS alerts.
var alertNames = map[uint8]string{
	0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 21: "decryption_failed",
	22: "record_overflow", 30: "decompression_failure", 40: "handshake_failure", 41: "no_certificate",
	42: "bad_certificate", 43: "unsupported_certificate", 44: "certificate_revoked",
	45: "certificate_expired", 46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca",
	49: "access_denied", 50: "decode_error", 51: "decrypt_error", 60: "export_restriction",
	70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
	86: "inappropriate_fallback", 90: "user_canceled", 100: "no_renegotiation",
	109: "missing_extension", 110: "unsupported_extension", 111: "certificate_unobtainable",
	112: "unrecognized_name", 113: "bad_certificate_status_response",
	114: "bad_certificate_hash_value", 115: "unknown_psk_identity", 116: "certificate_required",
	120: "no_application_protocol", 121: "ech_required",
}

// TLS alerts the classification looks at.
const (
	alertHandshakeFailure    = 40
	alertBadCertificate      = 42
	alertUnsupportedCert     = 43
	alertCertificateRevoked  = 44
	alertCertificateExpired  = 45
	alertCertificateUnknown  = 46
	alertUnknownCA           = 48
	alertAccessDenied        = 49
	alertDecryptError        = 51
	alertProtocolVersion     = 70
	alertInsufficientSec     = 71
	alertUnrecognizedName    = 112
	alertCertificateRequired = 116
)

// alertName names a TLS alert as the RFC does.
func alertName(a uint8) string {
	if n, ok := alertNames[a]; ok {
		return n
	}
	return "alert(" + strconv.Itoa(int(a)) + ")"
}

// remoteAlert finds the TLS alert the peer sent in err. crypto/tls reports
// it as a *net.OpError with Op "remote error" around an unexported alert
// type whose text is that of tls.AlertError; QUIC-style errors wrap
// tls.AlertError itself.
func remoteAlert(err error) (uint8, bool) {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" && op.Err != nil {
		text := op.Err.Error()
		for a := range 256 {
			if tls.AlertError(a).Error() == text {
				return uint8(a), true
			}
		}
	}
	var ae tls.AlertError
	if errors.As(err, &ae) {
		return uint8(ae), true
	}
	return 0, false
}
