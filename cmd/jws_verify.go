package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/pkg/jws"
)

// JWSVerifyOptions are the inputs of 'caronboard jws verify'.
type JWSVerifyOptions struct {
	// Arg is the TOKEN argument, or with --batch the input file; "" or "-"
	// reads stdin.
	Arg   string
	Env   string
	Certs []string
	At    string
	Batch bool

	at time.Time // zero unless --at was given
}

// NewJWSVerifyCmd verifies Freja's signed results, one or a batch.
func NewJWSVerifyCmd(a *App, runF func(context.Context, *JWSVerifyOptions) error) *cobra.Command {
	opts := &JWSVerifyOptions{}
	c := &cobra.Command{
		Use:   "verify [TOKEN|-] [--env freja-test|freja-prod] [--cert FILE]... [--at RFC3339] [--batch]",
		Short: "Verify a Freja result's JWS strictly: RS256, a trusted x5t, valid at signing time",
		Long: `Verify the JWS Freja returned in a result's details field, strictly:

  - compact serialization only: three base64url parts, no padding, no line breaks;
    a header that is one JSON object without duplicate members
  - alg exactly RS256 (none, HS*, PS*, ES* and every case or spacing variant are
    refused); a crit header is refused
  - the key comes only from trust: x5t must be the SHA-1 thumbprint of a trusted
    certificate; jwk, jku, x5c and x5u in the token are ignored
  - the certificate must have been valid when the result was signed: at the payload's
    timestamp, or at --at; that it has expired since is a warning, not a failure, so
    archived results stay verifiable
  - for a Freja result object, its status and authRef/signRef must match the signed ones

Trusted certificates: those embedded in caronboard (see 'jws trust list'), your trust
store ('jws trust add'), and --cert FILE for this run. --env limits the embedded ones
to that environment's (yours and --cert count for any; verify warns when one signed).
` + rotationHelp + `.

The input is the TOKEN argument, or with no argument or "-" stdin: a compact token, a
Freja result object, or the authenticationResults/signatureResults list (every
result must verify). The output is the verdict, the signer (subject, x5t, validity,
where it is trusted from), the signing time and where it came from, warnings, and the
verified payload explained as in 'jws decode'. With -o json: "verdict" and a
"results" array, one entry per token, each with "ok" and, on failure, "error".

--batch verifies many: one input (a token, or one Freja result JSON) per line of the
FILE argument, or of stdin. It uses every core, streams in constant memory, and
writes one JSON line per input to stdout in input order, whatever -o says:
  {"line":3,"ok":true,"x5t":"…","status":"APPROVED","ref":"…","signing_time":"…"}
  {"line":4,"ok":false,"x5t":"…","error":{"code":"bad_signature","message":"…"}}
Blank lines are skipped but counted, so line numbers match the input. Then a summary
(counts by outcome) goes to stderr — one JSON object with -o json — and no final JSON
object is printed: the lines are the output.

Examples:
  caronboard jws verify eyJ4NXQiOiIyTFFJ… --cert jws-signing-test.pem
  caronboard jws verify --env freja-prod < result.json
  caronboard jws verify --at 2022-07-28T07:16:22Z --cert old.pem < details.jws
  caronboard jws verify --batch archive.txt > verified.jsonl

Exit codes: 0 verified (with --batch: every line), 1 refused — error.code is one of
malformed, alg_not_allowed, crit_not_allowed, missing_x5t, unknown_x5t,
bad_signature, cert_not_valid_at_signing_time, weak_key, details_mismatch,
result_not_approved, not_a_result, too_large — or with --batch any line failed,
2 usage error.`,
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
			if err := opts.validate(); err != nil {
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
	f.StringVar(&opts.Env, "env", "", "trust only this environment's embedded certificates: freja-test or freja-prod")
	f.StringArrayVar(&opts.Certs, "cert", nil, "also trust this JWS signing certificate, PEM or DER (repeatable)")
	f.StringVar(&opts.At, "at", "", "check the certificate at this signing time (RFC 3339) instead of the payload's timestamp")
	f.BoolVar(&opts.Batch, "batch", false, "verify one input per line of FILE or stdin, writing JSON lines")
	_ = c.RegisterFlagCompletionFunc("env", cobra.FixedCompletions([]string{jws.EnvFrejaTest, jws.EnvFrejaProd}, cobra.ShellCompDirectiveNoFileComp))
	return c
}

func (o *JWSVerifyOptions) validate() error {
	switch o.Env {
	case "", jws.EnvFrejaTest, jws.EnvFrejaProd:
	default:
		return usageErr("use --env freja-test or --env freja-prod", "unknown JWS environment %q", o.Env)
	}
	if o.At != "" {
		at, err := parseAt(o.At, time.Now)
		if err != nil {
			return err
		}
		o.at = at
	}
	return nil
}

// jwsVerifyResult is what 'jws verify' reports for one input.
type jwsVerifyResult struct {
	// Verdict is "valid" when every token verified, else "invalid".
	Verdict string        `json:"verdict"`
	Input   string        `json:"input"`
	Results []jwsVerified `json:"results"`
}

// jwsVerified is one token's outcome.
type jwsVerified struct {
	Index       *int             `json:"index,omitempty"`
	OK          bool             `json:"ok"`
	Error       *jsonError       `json:"error,omitempty"`
	X5T         string           `json:"x5t,omitempty"`
	Header      json.RawMessage  `json:"header,omitempty"`
	Signer      *jwsTrustEntry   `json:"signer,omitempty"`
	SigningTime string           `json:"signing_time,omitempty"`
	TimeSource  string           `json:"signing_time_source,omitempty"`
	Warnings    []string         `json:"warnings,omitempty"`
	Payload     json.RawMessage  `json:"payload,omitempty"`
	Explanation *jws.Explanation `json:"explanation,omitempty"`
}

func jwsVerifyRun(a *App, opts *JWSVerifyOptions) error {
	inputs, err := a.readJWSInputs(opts.Arg, "verify")
	if err != nil {
		return err
	}
	store, err := a.jwsTrust(opts.Certs)
	if err != nil {
		return err
	}
	vo := jws.Options{Trust: store, Environment: opts.Env, At: opts.at, Now: a.Now()}
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
		if opts.Env != "" && r.Signer.Environment == "" {
			a.Warn(prefixed(label, envNotRestrictedWarning(opts.Env, 1)))
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

// envNotRestrictedWarning says that --env does not restrict certificates
// from the user's store or --cert: pkg/jws tags them with no environment.
func envNotRestrictedWarning(env string, n int) string {
	what := "the signing certificate comes"
	if n > 1 {
		what = fmt.Sprintf("%d trusted certificates come", n)
	}
	return fmt.Sprintf("%s from your trust store or --cert, which --env %s does not restrict: "+
		"check that it is a %s certificate ('caronboard jws trust list')", what, env, env)
}

// prefixed puts an input's label in front of a message.
func prefixed(label, msg string) string {
	if label == "" {
		return msg
	}
	return label + ": " + msg
}

// jwsVerified turns one verification outcome into its report.
func (a *App) jwsVerified(in jws.Input, r *jws.Result, e *Error) jwsVerified {
	v := jwsVerified{Index: jwsIndex(in), OK: e == nil}
	if e != nil {
		v.Error = &jsonError{Code: e.Code, Message: oneLine(e.Message), Hint: e.Hint}
	}
	if r == nil {
		return v
	}
	if r.Header != nil {
		v.X5T, v.Header = r.Header.X5T, r.Header.Raw
	}
	if r.Signer != nil {
		s := a.newJWSTrustEntry(r.Signer, "")
		v.Signer = &s
	}
	if e != nil {
		return v
	}
	v.SigningTime, v.TimeSource, v.Warnings = r.SigningTime.UTC().Format(time.RFC3339Nano), r.TimeSource, r.Warnings
	v.Payload = r.Payload
	v.Explanation, _ = jws.Explain(r.Payload)
	return v
}

func (r *jwsVerifyResult) print(a *App, inputs []jws.Input) {
	for i, v := range r.Results {
		if label := jwsInputLabel(inputs[i], len(inputs)); label != "" {
			a.Infof("== %s (%s) ==\n", label, inputs[i].Kind)
		}
		if v.OK {
			a.Infof("Verdict:     VALID — RS256 signature by a trusted certificate that was valid when the result was signed\n")
		} else {
			a.Infof("Verdict:     INVALID — %s\n", v.Error.Code)
		}
		if v.Signer == nil && v.X5T != "" {
			a.Infof("Token x5t:   %s\n", termSafe(v.X5T, false))
		}
		if s := v.Signer; s != nil {
			a.Infof("Signer:      %s\n", termSafe(s.Subject, false))
			a.Infof("  x5t:       %s\n", s.X5T)
			a.Infof("  valid:     %s to %s (%s now)\n", s.NotBefore, s.NotAfter, strings.ReplaceAll(s.Validity, "_", " "))
			from := map[string]string{jws.SourceEmbedded: "embedded in caronboard", jws.SourceUser: "your trust store",
				jws.SourceFlag: "--cert"}[s.Source]
			if s.Environment != "" {
				from += " (" + s.Environment + ")"
			}
			a.Infof("  trusted:   %s\n", from)
		}
		if v.SigningTime != "" {
			a.Infof("Signed at:   %s (%s)\n", v.SigningTime, v.TimeSource)
		}
		if v.Explanation != nil {
			a.Infof("Payload (verified):\n")
			printExplanation(a, v.Explanation)
		}
		if i < len(r.Results)-1 {
			a.Infof("\n")
		}
	}
}
