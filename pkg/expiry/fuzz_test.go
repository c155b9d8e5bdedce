package expiry

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzScanData feeds any bytes to the scanner as a certificate file or
// keystore: it must never panic, and every entry it reports must render in
// all formats.
func FuzzScanData(f *testing.F) {
	for _, name := range []string{"pki/rp.pem", "pki/freja-root.pem", "pki/rp-bundle.zip", "jws/signer.der"} {
		if data, err := os.ReadFile(filepath.Join("..", "..", "testdata", name)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
	f.Add([]byte{0x30, 0x82, 0x01, 0x00})
	f.Add([]byte{0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 'a'}) // a JKS header: keystore.OpenStore's Java path
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &Scanner{At: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), Warn: 30 * 24 * time.Hour, Passphrase: []byte("x")}
		s.AddData("fuzz.pem", data)
		r := s.Report()
		var b bytes.Buffer
		if err := WriteText(&b, r); err != nil {
			t.Fatal(err)
		}
		if err := WritePrometheus(&b, r); err != nil {
			t.Fatal(err)
		}
	})
}
