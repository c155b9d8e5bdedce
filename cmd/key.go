package cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// KeyOptions are the inputs of `caronboard key`.
type KeyOptions struct {
	Out            string
	Bits           int
	PassphraseFile string
	NoPassphrase   bool
	Force          bool
}

// NewKeyCmd generates an RSA private key.
func NewKeyCmd(a *App, runF func(context.Context, *KeyOptions) error) *cobra.Command {
	opts := &KeyOptions{}
	c := &cobra.Command{
		Use:   "key --out FILE [--bits 2048|3072|4096] [--passphrase-file F | --no-passphrase] [--force]",
		Short: "Generate an RSA private key, encrypted, written 0600",
		Long: `Generate an RSA private key and write it as encrypted PKCS#8 (PBES2, AES-256-CBC,
PBKDF2-HMAC-SHA256), which OpenSSL 3, Java, Python and Node read.

The passphrase comes from --passphrase-file (- reads stdin; a trailing newline is
dropped), else from the CARONBOARD_PASSPHRASE environment variable, else from a prompt
on the terminal (asked twice, no echo). --no-passphrase writes the key unencrypted.

The file is created with mode 0600 and never replaced unless --force is given; then it
is replaced atomically, so no failure or interrupt leaves a half-written or lost key.
Both CAs need RSA: the E-faktura CAR API requires 4096 bits (the default); Freja eID
accepts 2048 and more.

Examples:
  caronboard key --out client.key
  caronboard key --out client.key --passphrase-file pass.txt
  printf '%s\n' "$PASS" | caronboard key --out client.key --passphrase-file -

Exit codes: 0 written, 1 failed (nothing written), 2 usage error.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return keyRun(cmd.Context(), a, opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Out, "out", "", "file to write the key to (required)")
	f.IntVar(&opts.Bits, "bits", 4096, "RSA key size: 2048, 3072 or 4096")
	f.StringVar(&opts.PassphraseFile, "passphrase-file", "", "read the new passphrase from this file (- for stdin)")
	f.BoolVar(&opts.NoPassphrase, "no-passphrase", false, "write the key unencrypted (not recommended)")
	f.BoolVar(&opts.Force, "force", false, "replace an existing file (atomically)")
	markConfigurable(f, "bits")
	return c
}

func (o *KeyOptions) validate() error {
	if o.Out == "" {
		return usageErr("for example: caronboard key --out client.key", "--out is required")
	}
	if o.PassphraseFile != "" && o.NoPassphrase {
		return usageErr("use one of them", "--passphrase-file and --no-passphrase cannot be used together")
	}
	if err := keystore.CheckBits(o.Bits); err != nil {
		return &Error{Code: codeUsage, Message: err.Error(), Hint: "use --bits 2048, 3072 or 4096 (CAR requires 4096)", Err: err}
	}
	return nil
}

func keyRun(ctx context.Context, a *App, opts *KeyOptions) error {
	if err := safefile.CheckWritable(opts.Out, opts.Force); err != nil {
		return err
	}
	pass, err := a.newKeyPassphrase(opts.PassphraseFile, opts.NoPassphrase)
	if err != nil {
		return err
	}
	key, err := a.generateKey(ctx, opts.Bits)
	if err != nil {
		return err
	}
	rep, err := a.writeKey(ctx, opts.Out, key, pass, opts.Force)
	if err != nil {
		return err
	}
	a.SetResult(struct {
		Key keyReport `json:"key"`
	}{rep})
	a.Infof("Wrote %s: RSA %d bits, %s\n", rep.File, rep.Bits, rep.Format)
	a.Infof("Public key SHA-256: %s\n", rep.PublicKeySHA256)
	return nil
}
