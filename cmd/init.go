package cmd

import (
	"context"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/spf13/cobra"
)

// InitOptions are the inputs of `caronboard init`. The profile, environment
// and subject flags only pre-fill the answers (the config file can set them
// too); every question is still asked.
type InitOptions struct {
	Dir        string
	Accessible bool
	Profile    string
	Env        string
	// Defaults for the subject questions.
	Org, OrgID, Country, Unit, CommonName, OrgCode, Role string

	configFile string // --config, passed on to the commands init runs
	dirSet     bool
}

// NewInitCmd builds the guided onboarding.
func NewInitCmd(a *App) *cobra.Command {
	opts := &InitOptions{}
	c := &cobra.Command{
		Use:   "init [--dir DIR] [--accessible]",
		Short: "Guided onboarding: answer a few questions, get a key, a CSR and a checklist",
		Long: `Interview you and run the commands that get a client certificate for the E-faktura
CAR API or the Freja eID relying-party API, then print what happens next.

It asks for the working folder, which API (CAR or Freja) and which environment, then
the subject fields of the CSR — each checked as you type it, with the same rules and
messages as 'caronboard csr' — and the passphrase for the new key (no echo, twice). It
creates the key and CSR by running 'caronboard csr --new-key' and shows where you stand
with 'caronboard checklist': where to send the CSR, the fingerprint to read out (CAR),
the addresses to allow-list (CAR); then the exact commands to run when the certificate
arrives (cert verify, pkcs12, ping).

Run it again in the same folder and it continues where you are: it finds the key,
the CSR, the issued certificate (CAR: client.cer and ca.cer; Freja: the ZIP from
partner support, or rp.cer) and the keystore, and goes on with the next step — checking
the certificate and building the PKCS#12 keystore, then the connection test. It never
replaces a key. Its answers (API and environment, no secrets) are kept in
caronboard-init.json in the folder.

With the sandbox environment the local sandbox stands in for the CA and the API:
'caronboard sandbox init' once, 'caronboard sandbox sign' in place of sending the CSR,
'caronboard sandbox serve' in place of the real host.

It needs a terminal. Without one (--no-input, a pipe, CI) it asks nothing and exits 2,
listing the 'caronboard csr' and 'caronboard key' flags that do the same job.
--accessible (or ACCESSIBLE=1) asks one plain line at a time, for screen readers.
The flags --profile, --env and the subject flags (also settable in the config file)
pre-fill the answers.

Examples:
  caronboard init
  caronboard init --dir ~/car-onboarding
  caronboard init --accessible --profile freja --org "ACME AB" --org-id 556677-8881

Exit codes: 0 done (or nothing left to do), 1 a step failed, 2 no terminal or usage error.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.dirSet = cmd.Flags().Changed("dir")
			opts.configFile, _ = cmd.Flags().GetString("config")
			if opts.Profile != "" && opts.Profile != "car" && opts.Profile != "freja" {
				return usageErr("use --profile car or --profile freja", "unknown profile %q", opts.Profile)
			}
			return initRun(cmd.Context(), a, opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Dir, "dir", ".", "working folder (asked when not given; created if missing)")
	f.BoolVar(&opts.Accessible, "accessible", false, "plain line-by-line prompts for screen readers (also ACCESSIBLE=1)")
	f.StringVar(&opts.Profile, "profile", "", "pre-select the API: car or freja")
	f.StringVar(&opts.Env, "env", "", "pre-select the environment")
	f.StringVar(&opts.Org, "org", "", "freja: default for O")
	f.StringVar(&opts.OrgID, "org-id", "", "freja: default for organisationIdentifier")
	f.StringVar(&opts.Country, "country", "SE", "freja: default for C")
	f.StringVar(&opts.Unit, "unit", "", "freja: default for OU")
	f.StringVar(&opts.CommonName, "common-name", "", "freja: default for CN")
	f.StringVar(&opts.OrgCode, "org-code", "", "car: default organisation code (CN)")
	f.StringVar(&opts.Role, "role", "", "car: default role (OU): bank, ctd or internal")
	markConfigurable(f, "profile", "org", "org-id", "country", "unit", "common-name", "org-code", "role")
	registerProfileCompletion(c)
	registerRoleCompletion(c)
	registerEnvCompletion(c, a)
	return c
}

// initRun interviews the user (or finds where an earlier run stopped) and
// runs the next steps.
func initRun(ctx context.Context, a *App, opts *InitOptions) error {
	env := strings.ToLower(a.Getenv("ACCESSIBLE"))
	ask, ok := a.asker(opts.Accessible || (env != "" && env != "0" && env != "false"))
	if !ok {
		return errInitNoTerminal()
	}
	if h, isHuh := ask.(*huhAsker); isHuh {
		h.ctx = ctx // Ctrl-C stops any question at once
	}
	g := &guide{a: a, ctx: ctx, ask: ask, opts: opts}
	a.Infof("caronboard init: a client certificate for the E-faktura CAR API or Freja eID, step by step.\n")
	a.Infof("Answers are checked as you type; Ctrl-C stops at any time and a later run continues.\n\n")
	if err := g.run(); err != nil {
		return err
	}
	a.SetResult(g.result())
	return nil
}

// asker returns the Asker for interactive questions, or false when there is
// no terminal to ask on. A Prompter that is also an Asker (tests) is used as is.
func (a *App) asker(accessible bool) (Asker, bool) {
	if !a.CanPrompt() {
		return nil, false
	}
	if ak, ok := a.Prompter.(Asker); ok {
		return ak, true
	}
	// The full-screen UI draws on stderr: when that is not a terminal (e.g.
	// 2>log), plain line prompts are the ones that still make sense.
	// TERM=dumb cannot draw it either.
	f, isFile := a.ErrOut.(*os.File)
	if !isFile || !term.IsTerminal(int(f.Fd())) || a.Getenv("TERM") == "dumb" {
		accessible = true
	}
	return newHuhAsker(a.In, a.ErrOut, accessible, a.Getenv), true
}

// errInitNoTerminal lists the commands that do init's job without questions.
func errInitNoTerminal() *Error {
	return &Error{
		Code:    codeNoTerminal,
		Message: "init asks questions and needs a terminal (stdin is not one, or --no-input was given)",
		Hint:    "run the commands above instead; give the key's passphrase with --passphrase-file FILE (- for stdin) or " + envPassphrase,
		// The alternatives are hints, not errors: one thing went wrong.
		Details: []Detail{
			{Field: "car", Hint: "CAR:   caronboard csr --profile car --new-key client.key --out client.csr --org-code CODE --role bank|ctd|internal --passphrase-file F"},
			{Field: "freja", Hint: "Freja: caronboard csr --profile freja --new-key rp.key --out rp.csr --zip --org NAME --org-id NUMBER [--country CC] [--unit OU] [--common-name CN] --passphrase-file F"},
			{Field: "key", Hint: "a key alone: caronboard key --out FILE [--bits 2048|3072|4096] --passphrase-file F (then csr --key FILE)"},
			{Field: "next", Hint: "then: caronboard cert verify, caronboard pkcs12, caronboard ping --env NAME, caronboard client RUNTIME --env NAME --out DIR (see each one's --help)"},
		},
	}
}

// guide is one run of init.
type guide struct {
	a    *App
	ctx  context.Context
	ask  Asker
	opts *InitOptions

	dir   string
	state initState
	files initFiles
	done  []string // steps completed by this run
	// given holds the passphrases typed in this run, by file, so that none
	// is asked twice (in memory only, for this run).
	given map[string]string
}

func (g *guide) run() error {
	if err := g.chooseDir(); err != nil {
		return err
	}
	resumed, err := g.loadOrAsk()
	if err != nil {
		return err
	}
	if resumed {
		g.a.Infof("\nContinuing in %s: %s, environment %s.\n", g.dir, g.state.profile().DisplayName(), g.state.Env)
	}
	g.files = findFiles(g.dir, g.a.defaultSandboxDir(), g.state)
	g.a.Infof("%s", g.files.summary())
	if g.files.has(g.files.CSR) && !g.files.has(g.files.Key) {
		return &Error{Code: codeKeyMissing,
			Message: fmt.Sprintf("%s exists but its key %s does not", g.files.CSR, g.files.Key),
			Hint:    "a certificate issued for that CSR would be useless without the key: if the key is lost, move the CSR away and run init again to make a new pair"}
	}
	if !g.files.has(g.files.CSR) {
		if err := g.makeCSR(); err != nil {
			return err
		}
	} else if renewed, err := g.offerRenewal(); err != nil || renewed {
		if err != nil {
			return err
		}
	} else if g.files.certReady() {
		if !g.files.has(g.files.P12) {
			if err := g.makeKeystore(); err != nil {
				return err
			}
		}
		if err := g.offerPing(); err != nil {
			return err
		}
	}
	g.files = findFiles(g.dir, g.a.defaultSandboxDir(), g.state)
	return g.printChecklist()
}
