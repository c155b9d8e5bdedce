package cmd

import (
	"strings"

	"github.com/caronboard/caronboard/pkg/csr"
)

// askSubject asks for the profile's subject fields, each checked as it is
// typed with pkg/csr's own rules and messages, shows the resulting subject
// and returns the matching `caronboard csr` flags.
func (g *guide) askSubject() ([]string, error) {
	g.a.Infof("\nThe certificate signing request (CSR) names your organisation as the %s CA requires.\n", g.state.profile().DisplayName())
	var (
		args []string
		subj csr.Subject
		err  error
	)
	if g.state.profile() == csr.CAR {
		args, subj, err = g.askCAR()
	} else {
		args, subj, err = g.askFreja()
	}
	if err != nil {
		return nil, err
	}
	g.a.Infof("\nSubject: %s\n", subj.String())
	return args, nil
}

// field returns the validator of one subject field: pkg/csr's rules, with
// each problem and its hint as the message shown under the field.
func field(p csr.Profile, name string) func(string) error {
	return func(v string) error { return problems(csr.ValidateField(p, name, v)) }
}

func (g *guide) askCAR() ([]string, csr.Subject, error) {
	code, err := g.ask.Input(Question{
		Title:    "Organisation code (CN)",
		Help:     "Your organisation code as specified in the E-faktura rulebook.",
		Default:  g.opts.OrgCode,
		Validate: field(csr.CAR, "CN"),
	})
	if err != nil {
		return nil, nil, err
	}
	roles := make([]Option, len(csr.CARRoles))
	for i, r := range csr.CARRoles {
		roles[i] = Option{Label: r, Value: r}
	}
	role, err := g.ask.Select(Question{Title: "Role (OU)", Default: g.opts.Role,
		Help: "bank or ctd for an integration partner; internal for E-fakturabolaget's own systems."}, roles)
	if err != nil {
		return nil, nil, err
	}
	subj, err := csr.NewCARSubject(csr.CARInput{OrgCode: code, Role: role})
	if err != nil {
		return nil, nil, err
	}
	return []string{"--org-code", code, "--role", role}, subj, nil
}

func (g *guide) askFreja() ([]string, csr.Subject, error) {
	country, err := g.ask.Input(Question{
		Title:    "Country (C)",
		Help:     "The two-letter ISO 3166 code of the organisation's country.",
		Default:  strings.ToUpper(firstNonEmpty(g.opts.Country, "SE")),
		Validate: field(csr.Freja, "C"),
	})
	if err != nil {
		return nil, nil, err
	}
	orgIDHelp := "The organisation's identifier in its country's register."
	if strings.EqualFold(country, "SE") {
		orgIDHelp = "The Swedish organisationsnummer, NNNNNN-NNNN (the hyphen may be left out); its last digit is a check digit."
	}
	orgID, err := g.ask.Input(Question{
		Title:    "Organisation identifier (2.5.4.97)",
		Help:     orgIDHelp,
		Default:  g.opts.OrgID,
		Validate: func(v string) error { return problems(csr.ValidateOrgID(country, v)) },
	})
	if err != nil {
		return nil, nil, err
	}
	org, err := g.ask.Input(Question{
		Title:    "Legal name (O)",
		Help:     "As registered, e.g. ACME AB. Freja does not accept any of " + csr.FrejaForbiddenChars(),
		Default:  g.opts.Org,
		Validate: field(csr.Freja, "O"),
	})
	if err != nil {
		return nil, nil, err
	}
	unit, err := g.ask.Input(Question{
		Title:    "Organisational unit (OU), optional",
		Help:     "An internal qualifier, e.g. Production; leave empty for none. The same characters are refused as in O.",
		Default:  g.opts.Unit,
		Validate: field(csr.Freja, "OU"),
	})
	if err != nil {
		return nil, nil, err
	}
	cn, err := g.ask.Input(Question{
		Title:    "Function (CN), optional",
		Help:     "What the certificate is for, e.g. Document signing service; leave empty for none.",
		Default:  g.opts.CommonName,
		Validate: field(csr.Freja, "CN"),
	})
	if err != nil {
		return nil, nil, err
	}
	subj, err := csr.NewFrejaSubject(csr.FrejaInput{Country: country, OrgID: orgID, Unit: unit, Org: org, CommonName: cn})
	if err != nil {
		return nil, nil, err
	}
	c, _ := subj.Get("C")
	args := []string{"--country", c, "--org-id", orgID, "--org", org}
	if unit != "" {
		args = append(args, "--unit", unit)
	}
	if cn != "" {
		args = append(args, "--common-name", cn)
	}
	return args, subj, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
