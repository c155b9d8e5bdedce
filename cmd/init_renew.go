package cmd

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/caronboard/caronboard/pkg/keystore"
)

// initRenewDays is how close to expiry a re-run of init offers the renewal.
const initRenewDays = 60

// offerRenewal asks, when the folder's certificate has fewer than
// initRenewDays days left (or has expired), whether to start its renewal,
// and runs 'caronboard renew' beside the current files. It reports whether
// it ran.
func (g *guide) offerRenewal() (bool, error) {
	f := g.files
	if !f.has(f.Cert) {
		return false, nil
	}
	certs, err := keystore.ReadCertificates(f.Cert)
	if err != nil || len(certs) == 0 {
		return false, nil
	}
	left := certs[0].NotAfter.Sub(g.a.Now())
	if left >= initRenewDays*24*time.Hour {
		return false, nil
	}
	year := certs[0].NotAfter.UTC().Format("2006")
	stem := strings.TrimSuffix(f.Cert, filepath.Ext(f.Cert)) + "-" + year
	args := []string{"renew", "--cert", f.Cert, "--key", f.Key, "--new-key", stem + ".key", "--out", stem + ".csr",
		"--env", g.state.Env}
	if f.Zip != "" {
		args = append(args, "--zip")
	}
	what := fmt.Sprintf("%s has %d days left", filepath.Base(f.Cert), int(left/(24*time.Hour)))
	if left < 0 {
		what = filepath.Base(f.Cert) + " has expired"
	}
	ok, err := g.ask.Confirm(Question{Title: what + ": start the renewal now?",
		Help: "Runs: caronboard " + shellWords(args) + " (a new key and CSR beside the current files)"}, true)
	if err != nil || !ok || exists(stem+".key") {
		return false, err
	}
	pass, err := g.ask.Secret(Question{Title: "Passphrase for the new key " + stem + ".key", Validate: nonEmpty})
	if err != nil {
		return false, err
	}
	return true, g.sub("Start the renewal", args, map[string]string{envPassphrase: pass}, "the new key's, handed over in "+envPassphrase)
}
