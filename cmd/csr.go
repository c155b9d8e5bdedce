package cmd

import (
	"context"
	"crypto/rsa"
	"errors"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// CSROptions are the inputs of `caronboard csr`.
type CSROptions struct {
	Profile string
	Out     string
	Key     string
	NewKey  string
	Bits    int
	// Freja
	Org, OrgID, Country, Unit, CommonName string
	// CAR
	OrgCode, Role string

	PassphraseFile string
	NoPassphrase   bool
	Zip            bool
	Force          bool
	// Env only shapes the next steps: under the sandbox, the sandbox plays the CA.
	Env string

	profile csr.Profile
	sandbox bool
	bitsSet bool
}

var (
	frejaFlags = []string{"org", "org-id", "country", "unit", "common-name"}
	carFlags   = []string{"org-code", "role"}
	// subjectFlags names the flag that sets each subject field, so that a
	// refused value from the config file or environment names its source.
	subjectFlags = map[csr.Profile]map[string]string{
		csr.CAR:   {"OU": "role", "CN": "org-code"},
		csr.Freja: {"C": "country", "organizationIdentifier": "org-id", "OU": "unit", "O": "org", "CN": "common-name"},
	}
)

// NewCSRCmd builds a certificate signing request for a profile.
func NewCSRCmd(a *App, runF func(context.Context, *CSROptions) error) *cobra.Command {
	opts := &CSROptions{}
	c := &cobra.Command{
		Use:   "csr --profile car|freja --out FILE (--key FILE | --new-key FILE [--bits N]) [profile flags]",
		Short: "Make a certificate signing request the CAR or Freja CA accepts the first time",
		Long: `Make a PKCS#10 certificate signing request (CSR) whose subject obeys the CA's rules,
checking every field before anything is written.

  --profile freja  C (--country, default SE), organisationIdentifier (--org-id, a Swedish
                   organisationsnummer NNNNNN-NNNN with a valid check digit when C=SE),
                   OU (--unit, optional), O (--org, the legal name), CN (--common-name,
                   optional). O and OU must not contain < > ~ ! @ # $ % ^ * / \ ( ) ? . , &
                   RSA key of 2048 bits or more.
  --profile car    C=SE, O=E-fakturabolaget, OU (--role: bank, ctd or internal), CN
                   (--org-code, your organisation code from the E-faktura rulebook).
                   RSA key of exactly 4096 bits.

The subject is encoded as OpenSSL 3 does for openssl req -new -subj "/C=…/2.5.4.97=…/…",
so for the same key the CSR is byte-identical to OpenSSL's. Every problem is reported
at once, each naming its field, and nothing is written until all are fixed.

--key reads PKCS#1, PKCS#8, encrypted PKCS#8 and legacy encrypted PEM keys; its
passphrase comes from --passphrase-file or CARONBOARD_PASSPHRASE or a prompt;
--no-passphrase says the key has none (never asked; an encrypted key is refused).
--new-key makes a new key first (--bits, default 4096), encrypted with the passphrase
from the same sources (asked twice), or unencrypted with --no-passphrase.
--zip also writes OUT.zip holding the CSR, ready to mail to Freja partner support.
--env sandbox says that the local sandbox plays the CA ('caronboard sandbox sign')
instead of naming the real CA's addresses in the next steps.

Examples:
  caronboard csr --profile freja --new-key rp.key --out rp.csr --zip \
      --org "ACME AB" --org-id 556677-8881 --unit Production --common-name "Document signing service"
  caronboard csr --profile car --key client.key --out client.csr --org-code BANK01 --role bank
  caronboard csr --profile freja --env sandbox --new-key rp.key --out rp.csr --org "ACME AB" --org-id 556677-8881
  caronboard csr inspect rp.csr --profile freja

Exit codes: 0 written, 1 invalid input or failure (nothing written), 2 usage error.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.bitsSet = cmd.Flags().Changed("bits")
			if err := opts.validate(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return csrRun(cmd.Context(), a, opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Profile, "profile", "", "which CA: car or freja (required)")
	f.StringVar(&opts.Out, "out", "", "file to write the CSR to (required)")
	f.StringVar(&opts.Key, "key", "", "existing private key to sign the CSR with")
	f.StringVar(&opts.NewKey, "new-key", "", "generate a new key and write it to this file")
	f.IntVar(&opts.Bits, "bits", 0, "key size for --new-key (default 4096)")
	f.StringVar(&opts.Org, "org", "", "freja: O, the organisation's legal name")
	f.StringVar(&opts.OrgID, "org-id", "", "freja: organisationIdentifier (2.5.4.97), e.g. 556677-8881")
	f.StringVar(&opts.Country, "country", "SE", "freja: C, ISO 3166-1 alpha-2 country code")
	f.StringVar(&opts.Unit, "unit", "", "freja: OU, optional internal qualifier")
	f.StringVar(&opts.CommonName, "common-name", "", "freja: CN, optional function qualifier")
	f.StringVar(&opts.OrgCode, "org-code", "", "car: CN, your organisation code from the E-faktura rulebook")
	f.StringVar(&opts.Role, "role", "", "car: OU, your role: bank, ctd or internal")
	f.StringVar(&opts.PassphraseFile, "passphrase-file", "", "passphrase of --key, or the new passphrase for --new-key (- for stdin)")
	f.BoolVar(&opts.NoPassphrase, "no-passphrase", false, "with --new-key: write the key unencrypted; with --key: the key has none, do not ask")
	f.BoolVar(&opts.Zip, "zip", false, "also write OUT.zip holding the CSR")
	f.BoolVar(&opts.Force, "force", false, "replace existing output files (atomically)")
	f.StringVar(&opts.Env, "env", "", "environment the certificate is for; with sandbox the next steps use 'caronboard sandbox sign'")
	markConfigurable(f, "profile", "bits", "org", "org-id", "country", "unit", "common-name", "org-code", "role")
	registerProfileCompletion(c)
	registerRoleCompletion(c)
	c.AddCommand(NewCSRInspectCmd(a, nil))
	return c
}

func (o *CSROptions) validate(cmd *cobra.Command) error {
	if o.Profile == "" {
		return usageErr("add --profile car or --profile freja", "--profile is required")
	}
	p, err := csr.ParseProfile(o.Profile)
	if err != nil {
		return usageErr("use --profile car or --profile freja", "unknown profile %q", o.Profile)
	}
	o.profile = p
	if o.Out == "" {
		return usageErr("for example: --out client.csr", "--out is required")
	}
	if (o.Key == "") == (o.NewKey == "") {
		return usageErr("sign with an existing key (--key FILE) or make one (--new-key FILE)", "give exactly one of --key and --new-key")
	}
	if o.bitsSet && o.NewKey == "" {
		return usageErr("--bits sizes a new key: use it with --new-key", "--bits needs --new-key")
	}
	if o.NoPassphrase && o.PassphraseFile != "" {
		return usageErr("--no-passphrase says there is no passphrase: drop one of them", "--passphrase-file and --no-passphrase cannot be used together")
	}
	if o.Out == o.NewKey || o.Out == o.Key || (o.Zip && o.Out+".zip" == o.NewKey) {
		return usageErr("write the CSR and the key to different files", "--out must not name the key file")
	}
	other := carFlags // flags of the profile not chosen
	if p == csr.CAR {
		other = frejaFlags
	}
	for _, name := range other {
		if cmd.Flags().Changed(name) {
			return usageErr("the "+string(p)+" profile does not use it; see 'caronboard csr --help'", "--%s is not a %s flag", name, p)
		}
	}
	return nil
}

// csrOutputs are the files one csr run may write.
func (o *CSROptions) outputs() []string {
	out := []string{o.Out}
	if o.Zip {
		out = append(out, o.Out+".zip")
	}
	if o.NewKey != "" {
		out = append(out, o.NewKey)
	}
	return out
}

func csrRun(ctx context.Context, a *App, opts *CSROptions) error {
	if opts.Env != "" {
		e, err := a.environment(opts.Env)
		if err != nil {
			return err
		}
		opts.sandbox = e.CA == "sandbox"
	}
	subj, err := opts.subject()
	if err != nil {
		return a.blameFields(err, subjectFlags[opts.profile])
	}
	rep, err := writeCSRFiles(ctx, a, opts, subj)
	if err != nil {
		return err
	}
	res := newCSRResult(opts, subj, rep)
	a.SetResult(res)
	res.print(a)
	return nil
}

// writeCSRFiles loads --key or makes --new-key, signs a CSR with subj and
// writes the new key, the CSR and its zip; on failure it removes what it
// created. csr and renew share it, so both make the same bytes.
func writeCSRFiles(ctx context.Context, a *App, opts *CSROptions, subj csr.Subject) (keyReport, error) {
	for _, path := range opts.outputs() {
		if err := safefile.CheckWritable(path, opts.Force); err != nil {
			return keyReport{}, err
		}
	}
	key, rep, newPass, err := opts.signingKey(ctx, a)
	if err != nil {
		if errors.Is(err, csr.ErrKeyPolicy) && opts.NewKey != "" {
			return rep, a.blameSource(err, "bits") // e.g. bits: 2048 in the config file, for CAR
		}
		return rep, err
	}
	der, err := csr.Create(nil, key, subj)
	if err != nil {
		return rep, err
	}
	w := fileBatch{ctx: ctx, app: a}
	if opts.NewKey != "" {
		existed := exists(opts.NewKey)
		if rep, err = a.writeKey(ctx, opts.NewKey, key, newPass, opts.Force); err != nil {
			return rep, err
		}
		w.created(opts.NewKey, existed)
	}
	if err := w.write(opts.Out, csr.EncodePEM(der), 0o644, opts.Force); err != nil {
		return rep, w.undo(err)
	}
	if opts.Zip {
		z, err := zipOne(filepath.Base(opts.Out), csr.EncodePEM(der), a.Now())
		if err == nil {
			err = w.write(opts.Out+".zip", z, 0o644, opts.Force)
		}
		if err != nil {
			return rep, w.undo(err)
		}
	}
	return rep, nil
}

// subject validates the profile's fields and returns the ordered subject.
func (o *CSROptions) subject() (csr.Subject, error) {
	if o.profile == csr.CAR {
		return csr.NewCARSubject(csr.CARInput{OrgCode: o.OrgCode, Role: o.Role})
	}
	return csr.NewFrejaSubject(csr.FrejaInput{Country: o.Country, OrgID: o.OrgID, Unit: o.Unit, Org: o.Org, CommonName: o.CommonName})
}

// signingKey loads --key or generates --new-key, enforcing the profile's key
// policy before any expensive work. For a new key it also returns the
// passphrase to encrypt it with.
func (o *CSROptions) signingKey(ctx context.Context, a *App) (*rsa.PrivateKey, keyReport, []byte, error) {
	if o.Key != "" {
		key, rep, err := a.loadKeyFrom(o.Key, keySource{passFile: o.PassphraseFile, passFlag: "--passphrase-file", passEnv: envPassphrase,
			noPassphrase: o.NoPassphrase, noPassFlag: "--no-passphrase"})
		if err != nil {
			return nil, rep, nil, err
		}
		if err := o.profile.CheckKey(&key.PublicKey); err != nil {
			return nil, rep, nil, err
		}
		return key, rep, nil, nil
	}
	bits := o.Bits
	if bits == 0 {
		bits = o.profile.DefaultBits()
	}
	if err := keystore.CheckBits(bits); err != nil {
		return nil, keyReport{}, nil, err
	}
	if err := o.profile.CheckBits(bits); err != nil {
		return nil, keyReport{}, nil, err
	}
	pass, err := a.newKeyPassphrase(o.PassphraseFile, o.NoPassphrase)
	if err != nil {
		return nil, keyReport{}, nil, err
	}
	key, err := a.generateKey(ctx, bits)
	return key, keyReport{}, pass, err
}
