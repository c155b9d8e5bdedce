package cmd

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
		Short: "List or add the certificates trusted to sign Freja results",
		Long: `'jws verify' trusts a result only when its x5t header names one of these
certificates: the ones built into caronboard (Freja's published JWS signing
certificates, all expired by now and kept for archived results), the ones you added
with 'jws trust add' (stored in the user config folder, see 'jws trust add --help'),
and those given to one run with --cert.

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
header must name), subject, environment (freja-test, freja-prod, or none for the ones
you added, which count for both), validity and source (embedded in caronboard, or
user: added with 'jws trust add', with its file). A file in the user's store that
cannot be used is reported as a warning and skipped.

Examples:
  caronboard jws trust list
  caronboard jws trust list -o json

Exit codes: 0 success, 2 usage error.`,
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
	files := a.loadUserTrust(store)
	res := &jwsTrustListResult{Certificates: []jwsTrustEntry{}}
	res.Store, _ = jwsTrustDir()
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
			env = "any"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.X5T, e.Source, env, e.validityText(), termSafe(e.Subject, false))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	a.Infof("\nUser store: %s\n%s.\n", res.Store, rotationNote)
	return nil
}

// JWSTrustAddOptions are the inputs of 'caronboard jws trust add'.
type JWSTrustAddOptions struct {
	Files []string
	Env   string
}

