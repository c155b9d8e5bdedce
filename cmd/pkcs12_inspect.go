package cmd

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"strings"
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
	File    string
	Profile string
	At      string
	CA      []string
	store   storeFlags

	profile csr.Profile
	at      time.Time
}

// NewPKCS12InspectCmd shows what a PKCS#12 file holds and who can open it.
func NewPKCS12InspectCmd(a *App, runF func(context.Context, *PKCS12InspectOptions) error) *cobra.Command {
	opts := &PKCS12InspectOptions{}
	c := &cobra.Command{
		Use:   "inspect FILE [--passphrase-file F | --no-passphrase] [--alias NAME] [--profile car|freja [--ca FILE]...]",
		Short: "Show what a keystore (PKCS#12 or Java JKS) holds, how it is encrypted and who can open it",
		Long: `Read a keystore — PKCS#12 (.p12/.pfx) written by OpenSSL 3 or 1.1 (with or without
-legacy: AES, 3DES or RC2), Java keytool, Windows, Python or caronboard, or a Java
KeyStore (JKS), recognised by its content whatever its name — and print how it is
protected (so you can see whether it is AES or legacy, and which consumers will open
it), then every entry: for each key entry its alias, subject, issuer, validity, key
type and size and the chain from the certificate to its root; the trusted
certificates of a trust store (alias, subject, expiry, and which environment's server
CA each is); and the other certificates in the file, apart from the chain.

The passphrase comes from --passphrase-file or CARONBOARD_PASSPHRASE; otherwise the
empty passphrase is tried and then asked for. --no-passphrase: the file has none.
A Java key entry with a passphrase of its own takes --key-passphrase-file (default:
the keystore's). --alias shows one key entry of several.

With --profile the key entry (--alias picks it when there are several) is checked
like 'caronboard cert verify': key, chain to a trusted CA (the self-signed CA
certificates in the file and those given with --ca), validity, clientAuth, key size,
subject; --at judges validity at another time.

Examples:
  caronboard pkcs12 inspect client.p12
  caronboard pkcs12 inspect truststore.p12 --no-passphrase
  caronboard pkcs12 inspect old.jks --alias new --passphrase-file pass.txt
  caronboard pkcs12 inspect rp.pfx --profile freja --ca freja-ca.pem --passphrase-file pass.txt -o json

Exit codes: 0 read (and, with --profile, every check passed), 1 wrong passphrase,
unreadable file, several key entries without --alias with --profile, or a failed
check, 2 usage error.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr("for example: caronboard pkcs12 inspect client.p12", "pkcs12 inspect takes one file, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if err := opts.store.validate(); err != nil {
				return err
			}
			if len(opts.CA) > 0 && opts.Profile == "" {
				return usageErr("add --profile car or --profile freja", "--ca applies to the --profile check")
			}
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
				return runF(cmd.Context(), opts)
			}
			return pkcs12InspectRun(cmd.Context(), a, opts)
		},
	}
	f := c.Flags()
	opts.store.add(f, true)
	f.StringArrayVar(&opts.CA, "ca", nil, "with --profile: a trusted CA certificate file for the chain check (repeatable)")
	f.StringVar(&opts.Profile, "profile", "", "check the certificate against this profile: car or freja")
	f.StringVar(&opts.At, "at", "", "with --profile: judge validity at this time (RFC 3339)")
	registerProfileCompletion(c)
	return c
}

// p12InspectResult is what `caronboard pkcs12 inspect` reports.
type p12InspectResult struct {
	File           string             `json:"file"`
	Format         string             `json:"format"`
	Recommendation string             `json:"recommendation,omitempty"`
	Encryption     *keystore.P12Info  `json:"encryption,omitempty"`
	Entries        []p12EntryResult   `json:"entries"`
	Trusted        []p12TrustedResult `json:"trusted"`
	Others         []p12CertResult    `json:"other_certificates"`
	Checks         []verify.Check     `json:"checks,omitempty"`
}

// p12EntryResult is one key entry.
type p12EntryResult struct {
	Alias          string    `json:"alias"`
	Subject        string    `json:"subject"`
	Issuer         string    `json:"issuer"`
	NotBefore      time.Time `json:"not_before"`
	NotAfter       time.Time `json:"not_after"`
	KeyAlgorithm   string    `json:"key_algorithm"`
	KeyBits        int       `json:"key_bits"`
	KeyMatchesLeaf bool      `json:"key_matches_certificate"`
	// Chain is the path from the leaf to its root, as far as the file
	// holds it.
	Chain []string `json:"chain"`
}

// p12TrustedResult is one trusted certificate.
type p12TrustedResult struct {
	Alias    string    `json:"alias"`
	Subject  string    `json:"subject"`
	NotAfter time.Time `json:"not_after"`
	// ServerCAOf names the environments whose server CA this is.
	ServerCAOf []string `json:"server_ca_of,omitempty"`
}

// p12CertResult is a certificate outside every chain.
type p12CertResult struct {
	Subject  string    `json:"subject"`
	NotAfter time.Time `json:"not_after"`
}

const jksRecommendation = "JKS is Java's old format: for new use, rebuild it as PKCS#12 with 'caronboard pkcs12 --from FILE --out NEW.p12'"

func pkcs12InspectRun(ctx context.Context, a *App, opts *PKCS12InspectOptions) error {
	st, err := a.openStore(ctx, opts.File, &opts.store)
	if err != nil {
		return err
	}
	res := &p12InspectResult{File: opts.File, Format: st.Format, Encryption: st.Info, Entries: []p12EntryResult{}, Trusted: []p12TrustedResult{}, Others: []p12CertResult{}}
	if st.Format == keystore.FormatJKS {
		res.Recommendation = jksRecommendation
	}
	entries := st.Keys
	var chosen *keystore.KeyEntry
	if opts.store.Alias != "" || opts.profile != "" {
		e, err := keyEntry(opts.File, st, opts.store.Alias)
		if err != nil {
			return err
		}
		chosen = e
		entries = []keystore.KeyEntry{*e}
	}
	for _, e := range entries {
		res.Entries = append(res.Entries, describeEntry(e))
	}
	servers := a.serverCAs()
	for _, t := range st.Trusted {
		res.Trusted = append(res.Trusted, p12TrustedResult{Alias: t.Alias, Subject: csr.FormatName(t.Cert.RawSubject), NotAfter: t.Cert.NotAfter, ServerCAOf: servers[string(t.Cert.Raw)]})
	}
	for _, c := range st.Others {
		res.Others = append(res.Others, p12CertResult{Subject: csr.FormatName(c.RawSubject), NotAfter: c.NotAfter})
	}
	var rep *verify.Report
	if chosen != nil && opts.profile != "" {
		extra, err := readCertFiles(opts.CA)
		if err != nil {
			return err
		}
		rep = verify.CheckCertificate(profileInput(st, chosen, extra, opts))
		res.Checks = rep.Checks
	}
	a.SetResult(res)
	res.print(a)
	for _, e := range res.Entries {
		if !e.KeyMatchesLeaf {
			return &Error{Code: codeKeyMismatch, Message: fmt.Sprintf("%s: the key of entry %q does not belong to its certificate", opts.File, e.Alias),
				Hint: "rebuild the keystore with 'caronboard pkcs12 --cert FILE --key FILE', which refuses such a pair"}
		}
	}
	if rep != nil {
		return certVerdict(opts.File, rep)
	}
	return nil
}

// profileInput checks the chosen entry as cert verify does: its chain, the
// other certificates of the file, and as trusted roots the self-signed CA
// certificates in the file and those of --ca.
func profileInput(st *keystore.Store, e *keystore.KeyEntry, extra []*x509.Certificate, opts *PKCS12InspectOptions) verify.CertInput {
	in := verify.CertInput{Profile: opts.profile, At: opts.at, Roots: extra}
	if len(e.Chain) > 0 {
		in.Leaf, in.Others = e.Chain[0], append(in.Others, e.Chain[1:]...)
	}
	in.Others = append(in.Others, st.Others...)
	for _, t := range st.Trusted {
		in.Others = append(in.Others, t.Cert)
	}
	for _, c := range in.Others {
		if c.IsCA && bytes.Equal(c.RawSubject, c.RawIssuer) && c.CheckSignatureFrom(c) == nil {
			in.Roots = append(in.Roots, c)
		}
	}
	if signer, ok := e.Key.(interface{ Public() crypto.PublicKey }); ok {
		in.Key = signer.Public()
	}
	return in
}

// describeEntry turns a key entry into its report.
func describeEntry(e keystore.KeyEntry) p12EntryResult {
	r := p12EntryResult{Alias: e.Alias, Chain: []string{}}
	if len(e.Chain) == 0 {
		return r
	}
	leaf := e.Chain[0]
	r.Subject, r.Issuer = csr.FormatName(leaf.RawSubject), csr.FormatName(leaf.RawIssuer)
	r.NotBefore, r.NotAfter = leaf.NotBefore, leaf.NotAfter
	r.KeyAlgorithm, r.KeyBits = csr.KeyDescription(leaf.PublicKey)
	r.KeyMatchesLeaf = true
	for _, c := range e.Chain {
		r.Chain = append(r.Chain, csr.FormatName(c.RawSubject))
	}
	return r
}

// serverCAs maps each environment's server CA certificate (DER) to the
// environments that use it; environments without a readable CA are left out.
func (a *App) serverCAs() map[string][]string {
	out := map[string][]string{}
	envs, err := a.environments()
	if err != nil {
		return out
	}
	for _, name := range envNames(envs) {
		roots, _, err := a.serverRoots(envs[name], nil, a.defaultSandboxDir())
		if err != nil {
			continue
		}
		for _, r := range roots {
			out[string(r.Raw)] = append(out[string(r.Raw)], name)
		}
	}
	return out
}

func (r *p12InspectResult) print(a *App) {
	a.Infof("File:           %s\n", r.File)
	a.Infof("Format:         %s\n", r.Format)
	if r.Recommendation != "" {
		a.Infof("Note:           %s\n", r.Recommendation)
	}
	if e := r.Encryption; e != nil {
		a.Infof("MAC:            %s\n", e.MACAlgorithm)
		a.Infof("Certificates:   %s\n", e.CertEncryption)
		a.Infof("Key:            %s\n", e.KeyEncryption)
		a.Infof("Opens in:       %s\n", e.Consumers)
	}
	for _, e := range r.Entries {
		a.Infof("\n")
		alias := e.Alias
		if alias == "" {
			alias = "(none: keytool shows \"1\")"
		}
		a.Infof("Alias:          %s\n", alias)
		if len(e.Chain) == 0 {
			a.Infof("Private key:    no certificate in the file belongs to it\n")
			continue
		}
		a.Infof("Subject:        %s\n", e.Subject)
		a.Infof("Issuer:         %s\n", e.Issuer)
		a.Infof("Valid:          %s to %s\n", e.NotBefore.UTC().Format(time.RFC3339), e.NotAfter.UTC().Format(time.RFC3339))
		a.Infof("Private key:    %s %d bits, belongs to the certificate\n", e.KeyAlgorithm, e.KeyBits)
		a.printNumbered("Chain:", 15, e.Chain)
	}
	if len(r.Trusted) > 0 {
		a.Infof("\nTrusted certificates (%d):\n", len(r.Trusted))
		for _, t := range r.Trusted {
			line := fmt.Sprintf("  %s: %s, expires %s", t.Alias, t.Subject, t.NotAfter.UTC().Format("2006-01-02"))
			if len(t.ServerCAOf) > 0 {
				line += "; server CA of " + strings.Join(t.ServerCAOf, ", ")
			}
			a.Infof("%s\n", line)
		}
	}
	if len(r.Others) > 0 {
		a.Infof("\nOther certificates (not in the chain):\n")
		for _, c := range r.Others {
			a.Infof("  %s, expires %s\n", c.Subject, c.NotAfter.UTC().Format("2006-01-02"))
		}
	}
	if len(r.Checks) > 0 {
		a.Infof("\n")
		for _, c := range r.Checks {
			a.Infof("  %-4s  %-19s %s\n", c.Status, c.ID, c.Message)
			if c.Hint != "" && c.Status != verify.Pass {
				a.Infof("        %-19s hint: %s\n", "", c.Hint)
			}
		}
	}
}
