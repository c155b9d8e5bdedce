package cmd

import (
	"bytes"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	jks "github.com/pavlo-v-chernykh/keystore-go/v4"
)

// TestKeyEntryPassphraseHint: a Java key entry with a passphrase of its own,
// opened with the right store passphrase, is refused with a hint that names
// --key-passphrase-file, not one telling to check --passphrase-file (which
// was right); with --key-passphrase-file it opens.
func TestKeyEntryPassphraseHint(t *testing.T) {
	sb := newSandbox(t)
	key := readTestKey(t, "keys/rsa2048-pkcs8.pem")
	cert, _ := signFrejaClient(t, sb, key, hostileNow)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	ks := jks.New()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	chain := []jks.Certificate{{Type: "X.509", Content: cert.Raw}, {Type: "X.509", Content: sb.CA.Raw}}
	if err := ks.SetPrivateKeyEntry("rp", jks.PrivateKeyEntry{CreationTime: at, PrivateKey: der, CertificateChain: chain}, []byte("key-pass-22")); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ks.Store(&buf, []byte("store-pass-1")); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "rp.jks")
	storePass, keyPass := filepath.Join(dir, "store.txt"), filepath.Join(dir, "key.txt")
	for p, b := range map[string][]byte{file: buf.Bytes(), storePass: []byte("store-pass-1\n"), keyPass: []byte("key-pass-22\n")} {
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := runCLI(nil, nil, "pkcs12", "inspect", file, "--passphrase-file", storePass, "-o", "json")
	if r.exit != exitFailed || checkJSONFailure(t, r, nil) != "wrong_passphrase" {
		t.Fatalf("want wrong_passphrase\n%s", r)
	}
	if !strings.Contains(r.stdout, `"hint": "give the key entry's passphrase with --key-passphrase-file`) {
		t.Errorf("the hint must name --key-passphrase-file\n%s", r)
	}
	if r := runCLI(nil, nil, "pkcs12", "inspect", file, "--passphrase-file", storePass, "--key-passphrase-file", keyPass, "-o", "json"); r.exit != exitOK {
		t.Errorf("with --key-passphrase-file\n%s", r)
	}
}
