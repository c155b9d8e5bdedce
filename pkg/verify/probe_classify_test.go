package verify

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/internal/testpki"
)

// TestAlertClassification covers the alerts no local server sends, with
// the error crypto/tls makes of a received alert.
func TestAlertClassification(t *testing.T) {
	p := loadPKI(t)
	tests := []struct {
		alert     uint8
		sent, req bool
		outside   bool
		code      string
		hint      string
	}{
		{alertCertificateRevoked, true, true, false, CodeClientCertRejected, "revoked"},
		{alertAccessDenied, true, true, false, CodeClientCertRejected, "not be registered"},
		{alertDecryptError, true, true, false, CodeClientCertRejected, "private key does not belong"},
		{alertCertificateUnknown, true, true, true, CodeClientCertExpired, "new certificate"},
		{alertBadCertificate, false, true, false, CodeClientCertMissing, "--p12"},
		{alertHandshakeFailure, false, false, false, CodeTLSProtocol, "common ground"},
		{alertUnrecognizedName, true, true, false, CodeTLSProtocol, "--server-name"},
		{alertInsufficientSec, false, false, false, CodeTLSProtocol, "TLS 1.2 is the minimum"},
		{80, true, true, false, CodeTLSProtocol, "which alert"}, // internal_error
	}
	for _, tt := range tests {
		name := alertName(tt.alert)
		t.Run(name, func(t *testing.T) {
			err := fmt.Errorf("read: %w", &net.OpError{Op: "remote error", Err: tls.AlertError(tt.alert)})
			a, ok := remoteAlert(err)
			if !ok || a != tt.alert {
				t.Fatalf("remoteAlert = %d, %v", a, ok)
			}
			pr := &prober{o: ProbeOptions{Now: func() time.Time { return testpki.At }}, leaf: p.RPExpired.Cert, outside: tt.outside,
				res: &ProbeResult{ClientCertSent: tt.sent, ClientCertRequested: tt.req}, serverName: "localhost"}
			e := pr.alertError(a, err, true)
			if e.Error() != e.Message || e.Code != tt.code || e.Alert != name || !strings.Contains(e.Hint, tt.hint) || !errors.Is(e, err) {
				t.Errorf("%s (alert %s): %s / %s; want %s, hint with %q", e.Code, e.Alert, e.Message, e.Hint, tt.code, tt.hint)
			}
		})
	}
	if _, ok := remoteAlert(errors.New("tls: bad certificate")); ok {
		t.Error("an alert found in a plain error")
	}
	if n := alertName(200); n != "alert(200)" {
		t.Errorf("alertName(200) = %q", n)
	}
}
