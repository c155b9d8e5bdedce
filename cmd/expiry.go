package cmd

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/expiry"
	"github.com/caronboard/caronboard/pkg/jws"
)

// ExpiryOptions are the inputs of `caronboard expiry`.
type ExpiryOptions struct {
	Paths          []string
	Dir            string
	Env            string
	All            bool
	JWS            bool
	Warn           string
	PassphraseFile string
	NoPassphrase   bool
	Format         string
	Out            string
	At             string
	SandboxDir     string

	warn time.Duration
	at   time.Time
}

// NewExpiryCmd reports when every certificate the integrator depends on expires.
func NewExpiryCmd(a *App, runF func(context.Context, *ExpiryOptions) error) *cobra.Command {
	opts := &ExpiryOptions{}
	c := &cobra.Command{
		Use:   "expiry [PATH...] [--dir DIR] [--env NAME | --all] [--jws] [--warn 30d] [--format text|json|prometheus] [--out FILE]",
		Short: "Say when each certificate you depend on expires; exit 1 before one does",
		Long: `Find the certificates the integration depends on and say when each expires:
certificate files and chains (PEM or DER, several per file), PKCS#12 keystores (the leaf
and its chain), PKCS#12 and PEM trust stores, the server CAs of an environment (--env, or
--all for every one, from the config file and the built-ins) and the JWS signing
certificates of 'jws trust' (--jws, implied by --all and --env freja-*).

Each row says what the certificate is (role: client, ca, trust_anchor, jws_signer), its
file (and alias), subject, issuer, not-after date, the days left and its state: ok,
expires_soon (within --warn, default 30d), expired, not_yet_valid. Expired JWS signing
certificates compiled into caronboard are kept only to verify archived results: they
show as archived and never fail the run. Keystores are recognised by content and opened
as 'pkcs12 inspect' opens them: the empty passphrase first (Windows and Azure exports,
stores exported with an empty password), then --passphrase-file (or CARONBOARD_PASSPHRASE). A keystore
that opens with neither shows as unreadable_without_passphrase when no passphrase was
given, which is not a failure. --no-passphrase says the keystores have none: one that
needs a passphrase is then a read error. caronboard expiry never prompts.

PATH may be a file or a folder (read recursively: *.pem *.cer *.crt *.der *.p12 *.pfx
*.jks *.keystore).
With no PATH, --dir, --env, --all or --jws, the current folder is read.

--format prometheus writes the Prometheus text format with the metric names of
x509-certificate-exporter (x509_cert_not_after, x509_cert_not_before, x509_cert_expired,
labels filepath, subject_CN, issuer_CN, serial_number, role; x509_read_errors), for
node_exporter's textfile collector. --out FILE writes the report atomically (the
collector never reads half a file) and replaces the previous one. --at judges at
another time (RFC 3339) instead of now.

Examples:
  caronboard expiry --dir ~/caronboard --all
  caronboard expiry client.cer rp.p12 --passphrase-file pass.txt --warn 45d
  caronboard expiry app.jks --passphrase-file storepass.txt --format json
  caronboard expiry --dir /etc/caronboard --all --format prometheus \
      --out /var/lib/prometheus/node-exporter/caronboard.prom

Exit codes: 0 nothing expired or within --warn, 1 something is (or a file could not be
read), 2 usage error.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if err := opts.validate(a); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return expiryRun(cmd.Context(), a, opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Dir, "dir", "", "folder to read certificate files from (recursively)")
	f.StringVar(&opts.Env, "env", "", "also check this environment's server CAs")
	f.BoolVar(&opts.All, "all", false, "also check every environment's server CAs and the JWS signing certificates")
	f.BoolVar(&opts.JWS, "jws", false, "also check the JWS signing certificates of 'jws trust' (embedded and yours)")
	f.StringVar(&opts.Warn, "warn", "30d", "warn this long before expiry (e.g. 30d, 720h)")
	f.StringVar(&opts.PassphraseFile, "passphrase-file", "", "passphrase of keystores that do not open without one (- for stdin)")
	f.BoolVar(&opts.NoPassphrase, "no-passphrase", false, "the keystores have no passphrase: one that needs it is a read error")
	f.StringVar(&opts.Format, "format", "", "text, json or prometheus (default text, or json with -o json)")
	f.StringVar(&opts.Out, "out", "", "write the report to this file atomically instead of stdout")
	f.StringVar(&opts.At, "at", "", "judge at this time (RFC 3339) instead of now")
	f.StringVar(&opts.SandboxDir, "sandbox-dir", "", "sandbox folder for the sandbox environment (default: caronboard/sandbox in the user config folder)")
	c.MarkFlagsMutuallyExclusive("env", "all")
	c.MarkFlagsMutuallyExclusive("passphrase-file", "no-passphrase")
	registerEnvCompletion(c, a)
	return c
}

func (o *ExpiryOptions) validate(a *App) error {
	switch o.Format {
	case "":
		o.Format = "text"
		if a.JSON() {
			o.Format = "json"
		}
	case "json":
		a.Output = "json"
	case "text", "prometheus":
		if a.JSON() && o.Out == "" {
			// Both would go to stdout: two formats mixed, or no JSON object.
			return usageErr("drop one, or write the "+o.Format+" report to a file with --out FILE (stdout then gets the JSON object)",
				"--format %s and -o json both choose what stdout gets", o.Format)
		}
	default:
		return usageErr("use --format text, json or prometheus", "unknown --format %q", o.Format)
	}
	w, err := parseWarn(o.Warn)
	if err != nil {
		return err
	}
	o.warn = w
	if o.at, err = parseAt(o.At, a.Now); err != nil {
		return err
	}
	for _, p := range o.Paths {
		if p == o.Out && p != "" {
			return usageErr("write the report to another file", "--out must not be one of the files read")
		}
	}
	if len(o.Paths) == 0 && o.Dir == "" && o.Env == "" && !o.All && !o.JWS {
		o.Dir = "."
	}
	return nil
}

// parseWarn reads --warn: whole days ("30d") or a Go duration ("720h").
func parseWarn(s string) (time.Duration, error) {
	bad := usageErr("write it as days (30d) or hours (720h)", "--warn %q is not a duration", s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 || days > 36500 {
			return 0, bad
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, bad
	}
	return d, nil
}

func expiryRun(ctx context.Context, a *App, opts *ExpiryOptions) error {
	if opts.Out != "" {
		if err := safefile.CheckWritable(opts.Out, true); err != nil {
			return err
		}
	}
	sc := &expiry.Scanner{At: opts.at, Warn: opts.warn, NoPassphrase: opts.NoPassphrase, Context: ctx}
	if !opts.NoPassphrase && (opts.PassphraseFile != "" || a.Getenv(envPassphrase) != "") {
		pass, err := a.readSecret(secretSpec{what: "keystore passphrase", file: opts.PassphraseFile,
			fileFlag: "--passphrase-file", envVar: envPassphrase})
		if err != nil {
			return err
		}
		sc.Passphrase = pass
	}
	for _, p := range opts.Paths {
		sc.AddPath(p)
	}
	if opts.Dir != "" {
		sc.AddPath(opts.Dir)
	}
	if err := a.expiryEnvironments(sc, opts); err != nil {
		return err
	}
	if opts.JWS || opts.All || strings.HasPrefix(opts.Env, "freja-") {
		if err := a.expiryJWS(sc); err != nil {
			return err
		}
	}
	rep := sc.Report()
	res := newExpiryResult(rep)
	out, err := renderExpiry(opts.Format, rep, res)
	if err != nil {
		return err
	}
	if opts.Out != "" {
		if err := a.writeFile(ctx, opts.Out, out, 0o644, true); err != nil {
			return err
		}
		if a.JSON() {
			a.SetResult(res)
		} else {
			a.Infof("Wrote %s (%s)\n", opts.Out, rep.Summary())
		}
	} else if opts.Format == "json" {
		a.SetResult(res)
	} else {
		if _, err := a.Out.Write(out); err != nil {
			return err
		}
	}
	if rep.Failed() {
		return expiryFailure(rep)
	}
	return nil
}

// expiryResult is the JSON object of `caronboard expiry`.
type expiryResult struct {
	At           string             `json:"at"`
	WarnDays     int                `json:"warn_days"`
	Certificates []expiry.Entry     `json:"certificates"`
	Errors       []expiry.ReadError `json:"errors,omitempty"`
	Counts       map[string]int     `json:"counts"`
}

func newExpiryResult(r *expiry.Report) *expiryResult {
	certs := r.Certificates
	if certs == nil {
		certs = []expiry.Entry{}
	}
	return &expiryResult{At: r.At.UTC().Format(time.RFC3339), WarnDays: int(r.Warn / (24 * time.Hour)),
		Certificates: certs, Errors: r.Errors, Counts: r.Counts()}
}

// renderExpiry is the report in the chosen format.
func renderExpiry(format string, rep *expiry.Report, res *expiryResult) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch format {
	case "prometheus":
		err = expiry.WritePrometheus(&buf, rep)
	case "json":
		env := envelope{OK: !rep.Failed()}
		if !env.OK {
			e := expiryFailure(rep)
			env.Error = &jsonError{Code: e.Code, Message: e.Message, Hint: e.Hint}
		}
		err = writeJSON(&buf, env, res)
	default:
		err = expiry.WriteText(&buf, rep)
	}
	return buf.Bytes(), err
}

// expiryFailure is the exit-1 error of a run that found something to act on.
func expiryFailure(rep *expiry.Report) *Error {
	c := rep.Counts()
	code := codeExpiring
	if c["expired"] > 0 {
		code = codeExpired
	} else if c["expires_soon"] == 0 && c["not_yet_valid"] == 0 {
		// Only read errors: renewing is not the fix.
		return &Error{Code: codeUnreadable, Message: rep.Summary(),
			Hint: "fix or remove the files listed as unreadable; renewing is not needed"}
	}
	return &Error{Code: code, Message: rep.Summary(),
		Hint: "renew with 'caronboard renew --cert CURRENT.cer --new-key NEW.key --out NEW.csr'; fix or remove unreadable files"}
}

// expiryEnvironments adds the server CAs of --env or of every environment.
func (a *App) expiryEnvironments(sc *expiry.Scanner, opts *ExpiryOptions) error {
	if opts.Env == "" && !opts.All {
		return nil
	}
	envs, err := a.environments()
	if err != nil {
		return err
	}
	names := envNames(envs)
	if opts.Env != "" {
		if _, ok := envs[opts.Env]; !ok {
			return usageErr("known environments: "+strings.Join(names, ", "), "unknown environment %q", opts.Env)
		}
		names = []string{opts.Env}
	}
	for _, name := range names {
		e := envs[name]
		if e.CA == "" {
			a.Warn(fmt.Sprintf("environment %s has no server CA configured: set environments.%s.ca in the config file", name, name))
			continue
		}
		certs, src, err := a.serverRoots(e, nil, a.orDefaultSandbox(opts.SandboxDir))
		if err != nil {
			if e.CA == "sandbox" && opts.All {
				continue // no sandbox made: nothing to watch
			}
			sc.AddError("environment "+name, err)
			continue
		}
		sc.AddCertificates(certs, expiry.RoleTrustAnchor, src, name, "server CA of "+name)
	}
	return nil
}

// expiryJWS adds the JWS signing certificates: embedded and the user's.
func (a *App) expiryJWS(sc *expiry.Scanner) error {
	store := jws.NewTrustStore()
	if err := jws.AddEmbedded(store); err != nil {
		return err
	}
	files, err := a.loadSigners(store)
	if err != nil {
		sc.AddError("JWS signer store", err)
	}
	for _, c := range store.Certificates() {
		file := files[c.X5T]
		if file == "" {
			file = "embedded:" + c.Environment
		}
		sc.AddJWSSigner(c, file)
	}
	return nil
}
