// Checklist steps after the keystore: the proven connection (ping) and, for
// Freja, the allow list, contract, relying-party details and test users.

package checklist

import (
	"fmt"
	"strings"
	"time"

	"github.com/caronboard/caronboard/pkg/frejarp"
)

// ping: the environment's last recorded ping.
func (e *eval) ping() Step {
	s := Step{ID: StepPing, Title: "Mutual TLS to " + e.in.Env.Name + " proven (the last ping)"}
	p := e.in.Ping
	if p == nil {
		s.State, s.Detail = Open, "no ping of "+e.in.Env.Name+" recorded on this machine"
		return s
	}
	when := fmt.Sprintf("%s (%s)", p.Time.UTC().Format(time.RFC3339), age(e.in.Now.Sub(p.Time)))
	if !p.OK {
		s.State = Fail
		s.Detail = fmt.Sprintf("the last ping failed at %s: %s: %s", when, p.Code, p.Message)
		s.Hint = p.Hint
		return s
	}
	s.State = Done
	s.Detail = fmt.Sprintf("mutual TLS accepted at %s, from %s to %s", when, orUnknown(p.SourceIP), p.Addr)
	if rest := strings.TrimSpace(strings.TrimPrefix(p.Message, "mutual TLS accepted")); rest != "" {
		s.Detail += " " + rest
	}
	if e.leaf != nil && p.Time.Before(e.leaf.NotBefore) {
		s.State = Warn
		s.Detail += fmt.Sprintf("; that was before the current certificate was issued (%s)", e.leaf.NotBefore.UTC().Format(time.RFC3339))
		s.Hint = "ping again with the current certificate"
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "an unknown address"
	}
	return s
}

// age says how long ago, roughly.
func age(d time.Duration) string {
	switch {
	case d < 0:
		return "in the future: check the clock"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
}

// allowList: CAR admits only allow-listed source addresses.
func (e *eval) allowList() Step {
	s := Step{ID: StepAllowList, Title: "Source IP addresses allow-listed by the CAR team"}
	if e.in.Env.Sandbox {
		s.State, s.Detail = Skip, "the sandbox has no allow-list"
		return s
	}
	var addrs []string
	for _, a := range e.in.Outgoing {
		if !contains(addrs, a) {
			addrs = append(addrs, a)
		}
	}
	if len(addrs) > 0 {
		s.Detail = "this machine's outgoing address: " + strings.Join(addrs, ", ") + " (found without sending anything)"
	} else {
		s.Detail = "no outgoing address found (no route to the internet from this machine?)"
	}
	s.Detail += "; behind NAT or a proxy the API sees your public address instead: ask your network team which addresses connect to the API"
	p := e.in.Ping
	if p != nil && p.Proxy != "" {
		s.Detail = "the last ping went through the proxy " + p.Proxy + ": the API sees the proxy's outgoing address, not this machine's, and that address goes on the allow-list (ask your network team for it); " + s.Detail
	}
	switch {
	case p != nil && p.OK:
		s.State = Done
		s.Detail = fmt.Sprintf("proven: the ping from %s at %s was accepted; ", orUnknown(p.SourceIP), p.Time.UTC().Format(time.RFC3339)) + s.Detail
	case p != nil && p.Code == "tcp_timeout":
		s.State = Fail
		s.Detail = fmt.Sprintf("the last ping from %s timed out connecting (%s): often the source address is not allow-listed; ", orUnknown(p.SourceIP), p.Time.UTC().Format(time.RFC3339)) + s.Detail
		s.Hint = "give the CAR certificate manager the public addresses you connect from"
	default:
		s.State = Manual
		s.Hint = "give the CAR certificate manager every public address that connects to the API, with the CSR"
	}
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// contract: Freja production needs a signed contract.
func (e *eval) contract() Step {
	s := Step{ID: StepContract, Title: "Contract signed for the production Freja eID service"}
	if !e.in.Env.Production || e.in.Env.Sandbox {
		s.State, s.Detail = Skip, "only for production (freja-prod)"
		return s
	}
	s.State, s.Detail = Manual, "sign the contract that gives your organisation access to the production Freja eID services; caronboard cannot check it"
	return s
}

// rpDetails: Freja production needs a logo, display name, URL and
// description; logo files in the folder are checked.
func (e *eval) rpDetails() Step {
	s := Step{ID: StepRPDetails, Title: "Logo (AI, EPS or editable PDF), display name (≤ 20), URL (≤ 100) and description (≤ 75) given to Freja eID"}
	if !e.in.Env.Production || e.in.Env.Sandbox {
		s.State, s.Detail = Skip, "only for production (freja-prod)"
		return s
	}
	s.State = Manual
	s.Detail = fmt.Sprintf("check the texts and the logo before you send them; display name at most %d characters, description %d, URL %d (https)",
		frejarp.MaxDisplayName, frejarp.MaxDescription, frejarp.MaxURL)
	var notes []string
	for _, f := range e.in.Folder.Of(KindLogo) {
		s.Files = append(s.Files, f.Path)
		notes = append(notes, string(f.Logo.Status)+": "+f.Logo.Message)
		switch {
		case f.Logo.Status == frejarp.Fail:
			s.State, s.Hint = Fail, f.Logo.Hint
		case f.Logo.Status == frejarp.Warn && s.State != Fail:
			s.State, s.Hint = Warn, f.Logo.Hint
		}
	}
	if len(notes) > 0 {
		s.Detail = strings.Join(notes, "; ") + "; " + s.Detail
	}
	return s
}

// testUsers: Freja's test environment needs test users registered.
func (e *eval) testUsers() Step {
	s := Step{ID: StepTestUsers, Title: "Test users registered in Freja eID Test (with the Freja eID app)"}
	if e.in.Env.Production || e.in.Env.Sandbox {
		s.State, s.Detail = Skip, "only for the test environment (freja-test)"
		return s
	}
	s.State, s.Detail = Manual, "register one or more users with the Freja eID Test infrastructure, using the Freja eID mobile app in test mode"
	return s
}