// NewJWSTrustAddCmd adds signing certificates to the user's trust store.
func NewJWSTrustAddCmd(a *App, runF func(*JWSTrustAddOptions) error) *cobra.Command {
	opts := &JWSTrustAddOptions{}
	c := &cobra.Command{
		Use:   "add FILE... [--env freja-test|freja-prod]",
		Short: "Trust Freja's JWS signing certificate (e.g. after a rotation)",
		Long: `Add JWS signing certificates to your trust store, so that 'jws verify' accepts the
results they signed without --cert. Each FILE may be PEM (any number of certificates)
or DER. Every certificate is checked first, and nothing is added unless all of them
are acceptable: an RSA key of at least 2048 bits, and not a CA certificate (give the
signing certificate itself, not the CA that issued it).

With --env the certificate is trusted only for that environment: 'jws verify --env
freja-prod' will not accept a result signed by a certificate added with --env
freja-test (anyone can create test users, so never let test results pass as
production ones). Without --env it is trusted under every environment, and verify
warns when such a certificate signs under --env.

Each certificate is stored as <x5t>.pem (mode 0644) in caronboard/jws-trust (or its
freja-test / freja-prod subfolder) in the user config folder ($XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application
Support on macOS, %AppData% on Windows). A certificate that is already trusted is
reported as such, not as an error. To stop trusting one, delete its file; 'jws trust
list' shows where it is.

` + rotationHelp + `.

Examples:
  caronboard jws trust add --env freja-prod "Freja eID JWS Signing v4.pem"
  caronboard jws trust add --env freja-test jws-signing-test.pem

Exit codes: 0 every certificate is trusted (added now or before), 1 a file could
not be read, a certificate was refused (error codes not_rsa, ca_certificate,
weak_key, bad_certificate) or the store could not be written, 2 usage error.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("for example: caronboard jws trust add \"Freja eID JWS Signing v4.pem\"", "jws trust add needs at least one certificate file")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if opts.Env != "" && opts.Env != jws.EnvFrejaTest && opts.Env != jws.EnvFrejaProd {
				return usageErr("use --env freja-test or --env freja-prod", "unknown environment %q for JWS trust", opts.Env)
			}
			if runF != nil {
				return runF(opts)
			}
			return jwsTrustAddRun(a, opts)
		},
	}
	c.Flags().StringVar(&opts.Env, "env", "", "trust the certificate only for this environment: freja-test or freja-prod")
	return c
}

// jwsTrustAdded is one certificate 'jws trust add' handled.
type jwsTrustAdded struct {
	jwsTrustEntry
	From string `json:"from"`
	// Action is "added" or "already_trusted".
	Action string `json:"action"`
}

// jwsTrustAddResult is what 'jws trust add' reports.
type jwsTrustAddResult struct {
	Store        string          `json:"store"`
	Certificates []jwsTrustAdded `json:"certificates"`
}

func jwsTrustAddRun(a *App, opts *JWSTrustAddOptions) error {
	todo, err := readSigningCertificates(opts.Files)
	if err != nil {
		return err
	}
	dir, err := jwsTrustDir()
	if err != nil {
		return err
	}
	storeDir := filepath.Join(dir, opts.Env)
	known := jws.NewTrustStore()
	if err := jws.AddEmbedded(known); err != nil {
		return err
	}
	files := a.loadUserTrust(known)
	// Decide everything before the first write, so that a refusal writes nothing.
	res := &jwsTrustAddResult{Store: dir, Certificates: []jwsTrustAdded{}}
	var writes []trustWrite
	for _, p := range todo {
		tc, err := known.Add(p.cert, opts.Env, jws.SourceUser)
		if err != nil {
			return jwsFileErr(p.from, err)
		}
		item := jwsTrustAdded{From: p.from, Action: "already_trusted"}
		if tc.Source == jws.SourceUser && files[tc.X5T] == "" {
			w, err := a.planTrustWrite(filepath.Join(storeDir, tc.X5T+".pem"), p.cert)
			if err != nil {
				return err
			}
			writes = append(writes, w)
			item.Action = "added"
			files[tc.X5T] = w.path
		}
		item.jwsTrustEntry = a.newJWSTrustEntry(tc, files[tc.X5T])
		res.Certificates = append(res.Certificates, item)
	}
	if err := writeTrusted(storeDir, writes); err != nil {
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

// trustWrite is one file 'jws trust add' writes.
type trustWrite struct {
	path    string
	data    []byte
	replace bool
}

// planTrustWrite decides how to store a certificate at path. A file already
// there does not hold it (or it would have been loaded): one with no usable
// certificate (skipped with a warning when loading) is replaced; one that
// holds other certificates is left alone and the add refused.
func (a *App) planTrustWrite(path string, cert *x509.Certificate) (trustWrite, error) {
	w := trustWrite{path: path, data: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})}
	if _, err := os.Lstat(path); err != nil {
		return w, nil
	}
	old, err := safefile.ReadFile(path, keystore.MaxInputSize)
	if err == nil {
		_, err = jws.NewTrustStore().AddBytes(old, "", jws.SourceUser)
	}
	if err == nil {
		return w, &Error{Code: codeTrustStore,
			Message: path + " already holds other certificates under this certificate's name",
			Hint:    "rename that file (any name ending in .pem works) and add the certificate again"}
	}
	a.Warn("replacing " + path + ", which held no usable certificate")
	w.replace = true
	return w, nil
}

// writeTrusted creates the store's folder (0755) and writes the files
// (0644); if one fails, the ones this run created are removed.
func writeTrusted(dir string, writes []trustWrite) error {
	if len(writes) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return failErr(codeTrustStore, "check that the user config folder is writable", err)
	}
	var b fileBatch
	for _, w := range writes {
		err := b.write(w.path, w.data, 0o644, w.replace)
		if err != nil && !errors.Is(err, safefile.ErrExists) { // ErrExists: added at the same moment by another run
			return b.undo(failErr(codeTrustStore, "check that "+dir+" is writable", err))
		}
	}
	return nil
}

func (r *jwsTrustAddResult) print(a *App) {
	for _, c := range r.Certificates {
		if c.Action == "added" {
			a.Infof("Added:           %s\n", termSafe(c.Subject, false))
		} else {
			a.Infof("Already trusted: %s (%s)\n", termSafe(c.Subject, false), map[string]string{jws.SourceEmbedded: "embedded in caronboard",
				jws.SourceUser: "in your trust store"}[c.Source])
		}
		a.Infof("  x5t:           %s\n", c.X5T)
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
