package cmd

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/caronboard/caronboard/pkg/checklist"
	"github.com/caronboard/caronboard/pkg/csr"
)

// checklistStep is a step with the command that does it, when there is one.
type checklistStep struct {
	checklist.Step
	Command string `json:"command,omitempty"`
}

// checklistResult is what `caronboard checklist` reports.
type checklistResult struct {
	Profile        string            `json:"profile"`
	Env            string            `json:"env"`
	EnvDescription string            `json:"env_description,omitempty"`
	Dir            string            `json:"dir"`
	Notes          []string          `json:"notes,omitempty"`
	Steps          []checklistStep   `json:"steps"`
	Next           *checklistStep    `json:"next,omitempty"`
	Counts         map[string]int    `json:"counts"`
	Found          checklist.Found   `json:"found"`
	Outgoing       []string          `json:"outgoing_addresses,omitempty"`
	LastPing       *pingRecord       `json:"last_ping,omitempty"`
	Manual         []string          `json:"manual,omitempty"`
	States         map[string]string `json:"states"`
}

// result attaches the commands and the summary to an evaluated checklist.
func (c *checklistCtx) result(rep *checklist.Report) *checklistResult {
	res := &checklistResult{Profile: string(c.profile), Env: c.env.Name, EnvDescription: c.env.Description,
		Dir: c.opts.Dir, Notes: c.notes, Found: rep.Found, Outgoing: c.input.Outgoing, LastPing: c.ping,
		Counts: map[string]int{}, States: map[string]string{}}
	for _, s := range rep.Steps {
		cs := checklistStep{Step: s}
		if s.State == checklist.Open || s.State == checklist.Fail || s.ID == checklist.StepRPDetails && s.State != checklist.Skip {
			cs.Command = c.command(s, rep.Found)
		}
		res.Steps = append(res.Steps, cs)
		res.Counts[string(s.State)]++
		res.States[s.ID] = string(s.State)
		if s.State == checklist.Manual {
			res.Manual = append(res.Manual, s.Title)
		}
	}
	if next, ok := rep.Next(); ok {
		for i := range res.Steps {
			if res.Steps[i].ID == next.ID {
				res.Next = &res.Steps[i]
			}
		}
	}
	return res
}

// command is the exact command line for an open or failed step ("" when
// the step is done outside caronboard).
func (c *checklistCtx) command(s checklist.Step, f checklist.Found) string {
	p := c.profile
	stem := "client"
	if p == csr.Freja {
		stem = "rp"
	}
	in := func(name string) string { return filepath.Join(c.opts.Dir, name) }
	var args []string
	switch s.ID {
	case checklist.StepKey:
		if f.Key == "" {
			args = []string{"key", "--out", in(stem + ".key")}
		}
	case checklist.StepCSR:
		switch {
		case f.CSR != "" && s.State == checklist.Fail:
			args = []string{"csr", "inspect", f.CSR, "--profile", string(p)}
		case f.Key != "":
			args = append([]string{"csr", "--profile", string(p), "--key", f.Key, "--out", in(stem + ".csr")}, csrSubjectFlags(p)...)
		default:
			args = append([]string{"csr", "--profile", string(p), "--new-key", in(stem + ".key"), "--out", in(stem + ".csr")}, csrSubjectFlags(p)...)
		}
	case checklist.StepSendCSR:
		if c.input.Env.Sandbox && f.CSR != "" {
			args = c.sandboxArgs([]string{"sandbox", "sign", "--csr", f.CSR, "--profile", string(p), "--out", in(stem + ".cer")}, "--dir")
		}
	case checklist.StepCertificate, checklist.StepChain:
		if s.State == checklist.Fail && f.Certificate != "" { // cert verify reads certificate files, not ZIPs
			args = []string{"cert", "verify", "--cert", f.Certificate}
			if f.Key != "" {
				args = append(args, "--key", f.Key)
			}
			args = append(append(args, c.caArgs(f)...), "--profile", string(p))
		}
	case checklist.StepKeystore:
		args = c.pkcs12Args(f, in(stem+".p12"))
	case checklist.StepTrustAnchors:
		if !c.caConfigured && len(f.CAFiles) == 0 {
			break // the CAR CA root has not come yet
		}
		args = append([]string{"truststore", "--env", c.env.Name, "--out", in("truststore.pem")}, c.serverCAArgs(f)...)
		if c.input.Env.Sandbox {
			args = c.sandboxArgs(args, "--sandbox-dir")
		}
	case checklist.StepPing:
		args = c.pingArgs(f)
	case checklist.StepRPDetails:
		logo := "logo.ai"
		if len(s.Files) > 0 {
			logo = s.Files[0]
		}
		args = []string{"checklist", "freja-rp", "--display-name", "NAME", "--description", "TEXT", "--url", "https://…", "--logo", logo}
	}
	if args == nil {
		return ""
	}
	return "caronboard " + shellWords(args)
}

