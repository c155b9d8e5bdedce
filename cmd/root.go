package cmd

import (
	"github.com/spf13/cobra"
)

// skipConfig marks commands that must start without reading configuration
// (version: start-up must not pay for work it does not use).
const skipConfig = "caronboard/skip-config"

// ownConfig marks commands that read no default config file: demo rehearses
// on built-in data only, so a user's config.yaml (broken or not) neither
// changes nor stops it. --config and CARONBOARD_CONFIG still apply.
const ownConfig = "caronboard/own-config"

// NewRootCmd builds the command tree around one App.
func NewRootCmd(a *App) *cobra.Command {
	var configFile string
	root := &cobra.Command{
		Use:   "caronboard",
		Short: "Client certificates and mTLS for the E-faktura CAR API and Freja eID",
		Long: `caronboard takes an integration partner through the client-certificate lifecycle of
the E-faktura CAR API and the Freja eID relying-party API: RSA keys, CSRs that obey each
CA's distinguished-name rules, checks of the issued certificate, and PKCS#12 keystores
that Java, OpenSSL, Node, Windows and macOS open.

Examples:
  caronboard demo    # rehearse the whole lifecycle offline against the built-in sandbox
  caronboard init    # a guided interview: key, CSR and a checklist of what comes next

The lifecycle by hand:
  caronboard csr --profile freja --new-key rp.key --out rp.csr --zip --org "ACME AB" --org-id 556677-8881
  caronboard cert verify --cert rp.cer --key rp.key --ca chain.pem --profile freja
  caronboard pkcs12 --out rp.p12 --bundle freja.zip --key rp.key

Configuration: flag > environment variable (CARONBOARD_OUTPUT, CARONBOARD_PROFILE, …)
> config file (--config, default $XDG_CONFIG_HOME/caronboard/config.yaml) > default.
Secrets are never taken as flag values: use --passphrase-file, an environment
variable named in the command's help, or the prompt on a terminal.

Exit codes: 0 success, 1 the operation or check failed, 2 usage error.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Annotations[skipConfig] == "true" {
				return nil
			}
			a.noDefaultConfig = cmd.Annotations[ownConfig] == "true"
			return a.loadConfig(cmd, configFile)
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&configFile, "config", "", "config file (default: the user config folder's caronboard/config.yaml)")
	pf.StringP("output", "o", "text", "output format: text or json")
	pf.Bool("no-input", false, "never prompt (implied when stdin is not a terminal)")
	pf.BoolP("quiet", "q", false, "print only errors and warnings")
	pf.BoolVar(&a.Debug, "debug", false, "on failure, print the chain of underlying errors to stderr")
	markConfigurable(pf, "output", "no-input", "quiet")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &Error{Code: codeUsage, Message: err.Error() + flagSuggestion(c, err), Hint: "see '" + c.CommandPath() + " --help'", Err: err}
	})

	root.AddCommand(
		NewVersionCmd(a, nil),
		NewKeyCmd(a, nil),
		NewCSRCmd(a, nil),
		NewCertCmd(a),
		NewPKCS12Cmd(a, nil),
		NewJWSCmd(a),
		NewPingCmd(a, nil),
		NewSandboxCmd(a),
		NewDemoCmd(a),
		NewInitCmd(a),
		NewTruststoreCmd(a),
		NewChecklistCmd(a),
		NewExpiryCmd(a, nil),
		NewRenewCmd(a, nil),
		NewClientCmd(a, nil),
	)
	requireSubcommands(root)
	documentCompletion(root, a)
	return root
}
