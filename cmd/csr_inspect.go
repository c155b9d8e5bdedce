package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// CSRInspectOptions are the inputs of `caronboard csr inspect`.
type CSRInspectOptions struct {
	File    string
	Profile string
}

// NewCSRInspectCmd lints a CSR made by anyone against a profile.
func NewCSRInspectCmd(a *App, runF func(context.Context, *CSRInspectOptions) error) *cobra.Command {
	opts := &CSRInspectOptions{}
	c := &cobra.Command{
		Use:   "inspect FILE [--profile car|freja]",
		Short: "Check a CSR made by anyone (e.g. openssl) against a profile's rules",
		Long: `Read a certificate signing request (PEM or DER), check its signature, print its
subject in order (organizationIdentifier by name), key type and size and the SHA-256
fingerprint of its public key, and check it against the profile's rules: the fields
and their order, forbidden characters, the organisationsnummer check digit, the key
size, the signature algorithm and the string types the CA expects.

Without --profile the profile is recognised from the subject (O=E-fakturabolaget is
car, an organizationIdentifier is freja).

Examples:
  caronboard csr inspect rp.csr --profile freja
  caronboard csr inspect client.csr -o json

Exit codes: 0 the CSR passes, 1 it has problems or cannot be read, 2 usage error.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr("for example: caronboard csr inspect client.csr", "csr inspect takes one file, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if opts.Profile != "" {
				if _, err := csr.ParseProfile(opts.Profile); err != nil {
					return usageErr("use --profile car or --profile freja", "unknown profile %q", opts.Profile)
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return csrInspectRun(a, opts)
		},
	}
	c.Flags().StringVar(&opts.Profile, "profile", "", "check against this profile: car or freja (default: recognised from the subject)")
	markConfigurable(c.Flags(), "profile")
	registerProfileCompletion(c)
	return c
}

// inspectResult is what `caronboard csr inspect` reports.
type inspectResult struct {
	File               string        `json:"file"`
	Subject            string        `json:"subject"`
	KeyAlgorithm       string        `json:"key_algorithm"`
	KeyBits            int           `json:"key_bits"`
	SignatureAlgorithm string        `json:"signature_algorithm"`
	SignatureValid     bool          `json:"signature_valid"`
	PublicKeySHA256    string        `json:"public_key_sha256"`
	Profile            string        `json:"profile,omitempty"`
	ProfileDetected    bool          `json:"profile_detected,omitempty"`
	Findings           []csr.Finding `json:"findings"`
}

func csrInspectRun(a *App, opts *CSRInspectOptions) error {
	data, err := safefile.ReadFile(opts.File, keystore.MaxInputSize)
	if err != nil {
		return fmt.Errorf("reading the CSR: %w", err)
	}
	req, err := csr.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", opts.File, err)
	}
	res := &inspectResult{File: opts.File, Subject: csr.FormatName(req.RawSubject), SignatureAlgorithm: req.SignatureAlgorithm.String(), SignatureValid: true, Findings: []csr.Finding{}}
	res.KeyAlgorithm, res.KeyBits = csr.KeyDescription(req.PublicKey)
	res.PublicKeySHA256, _ = csr.PublicKeyFingerprint(req.PublicKey)
	p, detected := csr.Profile(opts.Profile), false
	if p == "" {
		p, detected = csr.DetectProfile(req)
	} else {
		p, _ = csr.ParseProfile(opts.Profile)
	}
	if p != "" {
		res.Profile, res.ProfileDetected = string(p), detected
		if f := csr.Lint(req, p); f != nil {
			res.Findings = f
		}
	}
	a.SetResult(res)
	res.print(a)
	if p == "" {
		a.Warn("no profile given and none recognised from the subject: only the signature was checked; pass --profile car or --profile freja")
	}
	return res.verdict()
}

func (r *inspectResult) print(a *App) {
	a.Infof("File:               %s\n", r.File)
	a.Infof("Subject:            %s\n", r.Subject)
	a.Infof("Key:                %s %d bits\n", r.KeyAlgorithm, r.KeyBits)
	a.Infof("Signature:          %s, valid\n", r.SignatureAlgorithm)
	a.Infof("Public key SHA-256: %s\n", r.PublicKeySHA256)
	if r.Profile == "" {
		return
	}
	how := ""
	if r.ProfileDetected {
		how = " (recognised from the subject)"
	}
	a.Infof("Profile:            %s%s\n", r.Profile, how)
	if len(r.Findings) == 0 {
		a.Infof("Result:             passes every %s rule\n", r.Profile)
		return
	}
	a.Infof("Findings:\n")
	for _, f := range r.Findings {
		a.Infof("  %-7s %s\n", f.Severity, findingText(f))
	}
}

func findingText(f csr.Finding) string {
	s := f.Message
	if f.Field != "" {
		s = f.Field + ": " + s
	}
	if f.Hint != "" {
		s += " (hint: " + f.Hint + ")"
	}
	return s
}

// verdict fails the command when any finding is an error.
func (r *inspectResult) verdict() error {
	var details []Detail
	for _, f := range r.Findings {
		if f.Severity == csr.SeverityError {
			details = append(details, Detail{Field: f.Field, Message: f.Message, Hint: f.Hint})
		}
	}
	if len(details) == 0 {
		return nil
	}
	msg := fmt.Sprintf("%s does not pass the %s profile: %d problem(s)", r.File, r.Profile, len(details))
	return &Error{Code: codeCSRRejected, Message: msg, Hint: "fix the fields named above and make the CSR again, e.g. with 'caronboard csr'", Details: details}
}