// csrSubjectFlags are the subject flags of a profile, with placeholders.
func csrSubjectFlags(p csr.Profile) []string {
	if p == csr.Freja {
		return []string{"--zip", "--org", "LEGAL NAME", "--org-id", "NNNNNN-NNNN"}
	}
	return []string{"--org-code", "CODE", "--role", "bank|ctd|internal"}
}

// sandboxArgs adds the sandbox folder when one was given.
func (c *checklistCtx) sandboxArgs(args []string, flag string) []string {
	if c.opts.SandboxDir != "" {
		return append(args, flag, c.opts.SandboxDir)
	}
	return args
}

// caArgs are --ca flags for the CA files found (or the sandbox CA).
func (c *checklistCtx) caArgs(f checklist.Found) []string {
	var args []string
	for _, ca := range f.CAFiles {
		args = append(args, "--ca", ca)
	}
	if len(args) == 0 && c.input.Env.Sandbox {
		args = []string{"--ca", filepath.Join(c.sandboxDir, "ca.pem")}
	}
	return args
}

// serverCAArgs pass the CAR CA root from the folder when the environment has
// none configured.
func (c *checklistCtx) serverCAArgs(f checklist.Found) []string {
	if c.caConfigured {
		return nil
	}
	if len(f.CAFiles) > 0 {
		return []string{"--ca", f.CAFiles[0]}
	}
	return []string{"--ca", filepath.Join(c.opts.Dir, "ca.cer")}
}

func (c *checklistCtx) pkcs12Args(f checklist.Found, out string) []string {
	switch {
	case f.Key == "":
		return nil
	case f.Bundle != "":
		return []string{"pkcs12", "--out", out, "--bundle", f.Bundle, "--key", f.Key}
	case f.Certificate != "":
		return append([]string{"pkcs12", "--out", out, "--cert", f.Certificate, "--key", f.Key}, c.caArgs(f)...)
	}
	return nil
}

func (c *checklistCtx) pingArgs(f checklist.Found) []string {
	args := []string{"ping", "--env", c.env.Name}
	switch {
	case f.Keystore != "":
		args = append(args, "--p12", f.Keystore)
	case f.Certificate != "" && f.Key != "":
		args = append(args, "--cert", f.Certificate, "--key", f.Key)
	default:
		return nil
	}
	if !c.caConfigured {
		args = append(args, c.serverCAArgs(f)...)
	}
	if c.input.Env.Sandbox {
		args = c.sandboxArgs(args, "--sandbox-dir")
	}
	return args
}

// stateLabels are how states print in text.
var stateLabels = map[checklist.State]string{
	checklist.Done: "done", checklist.Warn: "WARN", checklist.Fail: "FAIL",
	checklist.Open: "open", checklist.Manual: "manual", checklist.Skip: "skip",
}

func (r *checklistResult) print(a *App, all bool) {
	head := fmt.Sprintf("Onboarding checklist: %s, environment %s", csr.Profile(r.Profile).DisplayName(), r.Env)
	if r.EnvDescription != "" {
		head += " (" + r.EnvDescription + ")"
	}
	a.Infof("%s, folder %s\n", head, r.Dir)
	for _, n := range r.Notes {
		a.Infof("  note: %s\n", n)
	}
	a.Infof("\n")
	shown := 0
	for _, s := range r.Steps {
		if !all && (s.State == checklist.Done || s.State == checklist.Skip) {
			continue
		}
		shown++
		a.Infof("  %-6s  %s\n", stateLabels[s.State], s.Title)
		if s.Detail != "" {
			a.Infof("          %s\n", s.Detail)
		}
		if s.Hint != "" && s.State != checklist.Done && s.State != checklist.Skip {
			a.Infof("          hint: %s\n", s.Hint)
		}
		if s.Command != "" && all {
			a.Infof("          run:  %s\n", s.Command)
		}
	}
	if shown == 0 {
		a.Infof("  every step is done or not for %s\n", r.Env)
	}
	c := r.Counts
	a.Infof("\n%d done, %d with warnings, %d failed, %d open, %d to do outside this machine, %d not for %s.\n",
		c["done"], c["warn"], c["fail"], c["open"], c["manual"], c["skip"], r.Env)
	if !all && (c["done"] > 0 || c["skip"] > 0) {
		a.Infof("(--all shows the done and skipped steps too.)\n")
	}
	switch {
	case r.Next == nil && c["warn"] == 0:
		a.Infof("Nothing left to do here%s.\n", manualSuffix(r.Manual))
	case r.Next == nil:
		a.Infof("Nothing open; see the warnings above%s.\n", manualSuffix(r.Manual))
	case r.Next.Command != "":
		a.Infof("Next: %s\n  %s\n", r.Next.Title, r.Next.Command)
	default:
		a.Infof("Next: %s\n  %s\n", r.Next.Title, strings.TrimSpace(r.Next.Hint))
	}
}

func manualSuffix(manual []string) string {
	if len(manual) == 0 {
		return ""
	}
	return fmt.Sprintf(" (besides %d step(s) only you can confirm)", len(manual))
}
