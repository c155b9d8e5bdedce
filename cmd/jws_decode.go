package cmd

import (
	"context"
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/pkg/jws"
)

// JWSDecodeOptions are the inputs of 'caronboard jws decode'.
type JWSDecodeOptions struct {
	// Token is the TOKEN argument; "" or "-" reads stdin.
	Token string
}

// NewJWSDecodeCmd shows a token's header and payload without verifying it.
func NewJWSDecodeCmd(a *App, runF func(context.Context, *JWSDecodeOptions) error) *cobra.Command {
	opts := &JWSDecodeOptions{}
	return &cobra.Command{
		Use:   "decode [TOKEN|-]",
		Short: "Show a Freja result's header and payload, explained, WITHOUT verifying it",
		Long: `Decode a JWS compact token and show its protected header and payload as indented
JSON, then the Freja payload in words: status, user info (userInfoType SSN decoded to
country and number), requested attributes, authRef/signRef, the timestamp as a date,
minRegistrationLevel and signatureType. For a signature result, the user's own
signature (signatureData.userSignature, a nested JWS with a kid header) is decoded
and labelled "not verifiable offline: the user's certificate is not in the result",
and signatureData.certificateStatus is decoded as the OCSP response it is.

NOTHING IS VERIFIED: anyone can write a token that decodes. Use 'caronboard jws
verify' before acting on a result. decode does say when verify would refuse the token
outright (alg other than RS256, crit, no x5t), and which header members name a key
that verification ignores (jwk, jku, x5c, x5u).

The input is the TOKEN argument, or with no argument or "-" stdin: a bare compact
token, a whole Freja result object ({"authRef"|"signRef", "status", "details", …},
whose details are decoded), or the list forms {"authenticationResults":[…]} and
{"signatureResults":[…]}. With -o json the object has "unverified": true and a
"results" array, one entry per token.

Examples:
  caronboard jws decode eyJ4NXQiOiIyTFFJ…
  caronboard jws decode < result.json
  curl … | jq -r .details | caronboard jws decode -o json

Exit codes: 0 decoded, 1 the input is not a readable token or Freja result
(error codes malformed, not_a_result, result_not_approved, too_large), 2 usage error.`,
		Args: jwsTokenArgs("caronboard jws decode < result.json"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Token = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return jwsDecodeRun(a, opts)
		},
	}
}

// jwsDecodeResult is what 'jws decode' reports.
type jwsDecodeResult struct {
	Unverified bool   `json:"unverified"`
	Note       string `json:"note"`
	// Input is what was given: token, authentication result or signature result.
	Input   string       `json:"input"`
	Results []jwsDecoded `json:"results"`
}

// jwsDecoded is one decoded token, with what the result object around it
// said (unverified, like everything else here).
type jwsDecoded struct {
	Index   *int                       `json:"index,omitempty"`
	Outside map[string]json.RawMessage `json:"result_fields,omitempty"`
	*jws.Decoded
}

func jwsDecodeRun(a *App, opts *JWSDecodeOptions) error {
	inputs, err := a.readJWSInputs(opts.Token, "decode")
	if err != nil {
		return err
	}
	res := &jwsDecodeResult{Unverified: true, Note: jws.UnverifiedNote, Input: inputs[0].Kind, Results: []jwsDecoded{}}
	for _, in := range inputs {
		d, err := jws.Decode(in.Token)
		if err != nil {
			if label := jwsInputLabel(in, len(inputs)); label != "" {
				e := classify(err)
				e.Message = label + ": " + e.Message
				return e
			}
			return fileArgHint(opts.Token, "decode", err)
		}
		res.Results = append(res.Results, jwsDecoded{Index: jwsIndex(in), Outside: in.Fields, Decoded: d})
	}
	a.SetResult(res)
	res.print(a, inputs)
	return nil
}

func (r *jwsDecodeResult) print(a *App, inputs []jws.Input) {
	a.Infof("UNVERIFIED — decoded only; run 'caronboard jws verify' to check the signature\n")
	for i, d := range r.Results {
		a.Infof("\n")
		if label := jwsInputLabel(inputs[i], len(inputs)); label != "" {
			a.Infof("== %s (%s) ==\n", label, inputs[i].Kind)
		} else if inputs[i].Kind != jws.KindToken {
			a.Infof("Input: %s; its details are decoded below\n", inputs[i].Kind)
		}
		printJSONBlock(a, "Header:", d.Header)
		if len(d.Payload) > 0 {
			printJSONBlock(a, "Payload:", d.Payload)
		} else {
			a.Infof("Payload (text):\n  %s\n", termSafe(d.PayloadText, true))
		}
		if d.Explanation != nil {
			a.Infof("Explained (unverified):\n")
			printExplanation(a, d.Explanation)
		}
		if len(d.IgnoredForTrust) > 0 {
			a.Infof("Note: %s\n", ignoredForTrustText(d.IgnoredForTrust))
		}
		if d.Refused != nil {
			a.Infof("'jws verify' would refuse it: %s (%s)\n", termSafe(d.Refused.Message, false), d.Refused.Code)
		}
	}
}
