package cmd

import (
	"context"
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
	"github.com/caronboard/caronboard/pkg/verify"
)

// NewCertCmd groups the commands about issued certificates.
func NewCertCmd(a *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "cert",
		Short: "Check the certificate the CA issued",
		Long: `Commands about the certificate the CA issued. 'cert verify' checks it before it is
used: that the key belongs to it, that the chain builds to the CA, its validity window,
clientAuth usage, key size and the profile's subject rules.

Examples:
  caronboard cert verify --cert client.cer --key client.key --ca ca.cer --profile car

Exit codes: 0 success, 1 a check failed, 2 usage error (or a subcommand is missing).`,
	}
	c.AddCommand(NewCertVerifyCmd(a, nil))
	return c
}

// CertVerifyOptions are the inputs of `caronboard cert verify`.
type CertVerifyOptions struct {
	Cert           string
	Key            string
	CA             []string
	Profile        string
	CSR            string
	At             string
	PassphraseFile string
	// Alias, KeyPassphraseFile and NoPassphrase apply when --cert is a
	// keystore (PKCS#12 or Java JKS); NoPassphrase also to --key.
	Alias             string
	KeyPassphraseFile string
	NoPassphrase      bool

	profile csr.Profile
	at      time.Time
}

// NewCertVerifyCmd checks an issued certificate.
func NewCertVerifyCmd(a *App, runF func(context.Context, *CertVerifyOptions) error) *cobra.Command {
	opts := &CertVerifyOptions{}
	c := &cobra.Command{
		Use:   "verify --cert FILE [--key FILE] [--ca FILE]... [--profile car|freja] [--csr FILE] [--at RFC3339]",
		Short: "Check that an issued certificate is the right one and will work",
		Long: `Check the certificate the CA sent back, each check reported on its own line as
pass, fail, warn or skip:

  key_match            the private key (--key) belongs to the certificate
  chain                the chain builds from the certificate through any intermediates
                       (in --cert or --ca) to the CA given with --ca
  validity             not yet valid or expired fails; within 30 days of expiry warns
  client_auth          the extended key usage allows TLS client authentication
  key_size             RSA, and the size the profile requires (CAR: 4096)
  subject              the profile's subject rules (CAR: C=SE, O=E-fakturabolaget, OU a
                       role; Freja: O and organizationIdentifier present and well-formed)
  csr_match            with --csr: issued for that CSR (same key; CN/OU or O and
                       organizationIdentifier as requested)
  signature_algorithm  not SHA-1 or MD5

Certificates may be PEM or DER (a .cer may be either); --cert and --ca files may hold
several. --cert may also be a keystore (PKCS#12 or Java JKS, recognised by content):
then its key entry (--alias, when it has several) is checked, key and chain included;
its passphrase as for 'pkcs12 inspect' (--passphrase-file, --no-passphrase,
--key-passphrase-file). With --key, the certificate that matches the key is the leaf; otherwise the
first one in --cert. The key's passphrase, if it has one, comes from --passphrase-file
or CARONBOARD_PASSPHRASE or a prompt. --at judges validity at another time.

Examples:
  caronboard cert verify --cert client.cer --key client.key --ca ca.cer --profile car
  caronboard cert verify --cert "ACME AB.cer" --ca "Freja eID Test Certificates.pem" --profile freja --csr rp.csr

Exit codes: 0 every check passed (warnings allowed), 1 a check failed or a file could
not be read, 2 usage error.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.validate(a); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return certVerifyRun(cmd.Context(), a, opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Cert, "cert", "", "the issued certificate, PEM or DER (required)")
	f.StringVar(&opts.Key, "key", "", "the private key the certificate should belong to")
	f.StringArrayVar(&opts.CA, "ca", nil, "a trusted CA certificate file (repeatable)")
	f.StringVar(&opts.Profile, "profile", "", "check against this profile: car or freja")
	f.StringVar(&opts.CSR, "csr", "", "the CSR the certificate should have been issued for")
	f.StringVar(&opts.At, "at", "", "judge validity at this time (RFC 3339) instead of now")
	f.StringVar(&opts.PassphraseFile, "passphrase-file", "", "passphrase of --key, or of --cert when it is a keystore (- for stdin)")
	f.StringVar(&opts.Alias, "alias", "", "when --cert is a keystore with several key entries: the one to check")
	f.StringVar(&opts.KeyPassphraseFile, "key-passphrase-file", "", "when --cert is a Java keystore: the key entry's own passphrase")
	f.BoolVar(&opts.NoPassphrase, "no-passphrase", false, "--cert (a keystore) or --key has no passphrase: do not ask (an encrypted key is refused)")
	markConfigurable(f, "profile")
	registerProfileCompletion(c)
	return c
}

func (o *CertVerifyOptions) validate(a *App) error {
	if o.Cert == "" {
		return usageErr("for example: caronboard cert verify --cert client.cer --ca ca.cer", "--cert is required")
	}
	if o.Profile != "" {
		p, err := csr.ParseProfile(o.Profile)
		if err != nil {
			return usageErr("use --profile car or --profile freja", "unknown profile %q", o.Profile)
		}
		o.profile = p
	}
	at, err := parseAt(o.At, a.Now)
	if err != nil {
		return err
	}
	o.at = at
	return nil
}

func certVerifyRun(ctx context.Context, a *App, opts *CertVerifyOptions) error {
	roots, err := readCertFiles(opts.CA)
	if err != nil {
		return err
	}
	var in verify.CertInput
	if isKeystoreFile(opts.Cert) {
		if opts.Key != "" {
			return usageErr("the keystore holds the key: drop --key", "--key cannot be used when --cert is a keystore")
		}
		sf := &storeFlags{PassphraseFile: opts.PassphraseFile, KeyPassphraseFile: opts.KeyPassphraseFile, NoPassphrase: opts.NoPassphrase, Alias: opts.Alias}
		st, err := a.openStore(ctx, opts.Cert, sf)
		if err != nil {
			return err
		}
		e, err := keyEntry(opts.Cert, st, opts.Alias)
		if err != nil {
			return err
		}
		in = profileInput(st, e, roots, &PKCS12InspectOptions{profile: opts.profile, at: opts.at})
		in.Roots = roots
		if len(roots) == 0 {
			in.Roots = profileInput(st, e, nil, &PKCS12InspectOptions{}).Roots
		}
	} else {
		if opts.Alias != "" || opts.KeyPassphraseFile != "" || (opts.NoPassphrase && opts.Key == "") {
			return usageErr("use them when --cert is a keystore (--no-passphrase: or with --key)", "--alias, --key-passphrase-file and --no-passphrase apply to a keystore given as --cert")
		}
		certs, err := keystore.ReadCertificates(opts.Cert)
		if err != nil {
			return err
		}
		in = verify.CertInput{Leaf: certs[0], Others: certs[1:], Roots: roots, Profile: opts.profile, At: opts.at}
	}
	if opts.Key != "" {
		key, _, err := a.loadKeyFrom(opts.Key, keySource{passFile: opts.PassphraseFile, passFlag: "--passphrase-file", passEnv: envPassphrase,
			noPassphrase: opts.NoPassphrase, noPassFlag: "--no-passphrase"})
		if err != nil {
			return err
		}
		in.Key = key.Public()
		if leaf, others, err := verify.FindLeaf(append([]*x509.Certificate{in.Leaf}, in.Others...), in.Key); err == nil {
			in.Leaf, in.Others = leaf, others
		}
	}
	if opts.CSR != "" {
		data, err := safefile.ReadFile(opts.CSR, keystore.MaxInputSize)
		if err != nil {
			return fmt.Errorf("reading the CSR: %w", err)
		}
		if in.CSR, err = csr.Parse(data); err != nil {
			return fmt.Errorf("%s: %w", opts.CSR, err)
		}
	}
	rep := verify.CheckCertificate(in)
	a.SetResult(struct {
		File string `json:"file"`
		*verify.Report
	}{opts.Cert, rep})
	printCertReport(a, rep)
	return certVerdict(opts.Cert, rep)
}

// isKeystoreFile tells a keystore (PKCS#12 or JKS) from a certificate file
// by its content.
func isKeystoreFile(path string) bool {
	data, err := safefile.ReadFile(path, maxKeystoreSize)
	if err != nil {
		return false
	}
	if keystore.StoreFormat(data) != keystore.FormatPKCS12 {
		return true
	}
	_, err = keystore.InspectPKCS12(data)
	return err == nil
}

func printCertReport(a *App, r *verify.Report) {
	a.Infof("Certificate:        %s\n", r.Subject)
	a.Infof("Issuer:             %s\n", r.Issuer)
	a.Infof("Serial:             %s\n", r.Serial)
	a.Infof("Valid:              %s to %s\n", r.NotBefore.UTC().Format(time.RFC3339), r.NotAfter.UTC().Format(time.RFC3339))
	a.Infof("Key:                %s %d bits\n", r.KeyAlgorithm, r.KeyBits)
	a.Infof("Public key SHA-256: %s\n", r.PublicKeySHA256)
	if len(r.ChainSubjects) > 0 {
		a.Infof("Chain:              %s\n", strings.Join(r.ChainSubjects, "\n                    → "))
	}
	a.Infof("\n")
	for _, c := range r.Checks {
		a.Infof("  %s  %-19s %s\n", a.statusWord(string(c.Status)), c.ID, c.Message)
		if c.Hint != "" && c.Status != verify.Pass {
			a.Infof("        %-19s hint: %s\n", "", c.Hint)
		}
	}
}

// certVerdict fails the command when any check failed.
func certVerdict(file string, r *verify.Report) error {
	var details []Detail
	for _, c := range r.Checks {
		if c.Status == verify.Fail {
			details = append(details, Detail{Field: c.ID, Message: c.Message, Hint: c.Hint})
		}
	}
	if len(details) == 0 {
		return nil
	}
	ids := make([]string, len(details))
	for i, d := range details {
		ids[i] = d.Field
	}
	return &Error{Code: codeCertRejected, Details: details,
		Message: fmt.Sprintf("%s failed %d check(s): %s", file, len(details), strings.Join(ids, ", ")),
		Hint:    "see the checks above; each failed one says what to do"}
}
