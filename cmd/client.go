package cmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/pkg/clientgen"
)

// ClientOptions are the inputs of `caronboard client RUNTIME`.
type ClientOptions struct {
	Runtime        string
	Env            string
	Out            string
	P12            string
	Cert           string
	Key            string
	CA             []string
	SandboxDir     string
	Addr           string
	ServerName     string
	PassphraseFile string
	Force          bool
}

// NewClientCmd groups one generator per runtime: `caronboard client java`, ….
func NewClientCmd(a *App, runF func(*ClientOptions) error) *cobra.Command {
	c := &cobra.Command{
		Use:   "client java|python|node|go|curl|openssl --env NAME --out DIR [--p12 FILE | --cert FILE --key FILE]",
		Short: "Write a small, runnable mTLS client for your own application's runtime",
		Long: `Write into DIR a small, complete client for one runtime that connects to an environment
the way your application must: it trusts only the environment's CA (never the system's
roots), presents your client certificate, makes the request 'caronboard ping' makes,
prints the HTTP status line and the first bytes of the body, and exits 0 on any HTTP
answer over an accepted mutual-TLS connection, non-zero otherwise.

Runtimes: ` + strings.Join(clientgen.Runtimes, ", ") + ` ('caronboard client RUNTIME --help' says what
each client does). Each uses only what its runtime ships: no Maven, pip or npm packages.

DIR gets the source file, run.sh (the command that runs it), README.md (how to move it
into an application), the credential in the form the runtime loads best (mode 0600; an
encrypted key stays encrypted) and the environment's trust anchors.

The clients read the passphrase at run time from KEYSTORE_PASSPHRASE only; it is never
written into DIR. caronboard reads it too (--passphrase-file, KEYSTORE_PASSPHRASE or a
prompt), to check before writing anything that the key belongs to the certificate and
that the certificate chains to the environment's client CA.

Examples:
  caronboard client java --env stage --ca ca.cer --p12 client.p12 --out stage-java
  caronboard client python --env freja-test --cert rp.cer --key rp.key --out freja-py
  read -rs KEYSTORE_PASSPHRASE && export KEYSTORE_PASSPHRASE && stage-java/run.sh

Exit codes: 0 written, 1 refused or failed (nothing written), 2 usage error.`,
		// Flags of the runtime subcommands after an unknown runtime must not
		// hide the real mistake, the runtime.
		FParseErrWhitelist: cobra.FParseErrWhitelist{UnknownFlags: true},
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErr("valid runtimes: "+strings.Join(clientgen.Runtimes, ", "), "unknown runtime %q", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageErr("valid runtimes: "+strings.Join(clientgen.Runtimes, ", "), "give the runtime, e.g. caronboard client java --env sandbox --p12 client.p12 --out DIR")
		},
	}
	for _, r := range clientgen.Runtimes {
		c.AddCommand(newClientRuntimeCmd(a, r, runF))
	}
	return c
}

