package cmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/frejarp"
)

// maxLogoFile bounds the logo files read.
const maxLogoFile = 64 << 20

// FrejaRPOptions are the inputs of `caronboard checklist freja-rp`. A field
// is checked when its flag was given (an empty value is checked, and fails).
type FrejaRPOptions struct {
	DisplayName, Description, URL, Logo string
	given                               map[string]bool
}

func newChecklistFrejaRPCmd(a *App, runF func(context.Context, *FrejaRPOptions) error) *cobra.Command {
	opts := &FrejaRPOptions{}
	c := &cobra.Command{
		Use:   "freja-rp --display-name NAME --description TEXT --url URL --logo FILE",
		Short: "Check the display name, description, URL and logo Freja eID production needs",
		Long: fmt.Sprintf(`Check what a relying party hands Freja eID before production, by the rules of the Freja
eID production checklist:

  --display-name  at most %d characters
  --description   at most %d characters
  --url           at most %d characters, an absolute https URL of a public host name
                  (not an IP address or localhost), without user name or password
  --logo          AI (Adobe Illustrator, preferred), EPS (Encapsulated PostScript) or
                  editable PDF, recognised by the file's content, not its name

Characters are Unicode code points (å counts as one). Every text must be valid UTF-8,
not empty, without control characters; spaces at either end are a warning.

The logo: a PDF must start with %%PDF- (within its first 1024 bytes) and end with
%%%%EOF; Illustrator files are PDFs with an Illustrator marker (AI 9 and later) or
PostScript with "%%%%Creator: Adobe Illustrator" (AI 8 and older); EPS starts with
"%%!PS-Adobe-N.N EPSF-N.N", or is a DOS EPS with the binary header C5 D0 D3 C6 whose
PostScript section lies inside the file. "Editable PDF" means: not encrypted or
permission-protected, and its pages draw vector paths or text (the content streams are
inflated, up to 8 MiB each, and read for drawing operators). A PDF that only wraps a
bitmap fails; one whose drawing cannot be read passes with a warning. PNG, JPEG, GIF,
TIFF, WebP and SVG are refused with what to export instead. An extension that does not
match the content is a warning.

Give any of the four flags; the ones left out are not checked.

Examples:
  caronboard checklist freja-rp --display-name "ACME" --description "Log in to ACME's customer portal" --url https://www.acme.se/ --logo logo.ai
  caronboard checklist freja-rp --logo logo.pdf -o json

Exit codes: 0 every given value meets the rules (warnings allowed), 1 a rule is broken
or the logo cannot be read, 2 usage error.`, frejarp.MaxDisplayName, frejarp.MaxDescription, frejarp.MaxURL),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.given = map[string]bool{}
			for _, name := range []string{"display-name", "description", "url", "logo"} {
				opts.given[name] = cmd.Flags().Changed(name)
			}
			if !opts.given["display-name"] && !opts.given["description"] && !opts.given["url"] && !opts.given["logo"] {
				return usageErr("for example: caronboard checklist freja-rp --display-name ACME --url https://www.acme.se/ --logo logo.ai",
					"give at least one of --display-name, --description, --url and --logo")
			}
			if opts.given["logo"] && opts.Logo == "" {
				return usageErr("give the logo file's path", "--logo needs a file")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return frejaRPRun(a, opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.DisplayName, "display-name", "", fmt.Sprintf("the name the Freja eID app shows (at most %d characters)", frejarp.MaxDisplayName))
	f.StringVar(&opts.Description, "description", "", fmt.Sprintf("the short description (at most %d characters)", frejarp.MaxDescription))
	f.StringVar(&opts.URL, "url", "", fmt.Sprintf("the organisation's https URL (at most %d characters)", frejarp.MaxURL))
	f.StringVar(&opts.Logo, "logo", "", "the logo file: AI, EPS or editable PDF")
	return c
}

// frejaRPResult is what `caronboard checklist freja-rp` reports.
type frejaRPResult struct {
	Results []frejarp.Result `json:"results"`
	Logo    *frejarp.Logo    `json:"logo,omitempty"`
}

func frejaRPRun(a *App, opts *FrejaRPOptions) error {
	res := &frejaRPResult{}
	if opts.given["display-name"] {
		res.Results = append(res.Results, frejarp.CheckDisplayName(opts.DisplayName))
	}
	if opts.given["description"] {
		res.Results = append(res.Results, frejarp.CheckDescription(opts.Description))
	}
	if opts.given["url"] {
		res.Results = append(res.Results, frejarp.CheckURL(opts.URL))
	}
	if opts.given["logo"] {
		data, err := safefile.ReadFile(opts.Logo, maxLogoFile)
		if err != nil {
			return fmt.Errorf("reading the logo: %w", err)
		}
		l := frejarp.SniffLogo(data)
		res.Logo = &l
		res.Results = append(res.Results, frejarp.CheckLogo(opts.Logo, data))
	}
	a.SetResult(res)
	var details []Detail
	for _, r := range res.Results {
		a.Infof("  %-4s  %-13s %s\n", r.Status, r.Rule, r.Message)
		if r.Hint != "" && r.Status != frejarp.Pass {
			a.Infof("        %-13s hint: %s\n", "", r.Hint)
		}
		if r.Status == frejarp.Fail {
			details = append(details, Detail{Field: r.Rule, Message: r.Message, Hint: r.Hint})
		}
	}
	if len(details) == 0 {
		a.Infof("\nEvery value given meets Freja eID's production rules.\n")
		return nil
	}
	names := make([]string, len(details))
	for i, d := range details {
		names[i] = d.Field
	}
	return &Error{Code: codeFrejaRPRejected, Details: details,
		Message: fmt.Sprintf("%d of Freja eID's production rules broken: %s", len(details), strings.Join(names, ", ")),
		Hint:    "fix the values named above; each line says how"}
}
