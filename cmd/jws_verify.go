package cmd

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/jws"
)

// JWSVerifyOptions are the inputs of 'caronboard jws verify'.
type JWSVerifyOptions struct {
	// Arg is the TOKEN argument, or with --batch the input file; "" or "-"
	// reads stdin.
	Arg string
	// Env is --env, or when not given CARONBOARD_JWS_ENV, the config file's
	// jws-env, or freja-prod.
	Env           string
	Certs         []string
	At            string
	Batch         bool
	AllowUntagged bool
	// The live checks (zero: not checked).
	ExpectRef      string
	MaxAge         time.Duration
	ExpectUser     string
	ExpectStatus   string
	ExpectText     string
	ExpectDataFile string

	at   time.Time // zero unless --at was given
	user *jws.User // parsed --expect-user
}

// NewJWSVerifyCmd verifies Freja's signed results, one or a batch.
func NewJWSVerifyCmd(a *App, runF func(context.Context, *JWSVerifyOptions) error) *cobra.Command {
	opts := &JWSVerifyOptions{}
	c := &cobra.Command{
		Use: "verify [TOKEN|-] [--env freja-prod|freja-test|any] [--cert FILE]... [--at RFC3339] [--batch]\n" +
			"  [--expect-ref REF] [--max-age DURATION] [--expect-user TYPE:VALUE] [--expect-status STATUS]\n" +
			"  [--expect-text TEXT] [--expect-data-file FILE] [--allow-untagged]",
		Short: "Verify a Freja result's JWS strictly: RS256, a trusted x5t, valid at signing time",
		Long: `Verify the JWS Freja returned in a result's details field, strictly:

  - compact serialization only: three base64url parts, no padding, no line breaks;
    a header that is one JSON object without duplicate members
  - alg exactly RS256 (none, HS*, PS*, ES* and every case or spacing variant are
    refused); a crit header is refused
  - the key comes only from trust: x5t must be the SHA-1 thumbprint of a trusted
    certificate of the environment; jwk, jku, x5c and x5u in the token are ignored
  - the signed payload must be one valid JSON object, and a result's signed status
    APPROVED (or --expect-status)
  - the certificate must have been valid when the result was signed: at the payload's
    timestamp, or at --at; that it has expired since is a warning, not a failure, so
    archived results stay verifiable
  - for a Freja result object: no duplicate or case-variant members, and its status,
    authRef/signRef and requestedAttributes must match the signed ones

Archive or live. Without the --expect-* and --max-age flags this proves that Freja
signed the result, whenever that was: right for archives, but an approved result is a
bearer token and verifies for ever, for any session. A relying party's backend
verifying a result as it arrives must bind it to its own request:
  --expect-ref REF          the authRef/signRef it got when it initiated the request
                            (ref_mismatch)
  --max-age DURATION        signed at most this long ago, with 1m of clock skew allowed
                            either way (stale_result; future_timestamp; a payload without
                            a timestamp: missing_timestamp)
  --expect-user TYPE:VALUE  the user it expects: EMAIL:a@example.org, PHONE:+4670…, or
                            SSN:SE:190001019876 (compared on the decoded country and
                            number) (user_mismatch)
  --expect-text TEXT, --expect-data-file FILE
                            for a signature result: the text and binary data the user
                            was shown and signed (signed_data_mismatch)
  --expect-status STATUS    the signed status required (default APPROVED)
--batch is for archives and takes none of them but --expect-status.

Trust fails closed. Trusted certificates: those embedded in caronboard (see 'jws
trust list'), your signer store ('jws trust add --env …'), and --cert FILE for this
run. --env (default freja-prod, or CARONBOARD_JWS_ENV, or jws-env in the config file)
trusts only that environment's certificates, so a result signed by a Freja test
certificate (anyone can create test users) is refused unless you say --env
freja-test; --env any trusts every environment's and warns. A certificate in your
store without an environment is refused unless --allow-untagged (re-tag it with 'jws
trust add --env'). --cert counts under any environment: you named it for this run.
A signer store that other users can change is refused. When Freja rotates its
signing certificate, add the new one: see 'caronboard jws trust --help'.

The input is the TOKEN argument, or with no argument or "-" stdin: a compact token, a
Freja result object, or the authenticationResults/signatureResults list (every
result must verify). The output is the verdict, the signer (subject, x5t, validity,
where it is trusted from), the signing time and where it came from, warnings, and the
verified payload explained as in 'jws decode'. With -o json: "verdict" and a
"results" array, one entry per token, each with "ok" and, on failure, "error".

--batch verifies many: one input (a token, or one Freja result JSON) per line of the
FILE argument, or of stdin. It uses every core, streams in constant memory, and
writes one JSON line per input to stdout in input order, whatever -o says:
  {"line":3,"ok":true,"x5t":"…","env":"freja-prod","status":"APPROVED","ref":"…","signing_time":"…"}
  {"line":4,"ok":false,"x5t":"…","env":"freja-prod","error":{"code":"bad_signature","message":"…"}}
Blank lines are skipped but counted, so line numbers match the input. Then a summary
(counts by outcome) goes to stderr — one JSON object with -o json — and no final JSON
object is printed: the lines are the output.

Examples:
  caronboard jws verify --expect-ref "$AUTH_REF" --max-age 2m --expect-user EMAIL:a@example.org < result.json
  caronboard jws verify --env freja-test --cert jws-signing-test.pem eyJ4NXQiOiIyTFFJ…
  caronboard jws verify --at 2022-07-28T07:16:22Z --cert old.pem < details.jws
  caronboard jws verify --batch archive.txt > verified.jsonl

Exit codes: 0 verified (with --batch: every line), 1 refused — error.code is one of
malformed, alg_not_allowed, crit_not_allowed, missing_x5t, unknown_x5t,
bad_signature, cert_not_valid_at_signing_time, weak_key, details_mismatch,
result_not_approved, not_a_result, too_large, ref_mismatch, stale_result,
missing_timestamp, future_timestamp, user_mismatch, signed_data_mismatch,
insecure_signer_store — or with --batch any line failed, 2 usage error.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErr("give one token (or with --batch one file), or none to read stdin",
					"jws verify takes at most one argument, got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Arg = args[0]
			}
			if !cmd.Flags().Changed("env") {
				opts.Env = a.jwsDefaultEnv()
			}
			if err := opts.validate(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			if opts.Batch {
				return jwsBatchRun(cmd.Context(), a, opts)
			}
			return jwsVerifyRun(a, opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Env, "env", "", "trust only this environment's certificates: freja-prod (default), freja-test, or any")
	f.StringArrayVar(&opts.Certs, "cert", nil, "also trust this JWS signing certificate for this run, under any environment, PEM or DER (repeatable)")
	f.StringVar(&opts.At, "at", "", "check the certificate at this signing time (RFC 3339) instead of the payload's timestamp")
	f.BoolVar(&opts.Batch, "batch", false, "verify one input per line of FILE or stdin, writing JSON lines (archives)")
	f.BoolVar(&opts.AllowUntagged, "allow-untagged", false, "also trust certificates of your signer store that have no environment")
	f.StringVar(&opts.ExpectRef, "expect-ref", "", "the authRef or signRef the result must answer (the one your request got)")
	f.DurationVar(&opts.MaxAge, "max-age", 0, "refuse a result signed longer ago than this, e.g. 2m (1m clock skew allowed)")
	f.StringVar(&opts.ExpectUser, "expect-user", "", "the user the result must be about: TYPE:VALUE, e.g. EMAIL:a@example.org or SSN:SE:190001019876")
	f.StringVar(&opts.ExpectStatus, "expect-status", "", "the signed status a result must have (default APPROVED)")
	f.StringVar(&opts.ExpectText, "expect-text", "", "the text the user was shown and signed (signature results)")
	f.StringVar(&opts.ExpectDataFile, "expect-data-file", "", "a file with the binary data the user signed (EXTENDED signature results)")
	_ = c.RegisterFlagCompletionFunc("env", cobra.FixedCompletions([]string{jws.EnvFrejaProd, jws.EnvFrejaTest, jws.EnvAny}, cobra.ShellCompDirectiveNoFileComp))
	return c
}

// jwsLiveFlags are the flags of live verification, which --batch refuses.
var jwsLiveFlags = []string{"expect-ref", "max-age", "expect-user", "expect-text", "expect-data-file"}

func (o *JWSVerifyOptions) validate(cmd *cobra.Command) error {
	switch o.Env {
	case jws.EnvFrejaTest, jws.EnvFrejaProd, jws.EnvAny:
	default:
		return usageErr("use --env freja-prod, --env freja-test or --env any", "unknown JWS environment %q", o.Env)
	}
	if o.Batch {
		for _, name := range jwsLiveFlags {
			if cmd.Flags().Changed(name) {
				return usageErr("--batch re-verifies archives; verify a live result on its own with --"+name,
					"--%s cannot be used with --batch (only --expect-status can)", name)
			}
		}
	}
	if o.At != "" {
		if cmd.Flags().Changed("max-age") {
			return usageErr("drop --at: --max-age checks the payload's own timestamp against the current time",
				"--at and --max-age cannot be used together")
		}
		at, err := parseAt(o.At, time.Now)
		if err != nil {
			return err
		}
		o.at = at
	}
	if cmd.Flags().Changed("max-age") && o.MaxAge <= 0 {
		return usageErr("give a positive duration, e.g. --max-age 2m", "--max-age %s is not positive", o.MaxAge)
	}
	if cmd.Flags().Changed("expect-ref") && o.ExpectRef == "" {
		return usageErr("give the authRef or signRef your request got", "--expect-ref is empty")
	}
	if cmd.Flags().Changed("expect-text") && o.ExpectText == "" {
		return usageErr("give the text the user was shown", "--expect-text is empty")
	}
	if o.ExpectUser != "" || cmd.Flags().Changed("expect-user") {
		u, err := jws.ParseUser(o.ExpectUser)
		if err != nil {
			e := classify(err)
			return usageErr(e.Hint, "--expect-user: %s", e.Message)
		}
		o.user = &u
	}
	if s := o.ExpectStatus; cmd.Flags().Changed("expect-status") && (s == "" || strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != "") {
		return usageErr("give a Freja status in capitals, e.g. APPROVED", "--expect-status %q is not a status", s)
	}
	return nil
}

// jwsDefaultEnv is the environment verify trusts without --env:
// CARONBOARD_JWS_ENV, the config file's jws-env, or freja-prod.
func (a *App) jwsDefaultEnv() string {
	if v := a.Getenv("CARONBOARD_JWS_ENV"); v != "" {
		return v
	}
	if a.config != nil && a.config.cfg != nil && a.config.cfg.JWSEnv.IsSet() {
		return a.config.cfg.JWSEnv.Value
	}
	return jws.EnvFrejaProd
}

// options are the pkg/jws options of a run.
func (o *JWSVerifyOptions) options(store *jws.TrustStore, now time.Time) (jws.Options, error) {
	vo := jws.Options{Trust: store, Environment: o.Env, AllowUntagged: o.AllowUntagged, At: o.at, Now: now,
		ExpectStatus: o.ExpectStatus, ExpectRef: o.ExpectRef, MaxAge: o.MaxAge, ExpectUser: o.user, ExpectText: o.ExpectText}
	if o.ExpectDataFile != "" {
		data, err := safefile.ReadFile(o.ExpectDataFile, jws.MaxTokenSize)
		if err != nil {
			return vo, fmt.Errorf("reading --expect-data-file: %w", err)
		}
		vo.ExpectData = data
	}
	return vo, nil
}

// warnTrust says what the run trusts beyond one environment's tags.
func (a *App) warnTrust(opts *JWSVerifyOptions) {
	if opts.Env == jws.EnvAny {
		a.Warn("--env any trusts the signing certificates of every environment: a result signed by a Freja test " +
			"certificate (anyone can create test users) passes as a production one")
	}
}

// jwsVerifyRun verifies one token or a --batch, under the trust and the
// expectations of opts, and reports each outcome.
func jwsVerifyRun(a *App, opts *JWSVerifyOptions) error {
	inputs, err := a.readJWSInputs(opts.Arg, "verify")
	if err != nil {
		return err
	}
	store, err := a.jwsTrust(opts.Certs)
	if err != nil {
		return err
	}
	vo, err := opts.options(store, a.Now())
	if err != nil {
		return err
	}
	a.warnTrust(opts)
	res := &jwsVerifyResult{Verdict: "valid", Input: inputs[0].Kind, Results: []jwsVerified{}}
	var failures []Detail
	var first *Error
	for _, in := range inputs {
		label := jwsInputLabel(in, len(inputs))
		r, err := jws.VerifyInput(in, vo)
		var e *Error
		if err != nil {
			e = classify(fileArgHint(opts.Arg, "verify", err))
		}
		res.Results = append(res.Results, a.jwsVerified(in, r, e))
		if e != nil {
			if first == nil {
				first = e
			}
			failures = append(failures, Detail{Field: label, Message: oneLine(e.Message), Hint: e.Hint})
			continue
		}
		for _, w := range r.Warnings {
			a.Warn(prefixed(label, w))
		}
		if r.Signer.Environment == "" && r.Signer.Source == jws.SourceUser {
			a.Warn(prefixed(label, untaggedSignerWarning(opts.Env)))
		}
	}
	if first != nil {
		res.Verdict = "invalid"
	}
	a.SetResult(res)
	res.print(a, inputs)
	if first == nil {
		return nil
	}
	if len(inputs) > 1 {
		msg := fmt.Sprintf("%d of %d results failed verification; %s: %s", len(failures), len(inputs), failures[0].Field, first.Message)
		return &Error{Code: first.Code, Message: msg, Hint: first.Hint, Details: failures, Err: first}
	}
	return first
}
