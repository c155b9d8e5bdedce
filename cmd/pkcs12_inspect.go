package cmd

import (
	"crypto"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
	"github.com/caronboard/caronboard/pkg/verify"
)

// maxKeystoreSize bounds the PKCS#12 files we read.
const maxKeystoreSize = 4 << 20

// PKCS12InspectOptions are the inputs of `caronboard pkcs12 inspect`.
type PKCS12InspectOptions struct {
	File           string
	PassphraseFile string
	Profile        string
	At             string

	profile csr.Profile
	at      time.Time
}

// NewPKCS12InspectCmd shows what a PKCS#12 file holds and who can open it.
func NewPKCS12InspectCmd(a *App, runF func(*PKCS12InspectOptions) error) *cobra.Command {
	opts := &PKCS12InspectOptions{}
	c := &cobra.Command{
		Use:   "inspect FILE [--passphrase-file F] [--profile car|freja]",
		Short: "Show what a PKCS#12 file holds, how it is encrypted and who can open it",
		Long: `Read a PKCS#12 file (.p12/.pfx) written by anyone — OpenSSL 3 or 1.1 (with or without
-legacy: AES, 3DES or RC2), Java keytool, Windows, or caronboard — and print the
algorithms it uses (so you can see whether it is AES or legacy, and which consumers
will open it), then its entry: alias, subject, issuer, validity, key type and size,
whether the key belongs to the certificate, and the chain.

The passphrase comes from --passphrase-file, CARONBOARD_PASSPHRASE or a prompt. With
--profile the certificate is checked like 'caronboard cert verify' (key, chain to the
root in the file, validity, clientAuth, key size, subject); --at judges validity at
another time.

Examples:
  caronboard pkcs12 inspect client.p12
  caronboard pkcs12 inspect rp.pfx --profile freja --passphrase-file pass.txt -o json

Exit codes: 0 read (and, with --profile, every check passed), 1 wrong passphrase,
unreadable file or a failed check, 2 usage error.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr("for example: caronboard pkcs12 inspect client.p12", "pkcs12 inspect takes one file, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if opts.Profile != "" {
				p, err := csr.ParseProfile(opts.Profile)
				if err != nil {
					return usageErr("use --profile car or --profile freja", "unknown profile %q", opts.Profile)
				}
				opts.profile = p
			}
			at, err := parseAt(opts.At, a.Now)
			if err != nil {
				return err
			}
			opts.at = at
			if runF != nil {
				return runF(opts)
			}
			return pkcs12InspectRun(a, opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.PassphraseFile, "passphrase-file", "", "the keystore's passphrase (- for stdin)")
	f.StringVar(&opts.Profile, "profile", "", "check the certificate against this profile: car or freja")
	f.StringVar(&opts.At, "at", "", "with --profile: judge validity at this time (RFC 3339)")
	registerProfileCompletion(c)
	return c
}

// p12InspectResult is what `caronboard pkcs12 inspect` reports.
type p12InspectResult struct {
	File           string           `json:"file"`
	Encryption     keystore.P12Info `json:"encryption"`
	Alias          string           `json:"alias"`
	Subject        string           `json:"subject"`
	Issuer         string           `json:"issuer"`
	NotBefore      time.Time        `json:"not_before"`
	NotAfter       time.Time        `json:"not_after"`
	KeyAlgorithm   string           `json:"key_algorithm"`
	KeyBits        int              `json:"key_bits"`
	KeyMatchesLeaf bool             `json:"key_matches_certificate"`
	Chain          []string         `json:"chain"`
	Checks         []verify.Check   `json:"checks,omitempty"`
}

func pkcs12InspectRun(a *App, opts *PKCS12InspectOptions) error {
	data, err := keystore.ReadFile(opts.File, maxKeystoreSize)
	if err != nil {
		return err
	}
	info, err := keystore.InspectPKCS12(data)
	if err != nil {
		return fmt.Errorf("%s: %w", opts.File, err)
	}
	pass, err := a.readSecret(secretSpec{what: "passphrase of " + opts.File, file: opts.PassphraseFile, fileFlag: "--passphrase-file", envVar: envPassphrase})
	if err != nil {
		return err
	}
	p12, err := keystore.DecodePKCS12(data, string(pass))
	if err != nil {
		return fmt.Errorf("%s: %w", opts.File, err)
	}
	res := &p12InspectResult{File: opts.File, Encryption: info, Alias: p12.FriendlyName, KeyMatchesLeaf: p12.KeyMatchesLeaf,
		Subject: csr.FormatName(p12.Leaf.RawSubject), Issuer: csr.FormatName(p12.Leaf.RawIssuer),
		NotBefore: p12.Leaf.NotBefore, NotAfter: p12.Leaf.NotAfter}
	res.KeyAlgorithm, res.KeyBits = csr.KeyDescription(p12.Leaf.PublicKey)
	res.Chain = append(res.Chain, res.Subject)
	for _, c := range p12.CACerts {
		res.Chain = append(res.Chain, csr.FormatName(c.RawSubject))
	}
	var rep *verify.Report
	if opts.profile != "" {
		in := verify.CertInput{Leaf: p12.Leaf, Others: p12.CACerts, Profile: opts.profile, At: opts.at}
		if signer, ok := p12.Key.(interface{ Public() crypto.PublicKey }); ok {
			in.Key = signer.Public()
		}
		rep = verify.CheckCertificate(in)
		res.Checks = rep.Checks
	}
	a.SetResult(res)
	res.print(a)
	if !p12.KeyMatchesLeaf {
		return &Error{Code: "key_mismatch", Exit: exitFailed, Message: opts.File + ": the key in the file does not belong to its certificate",
			Hint: "rebuild the keystore with 'caronboard pkcs12', which refuses such a pair"}
	}
	if rep != nil {
		return certVerdict(opts.File, rep)
	}
	return nil
}

func (r *p12InspectResult) print(a *App) {
	a.Infof("File:           %s\n", r.File)
	a.Infof("MAC:            %s\n", r.Encryption.MACAlgorithm)
	a.Infof("Certificates:   %s\n", r.Encryption.CertEncryption)
	a.Infof("Key:            %s\n", r.Encryption.KeyEncryption)
	a.Infof("Opens in:       %s\n\n", r.Encryption.Consumers)
	alias := r.Alias
	if alias == "" {
		alias = "(none: keytool shows \"1\")"
	}
	a.Infof("Alias:          %s\n", alias)
	a.Infof("Subject:        %s\n", r.Subject)
	a.Infof("Issuer:         %s\n", r.Issuer)
	a.Infof("Valid:          %s to %s\n", r.NotBefore.UTC().Format(time.RFC3339), r.NotAfter.UTC().Format(time.RFC3339))
	match := "belongs to the certificate"
	if !r.KeyMatchesLeaf {
		match = "DOES NOT belong to the certificate"
	}
	a.Infof("Private key:    %s %d bits, %s\n", r.KeyAlgorithm, r.KeyBits, match)
	a.printNumbered("Chain:", 15, r.Chain)
	if len(r.Checks) > 0 {
		a.Infof("\n")
		for _, c := range r.Checks {
			a.Infof("  %-4s  %-19s %s\n", c.Status, c.ID, c.Message)
		}
	}
}
