package checklist

import (
	"crypto/x509"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
)

// State is where one onboarding step stands.
type State string

// The states of a step. Open and Fail steps are the ones to act on; the
// first of them is the next step.
const (
	Done   State = "done"   // done, and what can be checked here is right
	Warn   State = "warn"   // done, with a problem worth fixing
	Fail   State = "fail"   // there, but wrong: fix it before going on
	Open   State = "open"   // not done yet
	Manual State = "manual" // a step outside this machine that caronboard cannot check
	Skip   State = "skip"   // does not apply to this environment
)

// Step is one onboarding step and its state.
type Step struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	State State  `json:"state"`
	// Detail says what was found; Hint what to do.
	Detail string   `json:"detail,omitempty"`
	Hint   string   `json:"hint,omitempty"`
	Files  []string `json:"files,omitempty"`
}

// Step IDs.
const (
	StepContract     = "contract"
	StepRPDetails    = "rp_details"
	StepKey          = "key"
	StepCSR          = "csr"
	StepSendCSR      = "send_csr"
	StepAllowList    = "allow_list"
	StepCertificate  = "certificate"
	StepChain        = "chain"
	StepVerification = "verification"
	StepKeystore     = "keystore"
	StepTrustAnchors = "trust_anchors"
	StepTestUsers    = "test_users"
	StepPing         = "ping"
)

// Env is the environment a checklist is for.
type Env struct {
	Name        string
	Description string
	// Production marks api and freja-prod, which have steps of their own
	// (CAR's manual verification; Freja's contract and logo).
	Production bool
	// Sandbox marks the local sandbox: no allow-list, and 'sandbox sign'
	// plays the CA.
	Sandbox bool
	// ServerRoots are the CA certificates the environment's server chains
	// to; nil when not known (a CAR environment with no configured ca: then
	// the self-signed CA certificates of the folder, the ca.cer received,
	// are taken).
	ServerRoots []*x509.Certificate
	RootsSource string
}

// Ping is the last recorded ping of the environment.
type Ping struct {
	OK       bool
	Code     string
	Message  string
	Hint     string
	Time     time.Time
	Addr     string
	SourceIP string
	// Proxy is the proxy the ping went through ("" for direct): the API
	// then sees the proxy's outgoing address, not SourceIP.
	Proxy string
}

// Input is everything a checklist is derived from.
type Input struct {
	Profile csr.Profile
	Env     Env
	Folder  *Folder
	// Ping is the environment's last recorded ping, nil when there is none.
	Ping *Ping
	// Outgoing are this machine's outgoing addresses (found without
	// sending anything), for the CAR allow-list.
	Outgoing []string
	Now      time.Time
}

// Found names the files the steps were judged on, for the commands of the
// next steps ("" when there is none).
type Found struct {
	Key         string   `json:"key,omitempty"`
	CSR         string   `json:"csr,omitempty"`
	CSRZip      string   `json:"csr_zip,omitempty"`
	Certificate string   `json:"certificate,omitempty"`
	Bundle      string   `json:"bundle,omitempty"`
	CAFiles     []string `json:"ca_files,omitempty"`
	Keystore    string   `json:"keystore,omitempty"`
	TrustStore  string   `json:"truststore,omitempty"`
	// Fingerprint is the SHA-256 fingerprint of the public key, from the
	// certificate or the CSR (CAR's manual verification reads it aloud).
	Fingerprint string `json:"public_key_sha256,omitempty"`
	// Subject is the certificate's (or else the CSR's) subject.
	Subject string `json:"subject,omitempty"`
}

// Report is a derived checklist.
type Report struct {
	Steps []Step `json:"steps"`
	Found Found  `json:"found"`
}

// Next returns the first step that is open or failed.
func (r *Report) Next() (Step, bool) {
	for _, s := range r.Steps {
		if s.State == Open || s.State == Fail {
			return s, true
		}
	}
	return Step{}, false
}

// Count returns how many steps are in each state.
func (r *Report) Count() map[State]int {
	m := map[State]int{}
	for _, s := range r.Steps {
		m[s.State]++
	}
	return m
}
