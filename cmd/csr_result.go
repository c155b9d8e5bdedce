package cmd

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/caronboard/caronboard/pkg/csr"
)

// csrResult is what `caronboard csr` reports, in text and JSON.
type csrResult struct {
	Profile   string    `json:"profile"`
	Subject   string    `json:"subject"`
	CSR       string    `json:"csr"`
	Zip       string    `json:"zip,omitempty"`
	Key       keyReport `json:"key"`
	NewKey    bool      `json:"new_key"`
	NextSteps []string  `json:"next_steps"`
}

func newCSRResult(o *CSROptions, subj csr.Subject, key keyReport) *csrResult {
	r := &csrResult{Profile: string(o.profile), Subject: subj.String(), CSR: o.Out, Key: key, NewKey: o.NewKey != ""}
	if o.Zip {
		r.Zip = o.Out + ".zip"
	}
	if o.sandbox {
		r.NextSteps = sandboxNextSteps(o.profile, r)
	} else {
		r.NextSteps = nextSteps(o.profile, r)
	}
	return r
}

func (r *csrResult) print(a *App) {
	if r.NewKey {
		a.Infof("Wrote %s (RSA %d bits, %s)\n", r.Key.File, r.Key.Bits, r.Key.Format)
	}
	a.Infof("Wrote %s (certificate signing request, profile %s)\n", r.CSR, r.Profile)
	if r.Zip != "" {
		a.Infof("Wrote %s (the CSR, zipped)\n", r.Zip)
	}
	a.Infof("\nSubject:            %s\n", r.Subject)
	a.Infof("Key:                RSA %d bits (%s)\n", r.Key.Bits, r.Key.File)
	a.Infof("Public key SHA-256: %s\n", r.Key.PublicKeySHA256)
	if a.noNextSteps {
		return
	}
	a.Infof("\nNext steps:\n")
	for i, s := range r.NextSteps {
		a.Infof("  %d. %s\n", i+1, s)
	}
}

// nextSteps is what the source documents ask the integrator to do once the
// CSR exists.
func nextSteps(p csr.Profile, r *csrResult) []string {
	if p == csr.CAR {
		return []string{
			fmt.Sprintf("Send %s to E-fakturabolaget, preferably through the secure file-sending service https://send.e-faktura.com; send the link it makes to the CAR certificate manager yourself (it is not sent automatically).", r.CSR),
			"Have the public IP addresses your systems connect from ready: the CAR API accepts only allow-listed addresses; give them to the CAR certificate manager with the request.",
			"For production (api), the CAR certificate manager verifies the certificate with you by phone: be ready to read out the public key SHA-256 fingerprint above (not needed for ci and stage).",
			fmt.Sprintf("Keep %s secret and backed up; it never leaves your systems. You will receive client.cer and ca.cer through send.e-faktura.com.", r.Key.File),
		}
	}
	mail := "Zip the CSR"
	if r.Zip != "" {
		mail = "Mail " + r.Zip
	} else {
		mail += fmt.Sprintf(" (caronboard csr … --zip, or zip %s.zip %s) and mail it", r.CSR, r.CSR)
	}
	return []string{
		mail + " to Freja eID partner support: partnersupport@frejaeid.com.",
		"Freja eID support replies with a ZIP holding your certificate and the Freja eID CA certificates (root, issuing CA and the chain .pem).",
		fmt.Sprintf("Keep %s secret and backed up; you need it to build the PKCS#12 keystore from that ZIP.", r.Key.File),
	}
}

// sandboxNextSteps is what to do with a CSR for the sandbox, where
// 'caronboard sandbox sign' plays the CA: no mail, no real support address.
func sandboxNextSteps(p csr.Profile, r *csrResult) []string {
	cert := strings.TrimSuffix(r.CSR, filepath.Ext(r.CSR)) + ".cer"
	return []string{
		fmt.Sprintf("The sandbox plays the CA: caronboard sandbox sign --csr %s --profile %s --out %s (once after caronboard sandbox init).", r.CSR, p, cert),
		fmt.Sprintf("Start the sandbox API (caronboard sandbox serve) and test the certificate: caronboard ping --env sandbox --cert %s --key %s", cert, r.Key.File),
		fmt.Sprintf("Sandbox certificates are for rehearsal only; for the real CA make the CSR again without --env sandbox (keep %s secret all the same).", r.Key.File),
	}
}
