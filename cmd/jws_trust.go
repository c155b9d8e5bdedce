package cmd

import (
	"context"
	"crypto/x509"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/jws"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// rotationNote is said whenever the user deals with signing certificates.
const rotationNote = "Freja rotates its JWS signing certificate about every three years, with a few months of overlap: " +
	"add the new one with 'caronboard jws trust add' as soon as Freja publishes it, and keep the old ones for archived results"

// rotationHelp is rotationNote wrapped for help texts.
const rotationHelp = `Freja rotates its JWS signing certificate about every three years, with a few months
of overlap: add the new one with 'caronboard jws trust add' as soon as Freja publishes
it, and keep the old ones for archived results`

// NewJWSTrustCmd groups the commands about trusted signing certificates.
func NewJWSTrustCmd(a *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "trust",
		Short: "List or add the certificates trusted to sign Freja results (the signer store)",
		Long: `'jws verify' trusts a result only when its x5t header names one of these
certificates: the ones built into caronboard (Freja's published JWS signing
certificates, all expired by now and kept for archived results), the ones in your
signer store, added with 'jws trust add --env freja-test|freja-prod' (in the user
config folder, see 'jws trust add --help'), and those given to one run with --cert.
Each counts only for its environment: a test certificate never makes a test result
pass under freja-prod.

` + rotationHelp + `.

Examples:
  caronboard jws trust list
  caronboard jws trust add --env freja-prod "Freja eID JWS Signing v4.pem"

Exit codes: 0 success, 1 a certificate was refused or the store could not be
written, 2 usage error.`,
	}
	c.AddCommand(NewJWSTrustListCmd(a, nil), NewJWSTrustAddCmd(a, nil))
	return c
}

// NewJWSTrustListCmd lists the trusted signing certificates.
func NewJWSTrustListCmd(a *App, runF func() error) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the trusted JWS signing certificates",
		Long: `List every certificate 'jws verify' trusts without --cert: its x5t (what a token's
header must name), subject, environment (freja-test or freja-prod; "untagged" for one
added before tags were required, which verify refuses unless --allow-untagged:
re-tag it with 'jws trust add --env ENV FILE'), validity and source (embedded in
caronboard, or user: in your signer store, with its file). A file in the signer store
that cannot be used is reported as a warning and skipped; a store that other users can
change is refused.

Examples:
  caronboard jws trust list
  caronboard jws trust list -o json

Exit codes: 0 success, 1 the signer store is refused (insecure_signer_store),
2 usage error.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF()
			}
			return jwsTrustListRun(a)
		},
	}
}

// jwsTrustListResult is what 'jws trust list' reports.
type jwsTrustListResult struct {
	Store        string          `json:"store,omitempty"`
	Certificates []jwsTrustEntry `json:"certificates"`
}

func jwsTrustListRun(a *App) error {
	store := jws.NewTrustStore()
	if err := jws.AddEmbedded(store); err != nil {
		return err
	}
	files, err := a.loadSigners(store)
	if err != nil {
		return err
	}
	res := &jwsTrustListResult{Certificates: []jwsTrustEntry{}}
	if s, err := a.jwsSignerStore(); err == nil {
		res.Store = s.Dir
	}
	for _, c := range store.Certificates() {
		res.Certificates = append(res.Certificates, a.newJWSTrustEntry(c, files[c.X5T]))
	}
	a.SetResult(res)
	if a.Quiet || a.JSON() {
		return nil
	}
	tw := tabwriter.NewWriter(a.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "X5T\tSOURCE\tENVIRONMENT\tVALIDITY\tSUBJECT")
	for _, e := range res.Certificates {
		env := e.Environment
		if env == "" {
			env = jws.Untagged
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.X5T, e.Source, env, e.validityText(), termSafe(e.Subject, false))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	a.Infof("\nSigner store: %s\n%s.\n", res.Store, rotationNote)
	return nil
}

// JWSTrustAddOptions are the inputs of 'caronboard jws trust add'.
type JWSTrustAddOptions struct {
	Files []string
	Env   string
}

// NewJWSTrustAddCmd adds signing certificates to the user's signer store.
func NewJWSTrustAddCmd(a *App, runF func(*JWSTrustAddOptions) error) *cobra.Command {
	opts := &JWSTrustAddOptions{}
	c := &cobra.Command{
		Use:   "add --env freja-test|freja-prod FILE...",
		Short: "Trust Freja's JWS signing certificate for one environment (e.g. after a rotation)",
		Long: `Add JWS signing certificates to your signer store, so that 'jws verify' accepts the
results they signed without --cert. Each FILE may be PEM (any number of certificates)
or DER. Every certificate is checked first, and nothing is added unless all of them
are acceptable: an RSA key of at least 2048 bits, and not a CA certificate (give the
signing certificate itself, not the CA that issued it).

--env is required: the certificate is trusted only for that environment, so 'jws
verify' (freja-prod by default) never accepts a result signed by a certificate added
with --env freja-test — anyone can create Freja test users with any personal number.
A certificate whose subject or issuer says Test (OU=Test, "RSA TEST Issuing CA") is
a test certificate and cannot be added for freja-prod. A certificate already in the
store without an environment (added by an older caronboard) is re-tagged: moved to
the environment's folder.

