package checklist

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"path/filepath"
	"testing"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// TestRenewalStep: a folder with the current CAR certificate, its key and
// the CA, then a renewal CSR for another key, then the certificate issued
// for it.
func TestRenewalStep(t *testing.T) {
	p := testPKI(t)
	base := map[string][]byte{
		"client.cer": read(t, filepath.Join(pkiDir, "car-bank.pem")),
		"client.key": read(t, filepath.Join(pkiDir, "car-bank.key.pem")),
		"ca.cer":     read(t, filepath.Join(pkiDir, "car-ca.pem")),
	}
	due := p.CARBank.Cert.NotAfter.Add(-20 * 24 * time.Hour) // 20 days left
	eval := func(files map[string][]byte, at time.Time) *Report {
		return Evaluate(Input{Profile: csr.CAR, Env: Env{Name: "stage"}, Folder: scanned(t, files), Now: at})
	}

	if st, _ := stateOf(eval(base, now), StepRenewal); st != "" {
		t.Errorf("a certificate with years left has no renewal step, got %s", st)
	}
	if st, d := stateOf(eval(base, due), StepRenewal); st != Warn {
		t.Errorf("20 days left and no renewal: %s %s", st, d)
	}

	// The renewal CSR (another key, the same subject) starts the renewal;
	// the onboarding steps are still judged on the current certificate.
	started := map[string][]byte{"client-2100.csr": fixtureCSR(t, csr.CAR)}
	for k, v := range base {
		started[k] = v
	}
	r := eval(started, due)
	if st, d := stateOf(r, StepRenewal); st != Open {
		t.Errorf("renewal started: %s %s", st, d)
	}
	if st, d := stateOf(r, StepCertificate); st != Done && st != Warn {
		t.Errorf("the current certificate is still judged: %s %s", st, d)
	}

	// The new certificate, issued by the CA for the new key, passes cert verify: done.
	key, _, err := keystore.ParsePrivateKey(read(t, filepath.Join(keysDir, "rsa4096-pkcs8.pem")), nil)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(4242), RawSubject: p.CARBank.Cert.RawSubject, NotBefore: due.Add(-time.Hour),
		NotAfter: due.AddDate(1, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.CARCA.Cert, &key.PublicKey, p.CARCA.Key)
	if err != nil {
		t.Fatal(err)
	}
	started["client-2100.cer"] = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	r = eval(started, due)
	if st, d := stateOf(r, StepRenewal); st != Done {
		t.Errorf("new certificate in place: %s %s", st, d)
	}
}
