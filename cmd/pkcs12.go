package cmd

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
	"github.com/caronboard/caronboard/pkg/verify"
)

// PKCS12Options are the inputs of `caronboard pkcs12`.
type PKCS12Options struct {
	Out               string
	Cert              string
	Key               string
	CA                []string
	Bundle            string
	Name              string
	Legacy            bool
	KeyPassphraseFile string
	NoKeyPassphrase   bool
	PassphraseFile    string
	Force             bool
	// From rebuilds an existing keystore (PKCS#12 or JKS) instead of
	// --cert/--key; Alias picks its entry, FromPassphraseFile and
	// FromNoPassphrase give its passphrase (KeyPassphraseFile: a Java key
	// entry's own).
	From               string
	Alias              string
	FromPassphraseFile string
	FromNoPassphrase   bool
}

// NewPKCS12Cmd builds a PKCS#12 keystore from a certificate, its key and the CA chain.
func NewPKCS12Cmd(a *App, runF func(context.Context, *PKCS12Options) error) *cobra.Command {
	opts := &PKCS12Options{}
	c := &cobra.Command{
		Use:   "pkcs12 --out FILE (--cert FILE --key FILE [--ca FILE]... | --bundle ZIP --key FILE | --from OLD [--alias NAME]) [--name ALIAS] [--legacy]",
		Short: "Build a PKCS#12 keystore (.p12/.pfx) that Java, OpenSSL, Windows and macOS open",
		Long: `Build a PKCS#12 keystore holding the private key, the certificate and its CA chain,
stored leaf → issuing CA → root whatever order the inputs came in.

Before anything is written the key must belong to the certificate and the chain must
build to a root (given with --ca, or present in the files); otherwise the command says
which file is wrong. --bundle takes the ZIP Freja partner support sends (your
certificate and the Freja eID CA .cer/.pem files, in any folder): the certificate
that matches --key is yours.

Encryption:
  default   AES-256-CBC with PBKDF2 and a SHA-256 MAC (go-pkcs12 Modern2023). Opens in
            OpenSSL 3, Java 8u301 and later (keytool 17), Node.js, Python, Windows
            Server 2019 and later, current macOS.
  --legacy  3DES with a SHA-1 MAC (go-pkcs12 LegacyDES), for consumers that cannot read
            AES-encrypted PKCS#12: macOS Keychain (older releases), Windows Server 2016
            and earlier, Java before 8u301. Never RC2.

The alias (friendly name) is --name or, by default, the certificate's CN, so that
keytool -list shows it instead of "1". It is set on the key and on its certificate, so
that keytool, OpenSSL and Python's cryptography all show it.

Rebuilding a keystore: --from OLD takes the key entry of any keystore this tool reads —
PKCS#12 of any age (RC2 from OpenSSL 1.1 or Windows, 3DES, AES, no passphrase) or a Java
KeyStore (JKS) — and writes it as a new PKCS#12 with the same checks, chain order and
encryption as above (the alias stays, unless --name). --alias picks the entry of a
store with several. Its passphrase comes from --from-passphrase-file (or, after the
empty passphrase was tried, a prompt; --from-no-passphrase: it has none); a Java key
entry with a passphrase of its own takes --key-passphrase-file.

Passphrases: the key's comes from --key-passphrase-file, CARONBOARD_KEY_PASSPHRASE or a
prompt (asked only if the key is encrypted); the keystore's from --passphrase-file,
CARONBOARD_PASSPHRASE or a prompt (asked twice). The file is written 0600, never
replacing an existing one without --force, and then atomically.

Examples:
  caronboard pkcs12 --out client.p12 --cert client.cer --key client.key --ca ca.cer --name bank01
  caronboard pkcs12 --out rp.p12 --bundle "Freja eID certificates.zip" --key rp.key
  caronboard pkcs12 --out rp-legacy.pfx --bundle bundle.zip --key rp.key --legacy
  caronboard pkcs12 --from old-rc2.pfx --out new.p12 --from-passphrase-file old-pass.txt
  caronboard pkcs12 --from client.jks --alias new --out client.p12
  caronboard pkcs12 inspect rp.p12 --profile freja

Exit codes: 0 written, 1 refused or failed (nothing written), 2 usage error.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return pkcs12Run(cmd.Context(), a, opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Out, "out", "", "keystore file to write (required)")
	f.StringVar(&opts.Cert, "cert", "", "the issued certificate (PEM or DER; may hold the chain too)")
	f.StringVar(&opts.Key, "key", "", "the private key (required with --cert or --bundle; not with --from)")
	f.StringArrayVar(&opts.CA, "ca", nil, "a CA certificate file for the chain (repeatable)")
	f.StringVar(&opts.Bundle, "bundle", "", "the ZIP from Freja partner support, instead of --cert")
	f.StringVar(&opts.Name, "name", "", "alias (friendly name) of the key entry (default: the certificate's CN, else derived from O: acme-ab)")
	f.BoolVar(&opts.Legacy, "legacy", false, "3DES/SHA-1 encryption for old consumers (see above)")
	f.StringVar(&opts.KeyPassphraseFile, "key-passphrase-file", "", "passphrase of --key (- for stdin)")
	f.BoolVar(&opts.NoKeyPassphrase, "no-key-passphrase", false, "--key has no passphrase: do not ask (an encrypted key is refused)")
	c.MarkFlagsMutuallyExclusive("key-passphrase-file", "no-key-passphrase")
	f.StringVar(&opts.PassphraseFile, "passphrase-file", "", "passphrase for the new keystore (- for stdin)")
	f.BoolVar(&opts.Force, "force", false, "replace an existing file (atomically)")
	f.StringVar(&opts.From, "from", "", "rebuild this keystore (PKCS#12 of any age, or Java JKS) instead of --cert/--key")
	f.StringVar(&opts.Alias, "alias", "", "with --from: the key entry to take, in a keystore with several")
	f.StringVar(&opts.FromPassphraseFile, "from-passphrase-file", "", "with --from: its passphrase (- for stdin; default: try none, then ask)")
	f.BoolVar(&opts.FromNoPassphrase, "from-no-passphrase", false, "with --from: it has no passphrase")
	c.AddCommand(NewPKCS12InspectCmd(a, nil))
	return c
}

func (o *PKCS12Options) validate() error {
	if o.From != "" {
		return o.validateFrom()
	}
	switch {
	case o.Alias != "" || o.FromPassphraseFile != "" || o.FromNoPassphrase:
		return usageErr("use them with --from OLD.p12", "--alias, --from-passphrase-file and --from-no-passphrase apply to --from")
	case o.Out == "":
		return usageErr("for example: --out client.p12", "--out is required")
	case o.Key == "":
		return usageErr("give the private key the certificate was issued for", "--key is required")
	case (o.Cert == "") == (o.Bundle == ""):
		return usageErr("give the certificate with --cert FILE, or Freja's ZIP with --bundle ZIP", "give exactly one of --cert and --bundle")
	case o.KeyPassphraseFile == "-" && o.PassphraseFile == "-":
		return usageErr("put one of the passphrases in a file", "--key-passphrase-file and --passphrase-file cannot both read stdin")
	case o.Out == o.Key || o.Out == o.Cert || o.Out == o.Bundle:
		return usageErr("choose another --out", "--out must not name an input file")
	}
	return nil
}

func pkcs12Run(ctx context.Context, a *App, opts *PKCS12Options) error {
	if err := safefile.CheckWritable(opts.Out, opts.Force); err != nil {
		return err
	}
	roots, err := readCertFiles(opts.CA)
	if err != nil {
		return err
	}
	var key *rsa.PrivateKey
	var chain []*x509.Certificate
	var alias string
	if opts.From != "" {
		key, chain, alias, err = a.fromStore(ctx, opts, roots)
	} else {
		key, chain, err = a.fromFiles(opts, roots)
	}
	if err != nil {
		return err
	}
	name := opts.Name
	if name == "" {
		name = alias
	}
	if name == "" {
		name = defaultAlias(chain[0])
	}
	pass, err := a.readSecret(secretSpec{what: "passphrase for the new keystore", file: opts.PassphraseFile,
		fileFlag: "--passphrase-file", envVar: envPassphrase, confirm: true})
	if err != nil {
		return err
	}
	format := keystore.P12Modern
	if opts.Legacy {
		format = keystore.P12Legacy
	}
	data, err := keystore.EncodePKCS12(key, chain, name, string(pass), format)
	if err != nil {
		return err
	}
	// Read it back before writing: what we hand over must open.
	if _, err := keystore.DecodePKCS12(data, string(pass)); err != nil {
		return fmt.Errorf("the keystore just built does not read back: %w", err)
	}
	info, err := keystore.InspectPKCS12(data)
	if err != nil {
		return err
	}
	if err := a.writeFile(ctx, opts.Out, data, 0o600, opts.Force); err != nil {
		return err
	}
	res := &pkcs12Result{File: opts.Out, From: opts.From, Alias: name, Format: string(format), Info: info}
	for _, c := range chain {
		res.Chain = append(res.Chain, csr.FormatName(c.RawSubject))
	}
	a.SetResult(res)
	res.print(a)
	return nil
}

// fromFiles reads --cert/--bundle and --key and orders the chain.
func (a *App) fromFiles(opts *PKCS12Options, roots []*x509.Certificate) (*rsa.PrivateKey, []*x509.Certificate, error) {
	certs, err := opts.certificates()
	if err != nil {
		return nil, nil, err
	}
	key, _, err := a.loadKeyFrom(opts.Key, keySource{passFile: opts.KeyPassphraseFile, passFlag: "--key-passphrase-file", passEnv: envKeyPassphrase,
		noPassphrase: opts.NoKeyPassphrase, noPassFlag: "--no-key-passphrase"})
	if err != nil {
		return nil, nil, err
	}
	chain, err := opts.chain(key, certs, roots, a.Now())
	return key, chain, err
}

// certificates reads --cert or every certificate in --bundle.
func (o *PKCS12Options) certificates() ([]*x509.Certificate, error) {
	if o.Cert != "" {
		return keystore.ReadCertificates(o.Cert)
	}
	_, certs, err := keystore.ReadBundleFile(o.Bundle) // its errors name the file
	return certs, err
}

// chain finds the certificate that belongs to the key and orders its chain.
func (o *PKCS12Options) chain(key *rsa.PrivateKey, certs, roots []*x509.Certificate, at time.Time) ([]*x509.Certificate, error) {
	leaf, others, err := verify.FindLeaf(certs, key.Public())
	if errors.Is(err, verify.ErrNoLeaf) {
		src := o.Cert
		if src == "" {
			src = o.Bundle
		}
		return nil, &Error{Code: codeKeyMismatch, Err: err,
			Message: fmt.Sprintf("the key %s does not belong to any certificate in %s", o.Key, src),
			Hint:    "give the key you made the CSR with, or the certificate the CA issued for it"}
	}
	if err != nil {
		return nil, err
	}
	chain, err := verify.BuildChain(leaf, others, roots, at)
	if err != nil {
		return nil, err
	}
	return chain, nil
}

// defaultAlias is the certificate's CN; without one (Freja's CN is
// optional) it is derived from O ("ACME AB" → "acme-ab") or OU, and only a
// certificate with none of them gets a fixed name.
func defaultAlias(c *x509.Certificate) string {
	if subj, err := csr.ParseName(c.RawSubject); err == nil {
		if cn, ok := subj.Get("CN"); ok && cn != "" {
			return cn
		}
	}
	if c.Subject.CommonName == "" && (len(c.Subject.Organization) > 0 || len(c.Subject.OrganizationalUnit) > 0) {
		if alias := keystore.TrustStoreAliases([]*x509.Certificate{c})[0]; alias != "ca" {
			return alias
		}
	}
	return "caronboard"
}

// pkcs12Result is what `caronboard pkcs12` reports.
type pkcs12Result struct {
	File   string           `json:"file"`
	From   string           `json:"from,omitempty"`
	Alias  string           `json:"alias"`
	Format string           `json:"format"`
	Chain  []string         `json:"chain"`
	Info   keystore.P12Info `json:"encryption"`
}

func (r *pkcs12Result) print(a *App) {
	a.Infof("Wrote %s (PKCS#12, %s, mode 0600)\n", r.File, r.Format)
	a.Infof("Alias:       %s\n", r.Alias)
	a.printNumbered("Chain:", 12, r.Chain)
	a.Infof("Encryption:  certificates %s; key %s; MAC %s\n", r.Info.CertEncryption, r.Info.KeyEncryption, r.Info.MACAlgorithm)
	a.Infof("Opens in:    %s\n", r.Info.Consumers)
}