func newClientRuntimeCmd(a *App, runtime string, runF func(*ClientOptions) error) *cobra.Command {
	spec, _ := clientgen.Lookup(runtime)
	opts := &ClientOptions{Runtime: runtime}
	c := &cobra.Command{
		Use:   runtime + " --env NAME --out DIR [--p12 FILE | --cert FILE --key FILE] [--ca FILE]... [--addr HOST:PORT]",
		Short: "Write " + aOrAn(runtime) + " mTLS client: " + spec.Source + " and run.sh",
		Long: `Write a runnable ` + runtime + ` client into DIR (absent or empty unless --force):

  ` + wrapText(spec.Summary, 86, "  ") + `

It trusts only the environment's CA, presents the client certificate, sends the request
'caronboard ping --env NAME' sends, prints the HTTP status line and the first bytes of
the body, and exits 0 on any HTTP answer over an accepted mutual-TLS connection and
non-zero otherwise. Run it with DIR/run.sh (` + spec.Run + `); the passphrase comes from
KEYSTORE_PASSPHRASE at run time and is written into no file.

Refused before anything is written: a key that does not belong to the certificate, a
certificate that does not chain to the environment's client CA (CAR and sandbox), an
environment without a known CA (pass --ca).

Examples:
  caronboard client ` + runtime + ` --env sandbox --cert client.cer --key client.key --out ` + runtime + `-client
  caronboard client ` + runtime + ` --env stage --ca ca.cer --p12 client.p12 --out ` + runtime + `-client -o json

Exit codes: 0 written, 1 refused or failed (nothing written), 2 usage error.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return clientRun(cmd.Context(), a, opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Env, "env", "", "environment to connect to (required)")
	f.StringVar(&opts.Out, "out", "", "folder to write the client into (required; absent or empty unless --force)")
	f.StringVar(&opts.P12, "p12", "", "client credential as PKCS#12")
	f.StringVar(&opts.Cert, "cert", "", "client certificate (with --key)")
	f.StringVar(&opts.Key, "key", "", "encrypted client private key (with --cert)")
	f.StringArrayVar(&opts.CA, "ca", nil, "CA certificate of the environment (overrides its configured CA; repeatable)")
	f.StringVar(&opts.SandboxDir, "sandbox-dir", "", "sandbox folder, for --env sandbox (default: caronboard/sandbox in the user config folder)")
	f.StringVar(&opts.Addr, "addr", "", "connect to this host:port instead of the environment's")
	f.StringVar(&opts.ServerName, "server-name", "", "expect this name in the server certificate (and send it as SNI)")
	f.StringVar(&opts.PassphraseFile, "passphrase-file", "", "passphrase of --p12 or --key, for the checks (- for stdin; default KEYSTORE_PASSPHRASE)")
	f.BoolVar(&opts.Force, "force", false, "write into a folder that is not empty, replacing files atomically")
	_ = c.RegisterFlagCompletionFunc("env", completeEnvs(a))
	return c
}

func (o *ClientOptions) validate() error {
	switch {
	case o.Env == "":
		return usageErr("for example: caronboard client "+o.Runtime+" --env sandbox --p12 client.p12 --out DIR", "--env is required")
	case o.Out == "":
		return usageErr("for example: --out "+o.Runtime+"-client", "--out is required")
	case o.P12 != "" && (o.Cert != "" || o.Key != ""):
		return usageErr("use --p12, or --cert with --key", "--p12 cannot be combined with --cert/--key")
	case (o.Cert == "") != (o.Key == ""):
		return usageErr("give both --cert and --key", "--cert and --key go together")
	}
	return nil
}

// clientResult is what `caronboard client` reports.
type clientResult struct {
	Runtime string             `json:"runtime"`
	Env     string             `json:"env"`
	Dir     string             `json:"dir"`
	Files   []clientResultFile `json:"files"`
	Run     string             `json:"run"`
	Connect string             `json:"connect"`
}

type clientResultFile struct {
	Name string `json:"name"`
	Mode string `json:"mode"`
}

func clientRun(ctx context.Context, a *App, opts *ClientOptions) error {
	created, err := checkOutDir(opts.Out, opts.Force)
	if err != nil {
		return err
	}
	in, err := a.clientInput(opts)
	if err != nil {
		return err
	}
	out, err := clientgen.Generate(in)
	if err != nil {
		return err
	}
	if created {
		if err := os.Mkdir(opts.Out, 0o755); err != nil {
			return err
		}
	}
	b := &fileBatch{ctx: ctx}
	for _, f := range out.Files {
		if err := b.write(filepath.Join(opts.Out, f.Name), f.Data, f.Mode, opts.Force); err != nil {
			err = b.undo(err)
			if created {
				_ = os.Remove(opts.Out)
			}
			return err
		}
	}
	res := &clientResult{Runtime: opts.Runtime, Env: in.Env, Dir: opts.Out, Run: filepath.Join(opts.Out, clientgen.FileRun),
		Connect: fmt.Sprintf("%s (server name %s)", net2(in.Host, in.Port), in.ServerName)}
	for _, f := range out.Files {
		res.Files = append(res.Files, clientResultFile{Name: f.Name, Mode: fmt.Sprintf("%04o", f.Mode.Perm())})
	}
	a.SetResult(res)
	a.Infof("Wrote %s client for %s into %s:\n", aOrAn(opts.Runtime), in.Env, opts.Out)
	for _, f := range res.Files {
		a.Infof("  %s  %s\n", f.Mode, f.Name)
	}
	a.Infof("Run it (the passphrase from KEYSTORE_PASSPHRASE, never a file or an argument):\n")
	a.Infof("  read -rs KEYSTORE_PASSPHRASE && export KEYSTORE_PASSPHRASE && %s\n", shellWord(res.Run))
	a.Infof("%s/README.md says how to move it into your application.\n", opts.Out)
	return nil
}

// checkOutDir accepts an absent folder (created reports it must be made),
// an empty one, or with force any folder.
func checkOutDir(dir string, force bool) (created bool, err error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return true, nil
	case err != nil:
		return false, &Error{Code: codeBadOutDir, Err: err,
			Message: fmt.Sprintf("--out %s is not a readable folder: %v", dir, err), Hint: "give a new folder, or an empty one"}
	case len(entries) > 0 && !force:
		return false, &Error{Code: codeExists,
			Message: fmt.Sprintf("--out %s is not empty", dir), Hint: "give a new or empty folder, or pass --force to replace the client's files in it (atomically)"}
	}
	return false, nil
}

// aOrAn puts the article before a runtime's name: "an openssl", "a java".
func aOrAn(runtime string) string {
	if runtime != "" && strings.ContainsRune("aeiou", rune(runtime[0])) {
		return "an " + runtime
	}
	return "a " + runtime
}
