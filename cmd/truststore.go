package cmd

import (
	"context"
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// TruststoreOptions are the inputs of `caronboard truststore`.
type TruststoreOptions struct {
	Env            string
	Out            string
	Format         string
	CA             []string
	PassphraseFile string
	NoPassphrase   bool
	Force          bool
	SandboxDir     string
}

// Trust store formats.
const (
	trustFormatPEM    = "pem"
	trustFormatPKCS12 = "pkcs12"
)

// NewTruststoreCmd exports an environment's server trust anchors in the form
// applications load.
func NewTruststoreCmd(a *App) *cobra.Command {
	return newTruststoreCmd(a, nil)
}

func newTruststoreCmd(a *App, runF func(context.Context, *TruststoreOptions) error) *cobra.Command {
	opts := &TruststoreOptions{}
	c := &cobra.Command{
		Use:   "truststore --env NAME --out FILE [--format pem|pkcs12] [--ca FILE]... [--passphrase-file F | --no-passphrase]",
		Short: "Export an environment's server CA certificates as a PEM bundle or a Java trust store",
		Long: `Write the CA certificates an environment's server chains to — its trust anchors — in the
form your application loads, so that it trusts that API's server and nothing else:

  freja-test, freja-prod  the Freja eID test or production server root (built in)
  api, stage, ci          the CAR CA root you received (ca.cer): --ca ca.cer, or
                          environments.NAME.ca in the config file
  sandbox                 the sandbox CA (--sandbox-dir)

Every certificate must be a CA certificate (basic constraints CA:TRUE, allowed to sign
certificates): giving your own client.cer by mistake is refused. A certificate that has
expired, or expires within 90 days, is written with a warning.

Formats:
  pem     (default) the certificates as PEM, each under a comment naming it. Mode 0644.
  pkcs12  a PKCS#12 trust store of trusted-certificate entries (go-pkcs12's trust-store
          encoder), each under an alias made from its CN ("freja-eid-root-ca-v1");
          'keytool -list' shows them as trustedCertEntry. With a passphrase
          (--passphrase-file, CARONBOARD_PASSPHRASE or a prompt, asked twice) the
          certificates are encrypted with AES-256 and the file has an HMAC-SHA256 MAC
          (Java 8u301 and later, keytool 17). With --no-passphrase nothing is
          encrypted and there is no MAC (the certificates are public): Java 8u301 and
          later load it with no trustStorePassword at all, and keytool lists it with
          any -storepass.

How clients use it (FILE is --out):
  Java     -Djavax.net.ssl.trustStore=FILE -Djavax.net.ssl.trustStoreType=PKCS12
           A --no-passphrase store needs nothing more. A store with a passphrase
           also needs the javax.net.ssl.trustStorePassword property: put it in an
           argument file read with java @FILE (mode 0600), never on the command
           line, where other users can see it; without it Java loads the store
           EMPTY and trusts no server. These properties replace the
           JVM's default trust for the whole process; to trust the file for this API
           only, load it into a KeyStore, then a TrustManagerFactory and an SSLContext.
  curl     curl --cacert FILE https://HOST/
  Node.js  tls.connect / new https.Agent({ca: fs.readFileSync('FILE'), …})
  Go       pool := x509.NewCertPool(); pool.AppendCertsFromPEM(data);
           tls.Config{RootCAs: pool}
  Python   ssl.create_default_context(cafile='FILE')
  OpenSSL  openssl s_client -CAfile FILE -connect HOST:443

The file is never replaced without --force, and then atomically.

Examples:
  caronboard truststore --env freja-test --out freja-test-roots.pem
  caronboard truststore --env stage --ca ca.cer --out truststore.p12 --format pkcs12
  caronboard truststore --env freja-prod --format pkcs12 --no-passphrase --out freja-prod.p12

Exit codes: 0 written, 1 refused or failed (nothing written), 2 usage error.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return truststoreRun(cmd.Context(), a, opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Env, "env", "", "environment whose server CA to export (required)")
	f.StringVar(&opts.Out, "out", "", "file to write (required)")
	f.StringVar(&opts.Format, "format", trustFormatPEM, "pem or pkcs12")
	f.StringArrayVar(&opts.CA, "ca", nil, "CA certificate file to export instead of the environment's (repeatable)")
	f.StringVar(&opts.PassphraseFile, "passphrase-file", "", "pkcs12: the trust store's passphrase (- for stdin)")
	f.BoolVar(&opts.NoPassphrase, "no-passphrase", false, "pkcs12: write a password-less trust store")
	f.BoolVar(&opts.Force, "force", false, "replace an existing file (atomically)")
	f.StringVar(&opts.SandboxDir, "sandbox-dir", "", "sandbox folder, for --env sandbox (default: caronboard/sandbox in the user config folder)")
	return c
}

func (o *TruststoreOptions) validate() error {
	o.Format = strings.ToLower(o.Format)
	switch {
	case o.Env == "":
		return usageErr("for example: caronboard truststore --env freja-test --out roots.pem", "--env is required")
	case o.Out == "":
		return usageErr("for example: --out truststore.pem", "--out is required")
	case o.Format != trustFormatPEM && o.Format != trustFormatPKCS12:
		return usageErr("use --format pem or --format pkcs12", "unknown format %q", o.Format)
	case o.PassphraseFile != "" && o.NoPassphrase:
		return usageErr("give one of them", "--passphrase-file and --no-passphrase cannot be used together")
	case o.Format == trustFormatPEM && (o.PassphraseFile != "" || o.NoPassphrase):
		return usageErr("a PEM bundle holds public certificates and is never encrypted; add --format pkcs12 for a Java trust store",
			"--passphrase-file and --no-passphrase apply to --format pkcs12")
	}
	for _, ca := range o.CA {
		if ca == o.Out {
			return usageErr("choose another --out", "--out must not name an input file")
		}
	}
	return nil
}

func truststoreRun(ctx context.Context, a *App, opts *TruststoreOptions) error {
	if err := safefile.CheckWritable(opts.Out, opts.Force); err != nil {
		return err
	}
	e, err := a.environment(opts.Env)
	if err != nil {
		return err
	}
	certs, source, err := a.trustAnchors(e, opts)
	if err != nil {
		return err
	}
	now := a.Now()
	res := &truststoreResult{File: opts.Out, Format: opts.Format, Env: e.Name, Source: source}
	aliases := keystore.TrustStoreAliases(certs)
	for i, c := range certs {
		tc := describeTrustCert(c, aliases[i], now)
		res.Certificates = append(res.Certificates, tc)
		if w := expiryWarning(tc); w != "" {
			a.Warn(w)
		}
	}
	data, err := encodeTrustAnchors(a, opts, certs, res)
	if err != nil {
		return err
	}
	if err := a.writeFile(ctx, opts.Out, data, 0o644, opts.Force); err != nil {
		return err
	}
	res.Settings = clientSettings(opts, e)
	a.SetResult(res)
	res.print(a)
	return nil
}

// trustAnchors loads the environment's server CA certificates (or --ca),
// refuses any that is not a CA and drops duplicates.
func (a *App) trustAnchors(e *Environment, opts *TruststoreOptions) ([]*x509.Certificate, string, error) {
	sandboxDir := opts.SandboxDir
	if sandboxDir == "" {
		sandboxDir = a.defaultSandboxDir()
	}
	var all []*x509.Certificate
	var from []string // the file each certificate came from, for messages
	source := ""
	if len(opts.CA) > 0 {
		for _, p := range opts.CA {
			certs, err := keystore.ReadCertificates(p)
			if err != nil {
				return nil, "", err
			}
			for range certs {
				from = append(from, p)
			}
			all = append(all, certs...)
		}
		source = strings.Join(opts.CA, ", ")
	} else {
		certs, src, err := a.serverRoots(e, nil, sandboxDir)
		if err != nil {
			return nil, "", err
		}
		for range certs {
			from = append(from, src)
		}
		all, source = certs, src
	}
	var out []*x509.Certificate
	seen := map[string]bool{}
	for i, c := range all {
		if err := checkTrustAnchor(c, from[i]); err != nil {
			return nil, "", err
		}
		if !seen[string(c.Raw)] {
			seen[string(c.Raw)] = true
			out = append(out, c)
		}
	}
	return out, source, nil
}

// checkTrustAnchor refuses a certificate that cannot be a trust anchor.
func checkTrustAnchor(c *x509.Certificate, file string) error {
	subject := csr.FormatName(c.RawSubject)
	switch {
	case !c.BasicConstraintsValid || !c.IsCA:
		return &Error{Code: codeNotACA,
			Message: fmt.Sprintf("%s: %s is not a CA certificate (issued by %s)", file, subject, csr.FormatName(c.RawIssuer)),
			Hint:    "give the CA root certificate you received (for CAR: ca.cer), not your own client certificate"}
	case c.KeyUsage != 0 && c.KeyUsage&x509.KeyUsageCertSign == 0:
		return &Error{Code: codeNotACA,
			Message: fmt.Sprintf("%s: %s is marked CA but its key usage does not allow signing certificates", file, subject),
			Hint:    "give the CA root certificate you received; this one cannot have issued a server certificate"}
	}
	return nil
}

// encodeTrustAnchors writes the certificates as a PEM bundle or a PKCS#12
// trust store, asking for the passphrase of the latter.
func encodeTrustAnchors(a *App, opts *TruststoreOptions, certs []*x509.Certificate, res *truststoreResult) ([]byte, error) {
	if opts.Format == trustFormatPEM {
		return pemBundle(certs, res.Certificates), nil
	}
	pass := ""
	res.Encryption = "none: password-less (no encryption, no MAC; the certificates are public)"
	if !opts.NoPassphrase {
		b, err := a.readSecret(secretSpec{what: "passphrase for the new trust store", file: opts.PassphraseFile,
			fileFlag: "--passphrase-file", envVar: envPassphrase, confirm: true})
		if e, ok := err.(*Error); ok && (e.Code == codePassphraseRequired || e.Code == codeEmptyPassphrase) {
			e.Hint += ", or pass --no-passphrase for a password-less trust store (Java then needs no trustStorePassword)"
		}
		if err != nil {
			return nil, err
		}
		pass = string(b)
		res.Encryption = "AES-256-CBC (PBES2, PBKDF2-HMAC-SHA256), HMAC-SHA256 MAC (go-pkcs12 Modern2023)"
	}
	return keystore.EncodeTrustStore(certs, pass)
}
