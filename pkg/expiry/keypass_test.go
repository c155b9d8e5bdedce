package expiry

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	jks "github.com/pavlo-v-chernykh/keystore-go/v4"
)

// TestScanJKSKeyEntryPassphrase: a Java key entry with a passphrase of its
// own (keytool -keypass) is a read error that says what to do with the
// commands that exist, not "give it with --key-passphrase-file", a flag
// expiry does not have.
func TestScanJKSKeyEntryPassphrase(t *testing.T) {
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	cert := newSelfSigned(t, "app", 1, at, at.AddDate(1, 0, 0))
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	ks := jks.New()
	if err := ks.SetPrivateKeyEntry("app", jks.PrivateKeyEntry{CreationTime: at, PrivateKey: der,
		CertificateChain: []jks.Certificate{{Type: "X.509", Content: cert.Raw}}}, []byte("key-pass-22")); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ks.Store(&buf, []byte("store-pass-1")); err != nil {
		t.Fatal(err)
	}
	s := &Scanner{At: at, Warn: 30 * 24 * time.Hour, Passphrase: []byte("store-pass-1")}
	s.AddData("app.jks", buf.Bytes())
	rep := s.Report()
	if len(rep.Errors) != 1 {
		t.Fatalf("want one read error, got %+v", rep)
	}
	msg := rep.Errors[0].Message
	if strings.Contains(msg, "give it with --key-passphrase-file") || !strings.Contains(msg, "pkcs12 inspect app.jks --passphrase-file FILE --key-passphrase-file FILE") {
		t.Errorf("message %q", msg)
	}
}
