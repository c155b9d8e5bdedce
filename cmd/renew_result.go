package cmd

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/expiry"
)

// renewCurrent describes the certificate being renewed.
type renewCurrent struct {
	File            string `json:"file"`
	Subject         string `json:"subject"`
	NotAfter        string `json:"not_after"`
	DaysLeft        int    `json:"days_left"`
	State           string `json:"state"`
	PublicKeySHA256 string `json:"public_key_sha256"`
}

// renewResult is what `caronboard renew` reports, in text and JSON.
type renewResult struct {
	Profile          string       `json:"profile"`
	Current          renewCurrent `json:"current"`
	Subject          string       `json:"subject"`
	SubjectUnchanged bool         `json:"subject_unchanged"`
	Overridden       []string     `json:"overridden,omitempty"`
	Dropped          []string     `json:"dropped,omitempty"`
	CSR              string       `json:"csr"`
	Zip              string       `json:"zip,omitempty"`
	Key              keyReport    `json:"key"`
	NewCert          string       `json:"new_cert"`
	NewP12           string       `json:"new_p12"`
	NextSteps        []string     `json:"next_steps"`
}

func newRenewResult(o *RenewOptions, cur *x509.Certificate, ren *csr.Renewal, subj csr.Subject, key keyReport) *renewResult {
	st, days := expiry.Judge(cur.NotBefore, cur.NotAfter, o.at, 30*24*time.Hour)
	fp, _ := csr.PublicKeyFingerprint(cur.PublicKey)
	file := o.Cert
	if file == "" {
		file = o.P12
	}
	r := &renewResult{Profile: string(ren.Profile), Subject: subj.String(), Dropped: ren.Dropped, CSR: o.Out, Key: key,
		Current: renewCurrent{File: file, Subject: csr.FormatName(cur.RawSubject), NotAfter: cur.NotAfter.UTC().Format(time.RFC3339),
			DaysLeft: days, State: string(st), PublicKeySHA256: fp}}
	if der, err := subj.Marshal(); err == nil {
		r.SubjectUnchanged = bytes.Equal(der, cur.RawSubject)
	}
	for name := range o.overrides {
		r.Overridden = append(r.Overridden, renewOverrideFlags[name])
	}
	if o.Zip {
		r.Zip = o.Out + ".zip"
	}
	base := strings.TrimSuffix(o.Out, filepath.Ext(o.Out))
	r.NewCert, r.NewP12 = beside(base, ".cer", o), beside(base, ".p12", o)
	r.NextSteps = renewSteps(o, r)
	return r
}

// beside names a new file next to the CSR, never one of the current files.
func beside(base, ext string, o *RenewOptions) string {
	p := base + ext
	for _, cur := range []string{o.Cert, o.P12, o.Key} {
		if cur != "" && samePath(p, cur) {
			return base + "-new" + ext
		}
	}
	return p
}

func (r *renewResult) print(a *App) {
	a.Infof("Wrote %s (new RSA %d-bit key, %s)\n", r.Key.File, r.Key.Bits, r.Key.Format)
	a.Infof("Wrote %s (renewal CSR, profile %s)\n", r.CSR, r.Profile)
	if r.Zip != "" {
		a.Infof("Wrote %s (the CSR, zipped)\n", r.Zip)
	}
	a.Infof("\nCurrent certificate: %s\n", r.Current.File)
	a.Infof("  valid until %s: %s\n", r.Current.NotAfter, daysLeftText(r.Current.DaysLeft))
	a.Infof("Stays:   subject %s", r.Subject)
	if r.SubjectUnchanged {
		a.Infof(" (byte for byte the current certificate's)\n")
	} else {
		a.Infof("\n         (the current certificate has %s)\n", r.Current.Subject)
	}
	if len(r.Overridden) > 0 {
		a.Infof("Changes: %s, as you asked\n", strings.Join(r.Overridden, ", "))
	}
	for _, d := range r.Dropped {
		a.Infof("Dropped: %s (the %s profile does not use it)\n", d, r.Profile)
	}
	a.Infof("Changes: the key: public key SHA-256 %s\n", r.Key.PublicKeySHA256)
	a.Infof("         (was %s)\n", r.Current.PublicKeySHA256)
	a.Infof("\nNext steps:\n")
	for i, s := range r.NextSteps {
		a.Infof("  %d. %s\n", i+1, s)
	}
}

// daysLeftText is "45 days left" or "expired 3 days ago".
func daysLeftText(d int) string {
	switch {
	case d < 0:
		return fmt.Sprintf("expired %d days ago: renew now, the old certificate no longer works", -d)
	case d == 1:
		return "1 day left"
	}
	return fmt.Sprintf("%d days left", d)
}

// renewSteps are the profile's renewal steps with the exact commands for the
// new files.
func renewSteps(o *RenewOptions, r *renewResult) []string {
	env := o.Env
	if env == "" {
		env = "api"
		if o.profile == csr.Freja {
			env = "freja-prod"
		}
	}
	old := r.Current.File
	var steps []string
	var ca, build string
	if o.profile == csr.CAR {
		steps = append(steps,
			fmt.Sprintf("Send %s to E-fakturabolaget through the secure file-sending service https://send.e-faktura.com and send its link to the CAR certificate manager; say it is a renewal of %s.", r.CSR, old),
			"For production (api) the certificate manager verifies the new key with you by phone: read out the new public key SHA-256 above.")
		ca = "ca.cer"
		build = fmt.Sprintf("caronboard pkcs12 --out %s --cert %s --key %s --ca %s", r.NewP12, r.NewCert, r.Key.File, ca)
	} else {
		mail := "Mail " + r.Zip
		if r.Zip == "" {
			mail = fmt.Sprintf("Zip %s (or run renew with --zip) and mail it", r.CSR)
		}
		steps = append(steps, mail+" to Freja eID partner support (partnersupport@frejaeid.com); say it renews "+old+".")
		ca = "chain.pem"
		build = fmt.Sprintf("caronboard pkcs12 --out %s --bundle freja.zip --key %s", r.NewP12, r.Key.File)
	}
	steps = append(steps,
		fmt.Sprintf("%s keeps working until you install the new certificate: change nothing yet.", old),
		fmt.Sprintf("Save the new certificate as %s beside the old files (never over %s) and check it: caronboard cert verify --cert %s --key %s --ca %s --profile %s", r.NewCert, old, r.NewCert, r.Key.File, ca, o.profile),
		"Build the new keystore: "+build,
		fmt.Sprintf("Prove it works before cutting over: caronboard ping --env %s --p12 %s", env, r.NewP12),
		fmt.Sprintf("Try it from your runtime: caronboard client java --env %s --p12 %s --out %s", env, r.NewP12, strings.TrimSuffix(r.NewP12, ".p12")+"-client"),
		fmt.Sprintf("Cut over: point your application at %s (and %s), restart it, run the ping again; keep %s until it expires, then remove it. 'caronboard expiry' watches both.", r.NewP12, r.Key.File, old),
	)
	return steps
}
