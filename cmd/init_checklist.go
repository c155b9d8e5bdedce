package cmd

import (
	"path/filepath"

	"github.com/caronboard/caronboard/pkg/csr"
)

// initResult is init's JSON result.
type initResult struct {
	Dir     string   `json:"dir"`
	Profile string   `json:"profile"`
	Env     string   `json:"env"`
	Done    []string `json:"done_now"`
	// Commands are the exact commands of the steps still ahead, in order.
	Commands []string `json:"next_commands"`
}

func (g *guide) result() *initResult {
	return &initResult{Dir: g.dir, Profile: g.state.Profile, Env: g.state.Env, Done: g.describeSteps(), Commands: g.nextCommands()}
}

// printChecklist shows where the onboarding stands with `caronboard
// checklist` (one source for every step's state, the address to allow-list
// and the fingerprint to read out), then the exact commands still ahead.
func (g *guide) printChecklist() error {
	args := []string{"checklist", "--profile", g.state.Profile, "--env", g.state.Env, "--dir", g.dir}
	if err := g.sub("Where you stand", args, nil, ""); err != nil {
		return err
	}
	g.done = g.done[:len(g.done)-1] // showing the state is not a step done
	cmds := g.nextCommands()
	if len(cmds) > 0 {
		g.a.Infof("\n%s\n", g.commandsLead())
		for _, c := range cmds {
			g.a.Infof("  $ %s\n", c)
		}
	}
	if g.files.has(g.files.P12) {
		g.a.Infof("\nFor your application, the server's CA as a trust store (the client above can use it):\n")
		g.a.Infof("  $ %s\n", g.truststoreCommand())
	}
	g.a.Infof("\nRun 'caronboard init --dir %s' again at any step: it sees what is there and continues.\n", shellWord(g.dir))
	return nil
}

// commandsLead introduces the commands still ahead.
func (g *guide) commandsLead() string {
	f := g.files
	switch {
	case f.has(f.P12):
		return "The steps still ahead: prove the connection works, then make a client for your application:"
	case f.certReady():
		return "The steps still ahead: check the certificate, build the keystore and prove the connection (or run init again):"
	case g.state.Env == "sandbox":
		return "Rehearsal: the sandbox CA signs the CSR in place of the real CA (start 'caronboard sandbox serve' for the ping):"
	case f.profile == csr.CAR:
		dir := filepath.Dir(f.Key)
		return "When the certificate arrives, save client.cer and ca.cer (the CAR CA root) from send.e-faktura.com in " + dir + ", then:"
	default:
		return "When Freja partner support replies, save its ZIP in " + filepath.Dir(f.Key) + " (named REPLY.zip below), then:"
	}
}

// nextCommands are the exact commands of the steps not done yet: signing
// (sandbox only), checking the certificate, building the keystore, ping.
func (g *guide) nextCommands() []string {
	f := g.files
	p := string(f.profile)
	cb := func(args ...string) string { return "caronboard " + shellWords(args) }
	var cmds []string
	if !f.has(f.CSR) || g.pinged() {
		return nil
	}
	if !f.has(f.P12) {
		if g.state.Env == "sandbox" && !f.has(f.Cert) {
			cmds = append(cmds, cb("sandbox", "sign", "--csr", f.CSR, "--profile", p, "--out", f.Cert))
		}
		bundle := f.Bundle
		if bundle == "" && f.profile == csr.Freja && g.state.Env != "sandbox" {
			bundle = filepath.Join(filepath.Dir(f.Key), "REPLY.zip")
		}
		if bundle != "" {
			cmds = append(cmds,
				cb("pkcs12", "--out", f.P12, "--bundle", bundle, "--key", f.Key),
				cb("pkcs12", "inspect", f.P12, "--profile", p))
		} else {
			cmds = append(cmds,
				cb("cert", "verify", "--cert", f.Cert, "--key", f.Key, "--ca", f.CA, "--profile", p, "--csr", f.CSR),
				cb("pkcs12", "--out", f.P12, "--cert", f.Cert, "--key", f.Key, "--ca", f.CA))
		}
	}
	return append(cmds, cb(g.pingArgs()...), cb(g.clientArgs()...))
}

// clientArgs is the last step: a client for the user's own application
// ('caronboard client RUNTIME', java here as the example).
func (g *guide) clientArgs() []string {
	args := append([]string{"client", "java"}, g.pingArgs()[1:]...)
	return append(args, "--out", filepath.Join(filepath.Dir(g.files.P12), g.state.Env+"-client"))
}

// truststoreCommand exports the environment's server CA for the user's
// application, suggested once the keystore exists.
func (g *guide) truststoreCommand() string {
	f := g.files
	trust := []string{"truststore", "--env", g.state.Env, "--format", "pkcs12", "--no-passphrase", "--out", filepath.Join(filepath.Dir(f.Key), g.state.Env+"-truststore.p12")}
	if f.profile == csr.CAR && g.state.Env != "sandbox" {
		trust = append(trust, "--ca", f.CA)
	}
	return "caronboard " + shellWords(trust)
}

func (g *guide) pinged() bool {
	for _, d := range g.done {
		if d == "Test the connection" {
			return true
		}
	}
	return false
}
