package cmd

import (
	"fmt"
	"net"

	"github.com/caronboard/caronboard/pkg/checklist"
	"github.com/caronboard/caronboard/pkg/csr"
)

// checklistCtx is what one checklist run knows besides the folder.
type checklistCtx struct {
	opts       *ChecklistOptions
	env        *Environment
	profile    csr.Profile
	sandboxDir string
	// caConfigured says the environment's server CA is known without the
	// folder (built in, sandbox, or set in the config file).
	caConfigured bool
	notes        []string
	ping         *pingRecord
	input        checklist.Input
}

// checklistContext resolves profile and environment and gathers the
// environment's server CA, the recorded ping and the outgoing addresses.
func (a *App) checklistContext(opts *ChecklistOptions, folder *checklist.Folder) (*checklistCtx, error) {
	c := &checklistCtx{opts: opts, sandboxDir: opts.SandboxDir}
	if c.sandboxDir == "" {
		c.sandboxDir = a.defaultSandboxDir()
	}
	var env *Environment
	if opts.Env != "" {
		e, err := a.environment(opts.Env)
		if err != nil {
			return nil, err
		}
		env = e
	}
	profile, note := profileFor(opts, env, folder)
	if note != "" {
		c.notes = append(c.notes, note)
	}
	if env == nil {
		e, err := a.environment(defaultEnv(profile))
		if err != nil {
			return nil, err
		}
		env = e
		c.notes = append(c.notes, fmt.Sprintf("environment %s by default (--env NAME for another)", env.Name))
	}
	if env.Profile != "" && env.Profile != string(profile) && env.CA != "sandbox" {
		return nil, usageErr(fmt.Sprintf("use --profile %s with --env %s, or another environment", env.Profile, env.Name),
			"environment %s is a %s environment, not %s", env.Name, env.Profile, profile)
	}
	c.env, c.profile = env, profile
	sandbox := env.CA == "sandbox"
	now := opts.at
	if now.IsZero() {
		now = a.Now()
	}
	in := checklist.Input{Profile: profile, Folder: folder, Now: now,
		Env: checklist.Env{Name: env.Name, Description: env.Description, Sandbox: sandbox,
			Production: env.Name == "api" || env.Name == "freja-prod"}}
	if roots, src, err := a.serverRoots(env, nil, c.sandboxDir); err == nil {
		in.Env.ServerRoots, in.Env.RootsSource, c.caConfigured = roots, src, true
	} else if e := classify(err); e.Code != "no_ca" {
		c.notes = append(c.notes, "the server CA of "+env.Name+" could not be read: "+e.Message)
	}
	rec, err := a.readPingRecord(env.Name, folder.Dir, folderClientKeys(folder))
	if err != nil {
		a.Warn("the recorded ping of " + env.Name + " cannot be read: " + err.Error())
	}
	if rec != nil {
		c.ping = rec
		in.Ping = &checklist.Ping{OK: rec.OK, Code: rec.Code, Message: rec.Message, Hint: rec.Hint,
			Time: rec.Time, Addr: rec.Addr, SourceIP: rec.SourceIP, Proxy: rec.Proxy}
	}
	if profile == csr.CAR && !sandbox {
		in.Outgoing = findOutgoing(env)
	}
	c.input = in
	return c, nil
}

// outgoingTargets are addresses of the documentation ranges (RFC 5737,
// RFC 3849): routed like any public address, and nothing is ever sent to
// them, since connecting a UDP socket only asks the operating system for
// the route and the source address.
var outgoingTargets = []string{"198.51.100.1:443", "[2001:db8::1]:443"}

// findOutgoing is outgoingAddrs; tests replace it.
var findOutgoing = outgoingAddrs

// outgoingAddrs returns the source addresses this machine would use to reach
// the environment (its host, when that is an IP address; otherwise any
// public address), without sending a packet or resolving a name.
func outgoingAddrs(e *Environment) []string {
	targets := outgoingTargets
	if ip := net.ParseIP(e.Host); ip != nil && !ip.IsLoopback() {
		targets = []string{e.Addr()}
	}
	var out []string
	for _, t := range targets {
		conn, err := net.Dial("udp", t)
		if err != nil {
			continue
		}
		if ua, ok := conn.LocalAddr().(*net.UDPAddr); ok && !ua.IP.IsLoopback() && !ua.IP.IsUnspecified() {
			out = append(out, ua.IP.String())
		}
		_ = conn.Close()
	}
	return out
}

// folderClientKeys are the public-key fingerprints of the client
// certificates in the folder (certificate files and ZIP bundles): a recorded
// ping counts for the folder only when it was made with one of them (or from
// a keystore file in the folder, whose certificate does not show without
// its passphrase).
func folderClientKeys(folder *checklist.Folder) []string {
	var out []string
	for _, f := range folder.Files {
		if f.Kind != checklist.KindCertificate && f.Kind != checklist.KindBundle {
			continue
		}
		for _, c := range f.Certs {
			if c.IsCA {
				continue
			}
			if fp, err := csr.PublicKeyFingerprint(c.PublicKey); err == nil {
				out = append(out, fp)
			}
		}
	}
	return out
}
