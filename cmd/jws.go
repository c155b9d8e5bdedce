package cmd

import (
	"errors"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/pkg/jws"
)

// NewJWSCmd groups the commands about Freja's signed results.
func NewJWSCmd(a *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "jws",
		Short: "Decode and verify the JWS-signed results Freja eID returns",
		Long: `Freja eID returns every approved authentication and signature as a JWS in the
result's "details" field. These commands read that token — or the whole result object
Freja returned, or its authenticationResults/signatureResults list — and:

  decode   show its header and payload, explained in words, without checking anything
  verify   check it strictly against the certificates you trust, one token or a
           whole archive (--batch)
  trust    list the trusted signing certificates, or add Freja's new one

Examples:
  caronboard jws decode < result.json
  caronboard jws verify --env freja-prod < result.json
  caronboard jws trust add "Freja eID JWS Signing v4.pem"
  caronboard jws verify --batch archive.txt > verified.jsonl

Exit codes: 0 success, 1 the token or certificate was refused, 2 usage error.`,
	}
	c.AddCommand(NewJWSDecodeCmd(a, nil), NewJWSVerifyCmd(a, nil), NewJWSTrustCmd(a))
	return c
}

// jwsTokenArgs accepts at most one TOKEN (or "-") argument.
func jwsTokenArgs(example string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > 1 {
			return usageErr("give one token, or none to read it from stdin; for example: "+example,
				"%s takes at most one token, got %d arguments", cmd.CommandPath(), len(args))
		}
		return nil
	}
}

// readJWSInputs reads what decode and verify work on: the TOKEN argument
// itself, or with no argument (or "-") the whole of stdin, and splits it into
// the tokens it holds (a bare token, a Freja result, or a list of results).
func (a *App) readJWSInputs(arg, command string) ([]jws.Input, error) {
	data := []byte(arg)
	if arg == "" || arg == "-" {
		if a.Prompter != nil { // stdin is a terminal: say what we wait for
			writeLine(a.ErrOut, "caronboard: reading the token or Freja result from stdin (paste it, then Ctrl-D)")
		}
		var err error
		if data, err = jws.ReadInput(a.In); err != nil {
			return nil, err
		}
	}
	inputs, err := jws.ParseInput(data)
	if err != nil {
		return nil, fileArgHint(arg, command, err)
	}
	return inputs, nil
}

// fileArgHint explains, when the argument that failed to parse names a file,
// that TOKEN is the token itself and how to read the file instead.
func fileArgHint(arg, command string, err error) error {
	if arg == "" || arg == "-" || jws.CodeOf(err) != jws.CodeMalformed {
		return err
	}
	fi, statErr := os.Stat(arg)
	if statErr != nil || !fi.Mode().IsRegular() {
		return err
	}
	e := classify(err)
	e.Hint = "TOKEN is the token itself, not a file: run 'caronboard jws " + command + " - < " + arg + "'"
	return e
}

// jwsFileErr puts the file's name in front of a pkg/jws error about it,
// keeping its code and hint.
func jwsFileErr(path string, err error) error {
	var je *jws.Error
	if errors.As(err, &je) {
		hint := je.Hint
		if hint == "" && je.Code == jws.CodeWeakKey {
			hint = "Freja's JWS signing certificates have RSA keys of 2048 bits or more: check that this is the right file"
		}
		return &Error{Code: je.Code, Message: path + ": " + je.Message, Hint: hint, Err: err}
	}
	return err
}

// jwsInputLabel names one input in messages: "" for a single one,
// "signatureResults[1]" or "result 2" for an entry of a list.
func jwsInputLabel(in jws.Input, n int) string {
	if n == 1 {
		return ""
	}
	switch in.Kind {
	case jws.KindSignature:
		return "signatureResults[" + strconv.Itoa(in.Index) + "]"
	case jws.KindAuthentication:
		return "authenticationResults[" + strconv.Itoa(in.Index) + "]"
	}
	return "result " + strconv.Itoa(in.Index+1)
}

// jwsIndex is the position of an input in a list form, or nil.
func jwsIndex(in jws.Input) *int {
	if in.Index < 0 {
		return nil
	}
	i := in.Index
	return &i
}
