package cmd

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/caronboard/caronboard/pkg/jws"
)

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

// untaggedSignerWarning says that an untagged certificate of the signer
// store signed (allowed by --allow-untagged): it counts under any
// environment. (A --cert signer is named as such in the signer lines.)
func untaggedSignerWarning(env string) string {
	return "the signing certificate comes from your signer store without an environment (--allow-untagged), " +
		"which counts under any environment: check that it is a " + env + " certificate, and tag it with 'caronboard jws trust add --env'"
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
			from := map[string]string{jws.SourceEmbedded: "embedded in caronboard", jws.SourceUser: "your signer store",
				jws.SourceFlag: "--cert"}[s.Source]
			switch {
			case s.Environment != "":
				from += " (" + s.Environment + ")"
			case s.Source == jws.SourceFlag:
				from += " (for this run, under any environment)"
			default:
				from += " (untagged, allowed by --allow-untagged)"
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