Each certificate is stored as <x5t>.pem (mode 0644) in caronboard/jws-trust/freja-test
or caronboard/jws-trust/freja-prod in the user config folder ($XDG_CONFIG_HOME or
~/.config on Linux, ~/Library/Application Support on macOS, %AppData% on Windows).
Every folder from the user config folder down and every file must be yours (or
root's) and not writable by group or others, or verify refuses the store. A
certificate that is already trusted is reported as such, not as an error. To stop
trusting one, delete its file; 'jws trust list' shows where it is. Why and when
to add one: see 'caronboard jws trust --help' (Freja's certificate rotation).

Examples:
  caronboard jws trust add --env freja-prod "Freja eID JWS Signing v4.pem"
  caronboard jws trust add --env freja-test jws-signing-test.pem

Exit codes: 0 every certificate is trusted (added, re-tagged or trusted before), 1 a
file could not be read, a certificate was refused (error codes not_rsa,
ca_certificate, weak_key, bad_certificate, test_certificate), the store is refused
(insecure_signer_store) or could not be written (trust_store), 2 usage error
(no --env).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("for example: caronboard jws trust add --env freja-prod \"Freja eID JWS Signing v4.pem\"", "jws trust add needs at least one certificate file")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			switch opts.Env {
			case jws.EnvFrejaTest, jws.EnvFrejaProd:
			case "":
				return usageErr("say which environment the certificate signs for: --env freja-prod or --env freja-test",
					"jws trust add needs --env")
			default:
				return usageErr("use --env freja-test or --env freja-prod", "unknown environment %q for JWS trust", opts.Env)
			}
			if runF != nil {
				return runF(opts)
			}
			return jwsTrustAddRun(cmd.Context(), a, opts)
		},
	}
	c.Flags().StringVar(&opts.Env, "env", "", "the environment the certificate signs for: freja-test or freja-prod (required)")
	_ = c.RegisterFlagCompletionFunc("env", cobra.FixedCompletions([]string{jws.EnvFrejaTest, jws.EnvFrejaProd}, cobra.ShellCompDirectiveNoFileComp))
	return c
}

// jwsTrustAdded is one certificate 'jws trust add' handled.
type jwsTrustAdded struct {
	jwsTrustEntry
	From string `json:"from"`
	// Action is "added", "retagged" or "already_trusted".
	Action string `json:"action"`
}

// jwsTrustAddResult is what 'jws trust add' reports.
type jwsTrustAddResult struct {
	Store        string          `json:"store"`
	Certificates []jwsTrustAdded `json:"certificates"`
}

func jwsTrustAddRun(ctx context.Context, a *App, opts *JWSTrustAddOptions) error {
	todo, err := readSigningCertificates(opts.Files)
	if err != nil {
		return err
	}
	store, err := a.jwsSignerStore()
	if err != nil {
		return err
	}
	known := jws.NewTrustStore()
	if err := jws.AddEmbedded(known); err != nil {
		return err
	}
	files, err := a.loadSigners(known)
	if err != nil {
		return err
	}
	// Decide everything before the first write, so that a refusal writes nothing.
	res := &jwsTrustAddResult{Store: store.Dir, Certificates: []jwsTrustAdded{}}
	var changes []jws.StoreChange
	var warnings []string
	for _, p := range todo {
		ch, warn, err := store.PlanAdd(known, files, p.cert, opts.Env)
		if err != nil {
			return jwsFileErr(p.from, err)
		}
		warnings = append(warnings, warn...)
		changes = append(changes, ch)
		item := jwsTrustAdded{From: p.from, Action: ch.Action}
		item.jwsTrustEntry = a.newJWSTrustEntry(ch.Cert, ch.Path)
		res.Certificates = append(res.Certificates, item)
	}
	for _, w := range warnings {
		a.Warn(w)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if err := store.Apply(ctx, changes); err != nil {
		return err
	}
	a.SetResult(res)
	res.print(a)
	return nil
}

// pendingCert is a certificate read for 'jws trust add', with its file.
type pendingCert struct {
	from string
	cert *x509.Certificate
}

// readSigningCertificates reads every certificate of every file and checks
// each may sign results; the first that may not stops everything.
func readSigningCertificates(paths []string) ([]pendingCert, error) {
	var todo []pendingCert
	for _, f := range paths {
		data, err := safefile.ReadFile(f, keystore.MaxInputSize)
		if err != nil {
			return nil, err
		}
		certs, err := jws.ParseCertificates(data)
		if err != nil {
			return nil, jwsFileErr(f, err)
		}
		for _, c := range certs {
			if err := jws.CheckSigningCertificate(c); err != nil {
				return nil, jwsFileErr(f, err)
			}
			todo = append(todo, pendingCert{f, c})
		}
	}
	return todo, nil
}

func (r *jwsTrustAddResult) print(a *App) {
	for _, c := range r.Certificates {
		switch c.Action {
		case jws.ActionAdded:
			a.Infof("Added:           %s\n", termSafe(c.Subject, false))
		case jws.ActionRetagged:
			a.Infof("Re-tagged:       %s (was untagged, now %s)\n", termSafe(c.Subject, false), c.Environment)
		default:
			a.Infof("Already trusted: %s (%s)\n", termSafe(c.Subject, false), map[string]string{jws.SourceEmbedded: "embedded in caronboard",
				jws.SourceUser: "in your signer store"}[c.Source])
		}
		a.Infof("  x5t:           %s\n", c.X5T)
		if c.Environment != "" {
			a.Infof("  environment:   %s\n", c.Environment)
		}
		a.Infof("  valid:         %s\n", c.validityText())
		if c.File != "" {
			a.Infof("  file:          %s\n", c.File)
		}
		if c.Validity == "expired" {
			a.Warn(c.Subject + " has expired: it verifies only results signed before " + c.NotAfter)
		}
	}
	a.Infof("\n%s.\n", rotationNote)
}
