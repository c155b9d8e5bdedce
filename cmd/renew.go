package cmd

import (
	"context"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// envP12Passphrase carries the passphrase of the current keystore (renew --p12).
const envP12Passphrase = "CARONBOARD_P12_PASSPHRASE"

// RenewOptions are the inputs of `caronboard renew`.
type RenewOptions struct {
	Cert, P12, Key    string
	P12PassphraseFile string
	Alias             string
	P12KeyPassFile    string
	NewKey, Out       string
	Bits              int
	Profile           string
	Env               string
	Zip, Force        bool
	PassphraseFile    string
	NoPassphrase      bool
	At                string
	overrides         map[string]string // csr flag name → value given
	profile           csr.Profile
	at                time.Time
}

// renewOverrideFlags are csr's subject flags, by profile field.
var renewOverrideFlags = map[string]string{
	"org": "O", "org-id": "organizationIdentifier", "country": "C", "unit": "OU", "common-name": "CN",
	"org-code": "CN", "role": "OU",
}

// NewRenewCmd makes a new key and a CSR carrying the current certificate's subject.
func NewRenewCmd(a *App, runF func(context.Context, *RenewOptions) error) *cobra.Command {
	opts := &RenewOptions{overrides: map[string]string{}}
	c := &cobra.Command{
		Use:   "renew (--cert CURRENT.cer | --p12 CURRENT.p12) --new-key FILE --out FILE.csr [--profile car|freja] [overrides]",
		Short: "Renew a client certificate: a new key and a CSR with the current subject",
		Long: `Prepare the renewal of a client certificate: make a new RSA key (never the old one) and a
CSR whose subject carries exactly the current certificate's values, checked again against
today's rules of the profile (--profile, or recognised from the certificate: CAR by
O=E-fakturabolaget, Freja by its organizationIdentifier). The CSR is made by the same code
as 'caronboard csr', so it is byte-identical to what csr makes for the same key and values.

A value that breaks today's rules is reported field by field with its fix; override single
fields with csr's flags: --org, --org-id, --country, --unit, --common-name (freja),
--org-code, --role (car). Nothing is written until every field passes.

--cert reads the current certificate (PEM or DER; the leaf of a chain file). --p12 reads
the leaf of a keystore (PKCS#12 or Java JKS, told by content) as 'pkcs12 inspect' does:
the empty passphrase first, then --p12-passphrase-file or CARONBOARD_P12_PASSPHRASE or a
prompt; a Java key entry with a passphrase of its own takes --p12-key-passphrase-file.
--alias picks the key entry of a keystore with several (without it, such a keystore is
refused with the list of its aliases). The new key is encrypted with --passphrase-file or
CARONBOARD_PASSPHRASE or a prompt (asked twice), or not at all with --no-passphrase.
--new-key is refused when it exists (unless --force) and always when it, or --out, is the
current certificate's, keystore's or key's own file (--key, or the .key named like --cert):
a renewal is written beside the old files, never over them. --env names the environment of the next steps' ping and client
commands (default: api for car, freja-prod for freja). --at judges the days left at
another time (RFC 3339).

Examples:
  caronboard renew --cert client.cer --new-key client-2027.key --out client-2027.csr
  caronboard renew --p12 rp.p12 --new-key rp-2027.key --out rp-2027.csr --zip --env freja-test
  caronboard renew --p12 app.jks --alias client --new-key client-2027.key --out client-2027.csr
  caronboard renew --cert rp.cer --new-key rp-2027.key --out rp-2027.csr --org "ACME Sverige AB"

Exit codes: 0 written, 1 invalid input or failure (nothing written), 2 usage error.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for name := range renewOverrideFlags {
				if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
					opts.overrides[name] = f.Value.String()
				}
			}
			if err := opts.validate(a); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return renewRun(cmd.Context(), a, opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Cert, "cert", "", "the current certificate")
	f.StringVar(&opts.P12, "p12", "", "the current PKCS#12 keystore (its leaf is renewed)")
	f.StringVar(&opts.Key, "key", "", "the current key file, so that nothing is ever written over it (optional)")
	f.StringVar(&opts.P12PassphraseFile, "p12-passphrase-file", "", "passphrase of --p12 (- for stdin)")
	f.StringVar(&opts.Alias, "alias", "", "the key entry of --p12 to renew, in a keystore with several")
	f.StringVar(&opts.P12KeyPassFile, "p12-key-passphrase-file", "", "passphrase of the key entry of --p12 when it differs from the keystore's (Java keystores)")
	f.StringVar(&opts.NewKey, "new-key", "", "file to write the new key to (required)")
	f.StringVar(&opts.Out, "out", "", "file to write the renewal CSR to (required)")
	f.IntVar(&opts.Bits, "bits", 0, "size of the new key (default 4096)")
	f.StringVar(&opts.Profile, "profile", "", "car or freja (default: recognised from the certificate)")
	f.StringVar(&opts.Env, "env", "", "environment of the next steps' ping and client commands")
	f.BoolVar(&opts.Zip, "zip", false, "also write OUT.zip holding the CSR, ready to mail to Freja partner support")
	f.BoolVar(&opts.Force, "force", false, "replace an existing --new-key or --out (atomically)")
	f.StringVar(&opts.PassphraseFile, "passphrase-file", "", "passphrase for the new key (- for stdin)")
	f.BoolVar(&opts.NoPassphrase, "no-passphrase", false, "write the new key unencrypted")
	f.StringVar(&opts.At, "at", "", "count the days left at this time (RFC 3339) instead of now")
	for _, name := range []string{"org", "org-id", "country", "unit", "common-name", "org-code", "role"} {
		f.String(name, "", "override "+renewOverrideFlags[name]+" (as in 'caronboard csr')")
	}
	c.MarkFlagsMutuallyExclusive("cert", "p12")
	c.MarkFlagsMutuallyExclusive("passphrase-file", "no-passphrase")
	registerProfileCompletion(c)
	registerRoleCompletion(c)
	registerEnvCompletion(c, a)
	return c
}

func (o *RenewOptions) validate(a *App) error {
	if (o.Cert == "") == (o.P12 == "") {
		return usageErr("give the current certificate: --cert CURRENT.cer or --p12 CURRENT.p12", "give exactly one of --cert and --p12")
	}
	if o.NewKey == "" || o.Out == "" {
		return usageErr("for example: --new-key client-2027.key --out client-2027.csr", "--new-key and --out are required")
	}
	if (o.P12PassphraseFile != "" || o.Alias != "" || o.P12KeyPassFile != "") && o.P12 == "" {
		return usageErr("--p12-passphrase-file, --p12-key-passphrase-file and --alias apply to --p12", "--p12-passphrase-file, --p12-key-passphrase-file and --alias need --p12")
	}
	if n := btoi(o.P12PassphraseFile == "-") + btoi(o.P12KeyPassFile == "-") + btoi(o.PassphraseFile == "-"); n > 1 {
		return usageErr("put one of the passphrases in a file", "--p12-passphrase-file and --passphrase-file cannot both read stdin")
	}
	if o.Profile != "" {
		p, err := csr.ParseProfile(o.Profile)
		if err != nil {
			return usageErr("use --profile car or --profile freja", "unknown profile %q", o.Profile)
		}
		o.profile = p
	}
	var err error
	if o.at, err = parseAt(o.At, a.Now); err != nil {
		return err
	}
	outs := o.outputs()
	for i, p := range outs {
		for _, q := range outs[i+1:] {
			if samePath(p, q) {
				return usageErr("write the new key and the CSR to different files", "--new-key and --out name the same file")
			}
		}
		for _, cur := range o.currentFiles() {
			if samePath(p, cur) {
				return usageErr("write the renewal beside the current files, e.g. --new-key client-2027.key --out client-2027.csr",
					"%s is the current certificate, keystore or key: a renewal never writes over it", p)
			}
		}
	}
	return nil
}

// currentFiles are the files a renewal must never write over: --cert, --p12,
// --key, and the key named like the certificate (client.cer → client.key)
// when it exists, since that is most likely the current key.
func (o *RenewOptions) currentFiles() []string {
	var out []string
	for _, f := range []string{o.Cert, o.P12, o.Key} {
		if f != "" {
			out = append(out, f)
		}
	}
	if o.Cert != "" {
		if k := strings.TrimSuffix(o.Cert, filepath.Ext(o.Cert)) + ".key"; exists(k) {
			out = append(out, k)
		}
	}
	return out
}

// outputs are the files one renew run may write.
func (o *RenewOptions) outputs() []string {
	out := []string{o.NewKey, o.Out}
	if o.Zip {
		out = append(out, o.Out+".zip")
	}
	return out
}

// samePath reports whether two paths name the same file: the same absolute
// path, or (when both exist) the same file through links.
func samePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	if err1 == nil && err2 == nil && aa == bb {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

func renewRun(ctx context.Context, a *App, opts *RenewOptions) error {
	cur, err := a.currentLeaf(ctx, opts)
	if err != nil {
		return err
	}
	ren, err := csr.NewRenewal(cur.RawSubject, opts.profile)
	if err != nil {
		return err
	}
	opts.profile = ren.Profile
	if err := opts.applyOverrides(ren); err != nil {
		return err
	}
	subj, err := ren.Subject()
	if err != nil {
		return renewSubjectErr(err, ren.Profile)
	}
	for _, path := range opts.outputs() {
		if err := safefile.CheckWritable(path, opts.Force); err != nil {
			return err
		}
	}
	sub := &CSROptions{Profile: string(ren.Profile), profile: ren.Profile, Out: opts.Out, NewKey: opts.NewKey, Bits: opts.Bits,
		PassphraseFile: opts.PassphraseFile, NoPassphrase: opts.NoPassphrase, Zip: opts.Zip, Force: opts.Force}
	rep, err := writeCSRFiles(ctx, a, sub, subj)
	if err != nil {
		return err
	}
	res := newRenewResult(opts, cur, ren, subj, rep)
	a.SetResult(res)
	res.print(a)
	return nil
}

// currentLeaf reads the certificate being renewed.
func (a *App) currentLeaf(ctx context.Context, opts *RenewOptions) (*x509.Certificate, error) {
	if opts.Cert != "" {
		certs, err := keystore.ReadCertificates(opts.Cert)
		if err != nil {
			return nil, err
		}
		for _, c := range certs {
			if !c.IsCA {
				return c, nil
			}
		}
		return certs[0], nil
	}
	sf := &storeFlags{PassphraseFile: opts.P12PassphraseFile, KeyPassphraseFile: opts.P12KeyPassFile, Alias: opts.Alias,
		passFlag: "--p12-passphrase-file", envVar: envP12Passphrase}
	st, err := a.openStore(ctx, opts.P12, sf)
	if errors.Is(err, keystore.ErrWrongPassphrase) && strings.Contains(err.Error(), "--key-passphrase-file") {
		return nil, &Error{Code: codeWrongPassphrase, Err: err,
			Message: strings.ReplaceAll(err.Error(), "--key-passphrase-file", "--p12-key-passphrase-file"),
			Hint:    "give the key entry's passphrase with --p12-key-passphrase-file FILE"}
	}
	var e0 *Error
	if errors.Is(err, keystore.ErrWrongPassphrase) && !errors.As(err, &e0) {
		// The generic hint names --passphrase-file, which is the new key's here.
		return nil, &Error{Code: codeWrongPassphrase, Err: err, Message: err.Error(),
			Hint: "check the passphrase of --p12 given with --p12-passphrase-file or " + envP12Passphrase}
	}
	if err != nil {
		return nil, err
	}
	e, err := keyEntry(opts.P12, st, opts.Alias)
	if err != nil {
		return nil, err
	}
	return e.Chain[0], nil
}

// applyOverrides puts csr-style flag values into the renewal's fields.
func (o *RenewOptions) applyOverrides(r *csr.Renewal) error {
	for name, v := range o.overrides {
		car := name == "org-code" || name == "role"
		if car != (r.Profile == csr.CAR) {
			return usageErr("the "+string(r.Profile)+" profile does not use it; see 'caronboard renew --help'", "--%s is not a %s flag", name, r.Profile)
		}
		switch name {
		case "org":
			r.Freja.Org = v
		case "org-id":
			r.Freja.OrgID = v
		case "country":
			r.Freja.Country = v
		case "unit":
			r.Freja.Unit = v
		case "common-name":
			r.Freja.CommonName = v
		case "org-code":
			r.CAR.OrgCode = v
		case "role":
			r.CAR.Role = v
		}
		field := renewOverrideFlags[name]
		kept := r.Repeated[:0]
		for _, f := range r.Repeated {
			if f != field {
				kept = append(kept, f)
			}
		}
		r.Repeated = kept
	}
	return nil
}

// renewSubjectErr adds to each invalid field the flag that overrides it.
func renewSubjectErr(err error, p csr.Profile) error {
	e := classify(err)
	for i, d := range e.Details {
		if flag := overrideFlag(p, d.Field); flag != "" {
			e.Details[i].Hint = d.Hint + "; then renew with " + flag + " VALUE"
		}
	}
	if len(e.Details) > 1 || len(e.Details) == 0 {
		e.Hint = "today's rules refuse the current certificate's subject: override the fields named above (--org, --unit, …, as in 'caronboard csr')"
	}
	e.Message = "the current certificate's subject breaks today's " + string(p) + " rules: " + e.Message
	return e
}

// overrideFlag is the flag that sets a profile field.
func overrideFlag(p csr.Profile, field string) string {
	for name, f := range renewOverrideFlags {
		car := name == "org-code" || name == "role"
		if f == field && car == (p == csr.CAR) {
			return "--" + name
		}
	}
	return ""
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
