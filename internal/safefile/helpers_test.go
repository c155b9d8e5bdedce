package safefile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// jargon is parser or library wording no message of this package may show.
var jargon = []string{"asn1", "x509:", "crypto/", "structure error", "open ", "lstat "}

func checkPlainMessage(t *testing.T, err error) {
	t.Helper()
	msg := strings.ToLower(err.Error())
	for _, j := range jargon {
		if strings.Contains(msg, j) {
			t.Errorf("error message %q contains jargon %q", err, j)
		}
	}
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

// noTempFiles fails when a WriteFile temporary file is left in dir.
func noTempFiles(t testing.TB, dir string) {
	t.Helper()
	left, err := filepath.Glob(filepath.Join(dir, TempGlob))
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}
