package cmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/pkg/checklist"
	"github.com/caronboard/caronboard/pkg/csr"
)

// ChecklistOptions are the inputs of `caronboard checklist`.
type ChecklistOptions struct {
	Profile    string
	Env        string
	Dir        string
	SandboxDir string
	// All shows every step; by default the text shows only the steps that
	// need something (failed, warnings, open, manual) and one next command.
	All bool
	At  string

	at time.Time // the time certificates are judged at (zero: now)
}

// NewChecklistCmd shows where the onboarding stands, derived from the files
// in a folder and what can be checked on this machine.
func NewChecklistCmd(a *App) *cobra.Command {
	return newChecklistCmd(a, nil)
}

func newChecklistCmd(a *App, runF func(context.Context, *ChecklistOptions) error) *cobra.Command {
	opts := &ChecklistOptions{}
	c := &cobra.Command{
		Use:   "checklist [--profile car|freja] [--env NAME] [--dir DIR] [--all]",
		Short: "Show every onboarding step, its state and the command for the next one",
		Long: `Show, for a profile and environment, every onboarding step of the CAR or Freja eID
documents with its state, derived each time from the files in --dir and what can be
checked on this machine — never from remembered state, except the outcome of the last
'caronboard ping' of the environment with a certificate in --dir, which ping
records with its time and the certificate's public key.

  CAR:   key, csr, send_csr, allow_list, certificate, chain, verification (api only),
         keystore, trust_anchors, ping
  Freja: contract and rp_details (freja-prod only), key, csr, send_csr, certificate,
         chain, keystore, trust_anchors, test_users (freja-test only), ping

States: done; warn (done, with a problem worth fixing); fail (there but wrong); open
(not done yet); manual (outside this machine: a contract, a phone call, a firewall);
skip (not for this environment). The first open or failed step is the next one, and
the exact command for it is printed. The text shows the steps that need something
(failed, with warnings, open, to do outside this machine) and the one next command;
--all shows every step, each with its command. -o json always has every step.

Files are recognised by their content, conventional names first: private keys (*.key;
an encrypted one counts as protected without its passphrase, and it must be mode 0600),
CSRs (*.csr), certificates (*.cer, *.crt, *.pem: client or CA), PKCS#12 keystores and
trust stores (*.p12, *.pfx: described by what shows without the passphrase), the ZIP
from Freja partner support, the CSR's ZIP, and logo files (logo.*, *.ai, *.eps). A
trust-anchor file is a PKCS#12 trust store, or a file of CA certificates named *trust*
or holding exactly the environment's server CA. Only the folder itself is read, not its
subfolders. No passphrase is asked for, ever.

For CAR the allow_list step shows this machine's outgoing address (found by asking the
operating system for the route, which sends nothing); behind NAT the API sees your
public address instead.

A folder in renewal (the current certificate, a newer key and a CSR with its subject) gets a
renewal step: open until a certificate for the new key passes 'cert verify', then done;
without a renewal, a warning once the client certificate has fewer than 30 days left.
--at judges certificates at another time (RFC 3339) instead of now.

Without --profile the profile is the environment's, or is recognised from a CSR or
certificate in the folder (else CAR). Without --env: stage for CAR, freja-test for Freja.

'caronboard checklist freja-rp' checks the display name, description, URL and logo
Freja eID production needs.

Examples:
  caronboard checklist --dir ~/car --env stage
  caronboard checklist --dir ~/car --env stage --all
  caronboard checklist --profile freja --env freja-prod --dir ~/freja -o json
  caronboard checklist --env sandbox --dir rehearsal --sandbox-dir rehearsal/sandbox
  caronboard checklist --dir ~/car --env api --at 2027-10-01T00:00:00Z

Exit codes: 0 whatever the state (the checklist reports, it does not judge), 2 usage
error (bad flags, no such folder).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Profile != "" {
				if _, err := csr.ParseProfile(opts.Profile); err != nil {
					return usageErr("use --profile car or --profile freja", "unknown profile %q", opts.Profile)
				}
			}
			if opts.At != "" {
				at, err := parseAt(opts.At, a.Now)
				if err != nil {
					return err
				}
				opts.at = at
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return checklistRun(a, opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Profile, "profile", "", "car or freja (default: the environment's, or recognised from the folder)")
	f.StringVar(&opts.Env, "env", "", "environment (default: stage for CAR, freja-test for Freja)")
	f.StringVar(&opts.Dir, "dir", ".", "the folder holding the key, CSR, certificates and keystores")
	f.BoolVar(&opts.All, "all", false, "show every step (done and skipped too), each with its command")
	f.StringVar(&opts.SandboxDir, "sandbox-dir", "", "sandbox folder, for --env sandbox (default: caronboard/sandbox in the user config folder)")
	f.StringVar(&opts.At, "at", "", "judge expiry and renewal at this time (RFC 3339) instead of now")
	markConfigurable(f, "profile")
	c.AddCommand(newChecklistFrejaRPCmd(a, nil))
	return c
}

func checklistRun(a *App, opts *ChecklistOptions) error {
	folder, err := checklist.Scan(opts.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return usageErr("give the folder that holds the onboarding files, or create it", "--dir %s: no such folder", opts.Dir)
	}
	if err != nil {
		return usageErr("give a readable folder with --dir", "--dir %s: %v", opts.Dir, err)
	}
	if n := len(folder.Leftovers); n > 0 {
		a.Warn(fmt.Sprintf("%s holds %d temporary file(s) of interrupted writes (%s): safe to delete; the next write to the same file removes them", opts.Dir, n, strings.Join(folder.Leftovers, ", ")))
	}
	if folder.Truncated {
		a.Warn(fmt.Sprintf("%s holds more files than checklist reads (%d read): keep the onboarding files in a folder of their own", opts.Dir, folder.Examined))
	}
	ctx, err := a.checklistContext(opts, folder)
	if err != nil {
		return err
	}
	rep := checklist.Evaluate(ctx.input)
	res := ctx.result(rep)
	a.SetResult(res)
	res.print(a, opts.All)
	return nil
}

// profileFor chooses the profile: the flag (or config), the environment's,
// the folder's, else CAR. The note says where it came from.
func profileFor(opts *ChecklistOptions, env *Environment, folder *checklist.Folder) (csr.Profile, string) {
	if opts.Profile != "" {
		p, _ := csr.ParseProfile(opts.Profile)
		return p, ""
	}
	if env != nil && env.Profile != "" && env.CA != "sandbox" {
		p, _ := csr.ParseProfile(env.Profile)
		return p, ""
	}
	if p, ok := checklist.DetectProfile(folder); ok {
		return p, fmt.Sprintf("profile %s recognised from the files in %s", p, opts.Dir)
	}
	return csr.CAR, "no profile given or recognised: showing CAR (--profile freja for Freja eID)"
}

// defaultEnv is the environment a profile starts with.
func defaultEnv(p csr.Profile) string {
	if p == csr.Freja {
		return "freja-test"
	}
	return "stage"
}
