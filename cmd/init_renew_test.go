package cmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestInitOffersRenewal: init re-run in a folder whose certificate has 30
// days left offers the renewal and runs renew beside the current files.
func TestInitOffersRenewal(t *testing.T) {
	dir := t.TempDir()
	copyTestdata := func(src, dst string, perm os.FileMode) {
		data, err := os.ReadFile(filepath.Join("..", "testdata", src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, dst), data, perm); err != nil {
			t.Fatal(err)
		}
	}
	copyTestdata("pki/car-bank.pem", "client.cer", 0o644)
	copyTestdata("pki/car-ca.pem", "ca.cer", 0o644)
	copyTestdata("pki/car-bank.key.pem", "client.key", 0o600)
	copyTestdata("pki/car-bank.pem", "client.csr", 0o644) // only its presence counts here
	if err := saveInitState(dir, initState{Profile: "car", Env: "stage"}); err != nil {
		t.Fatal(err)
	}
	before := map[string][]byte{}
	for _, f := range []string{"client.cer", "client.key"} {
		before[f], _ = os.ReadFile(filepath.Join(dir, f))
	}
	a, out, errOut := testApp(map[string]string{"NO_COLOR": "1"})
	a.Now = func() time.Time { return time.Date(2099, 12, 1, 0, 0, 0, 0, time.UTC) }
	a.Prompter = newHuhAsker(oneByteReader{strings.NewReader("y\nnew key passphrase\n")}, errOut, true, a.Getenv)
	code := Run(context.Background(), a, []string{"init", "--dir", dir})
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	mustContain(t, "the questions", errOut.String(), "client.cer has 30 days left: start the renewal now?")
	mustContain(t, "stdout", out.String(), "$ caronboard renew --cert "+filepath.Join(dir, "client.cer"), "Stays:   subject C=SE, O=E-fakturabolaget, OU=bank, CN=BANK01")
	for _, f := range []string{"client-2099.key", "client-2099.csr"} {
		if !exists(filepath.Join(dir, f)) {
			t.Errorf("%s was not written", f)
		}
	}
	for f, b := range before {
		if now, _ := os.ReadFile(filepath.Join(dir, f)); string(now) != string(b) {
			t.Errorf("%s changed", f)
		}
	}
	if strings.Contains(out.String()+errOut.String(), "new key passphrase") {
		t.Error("the passphrase was shown")
	}
}
