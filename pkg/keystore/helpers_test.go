package keystore

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const fixtureDir = "../../testdata/keys"

// fixture returns the content of testdata/keys/name.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	return b
}

// fixturePassphrase is the passphrase of the encrypted fixtures: the first
// line of passphrase.txt, without its newline.
func fixturePassphrase(t testing.TB) []byte {
	t.Helper()
	return bytes.TrimSuffix(fixture(t, "passphrase.txt"), []byte("\n"))
}

// staticPass returns a PassphraseFunc for pw that counts its calls.
func staticPass(pw []byte, calls *int) PassphraseFunc {
	return func() ([]byte, error) {
		if calls != nil {
			*calls++
		}
		return pw, nil
	}
}

// referenceKey is the unencrypted PKCS#1 fixture of the given size, parsed by
// crypto/x509 directly: what every other form of that key must equal.
func referenceKey(t testing.TB, bits int) *rsa.PrivateKey {
	t.Helper()
	block, _ := pem.Decode(fixture(t, "rsa"+itoa(bits)+"-pkcs1.pem"))
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func itoa(n int) string { return strconv.Itoa(n) }

// pemBody returns the DER bytes of the first PEM block in data.
func pemBody(t testing.TB, data []byte) []byte {
	t.Helper()
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("no PEM block in fixture")
	}
	return block.Bytes
}

// selfSigned makes a certificate for key, as PEM and DER.
func selfSigned(t testing.TB, key *rsa.PrivateKey) (pemData, der []byte) {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "keystore test"},
		NotBefore:    time.Unix(0, 0),
		NotAfter:     time.Unix(1<<33, 0),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), der
}

// csrFor makes a certificate request for key, as PEM.
func csrFor(t testing.TB, key *rsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "keystore test"},
	}, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

// crlf converts line endings to CRLF and adds a UTF-8 byte order mark.
func bomCRLF(data []byte) []byte {
	crlf := bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
	return append([]byte{0xEF, 0xBB, 0xBF}, crlf...)
}

// utf16LE encodes ASCII text as UTF-16LE with a byte order mark.
func utf16LE(data []byte) []byte {
	out := []byte{0xFF, 0xFE}
	for _, c := range data {
		out = append(out, c, 0)
	}
	return out
}

// requireOpenSSL returns the path of the openssl binary. Without one the
// test fails in CI (env CI set) and is skipped elsewhere.
func requireOpenSSL(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("openssl is not installed; CI must install it for the interop tests")
		}
		t.Skip("openssl is not installed; skipping the interop test (install openssl to run it)")
	}
	return path
}

// openssl runs the openssl binary and returns its combined output.
func openssl(t testing.TB, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(requireOpenSSL(t), args...).CombinedOutput()
	return string(out), err
}

// mustOpenSSL is openssl that fails the test on error.
func mustOpenSSL(t testing.TB, args ...string) string {
	t.Helper()
	out, err := openssl(t, args...)
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// writeTestFile writes data to name in dir and returns the path.
func writeTestFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
