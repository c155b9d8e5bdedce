package verify

import (
	"crypto"
	"crypto/x509"
	"errors"
	"strings"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
)

// Status is the outcome of one check.
type Status string

// The outcomes of a check. Only Fail makes a report fail.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Warn Status = "warn"
	Skip Status = "skip"
)

// Check is one line of a report.
type Check struct {
	// ID names the check; one of the Check… constants.
	ID     string `json:"id"`
	Status Status `json:"status"`
	// Message says what was found, in words.
	Message string `json:"message"`
	// Hint says what to do about it (for a skipped check: what to pass).
	Hint string `json:"hint,omitempty"`
}

// Check IDs, in the order a report lists them.
const (
	CheckKeyMatch           = "key_match"
	CheckChain              = "chain"
	CheckValidity           = "validity"
	CheckClientAuth         = "client_auth"
	CheckKeySize            = "key_size"
	CheckSubject            = "subject"
	CheckCSRMatch           = "csr_match"
	CheckSignatureAlgorithm = "signature_algorithm"
)

// CheckIDs lists every check ID in report order.
var CheckIDs = []string{CheckKeyMatch, CheckChain, CheckValidity, CheckClientAuth,
	CheckKeySize, CheckSubject, CheckCSRMatch, CheckSignatureAlgorithm}

// DefaultExpiryWarning is how long before expiry the validity check warns
// when CertInput.ExpiryWarning is zero.
const DefaultExpiryWarning = 30 * 24 * time.Hour

// CertInput is what CheckCertificate judges. Only Leaf and At are required;
// a check whose input is missing is skipped.
type CertInput struct {
	// Leaf is the certificate to check.
	Leaf *x509.Certificate
	// Others holds every other certificate given (bundle members,
	// intermediates); it may include roots, the leaf and duplicates.
	Others []*x509.Certificate
	// Roots are the trusted CAs (--ca). When empty the chain check is
	// skipped.
	Roots []*x509.Certificate
	// Key is the public key of --key (a private key is accepted too).
	Key crypto.PublicKey
	// Profile is the profile to check key size and subject against; empty
	// means none.
	Profile csr.Profile
	// CSR is the request the certificate should have been issued for.
	CSR *x509.CertificateRequest
	// At is the time to judge validity at.
	At time.Time
	// ExpiryWarning is how long before expiry to warn; zero means
	// DefaultExpiryWarning.
	ExpiryWarning time.Duration
}

// Report is the result of CheckCertificate: a description of the
// certificate and one Check per ID in CheckIDs, in that order.
type Report struct {
	// Subject and Issuer are printed in order, as package csr prints names.
	Subject string `json:"subject"`
	Issuer  string `json:"issuer"`
	// NotBefore and NotAfter are the validity window.
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// Serial is the serial number in upper-case hex, as `openssl x509
	// -serial` prints it.
	Serial string `json:"serial"`
	// PublicKeySHA256 is the fingerprint of the certificate's public key
	// (csr.PublicKeyFingerprint).
	PublicKeySHA256 string `json:"public_key_sha256"`
	// KeyAlgorithm and KeyBits describe the public key (csr.KeyDescription).
	KeyAlgorithm string `json:"key_algorithm"`
	KeyBits      int    `json:"key_bits"`
	// Chain is the chain leaf → … → root when one was built: trusted when
	// the chain check passed, built from the self-signed certificates given
	// when it was skipped for want of a CA; nil otherwise.
	Chain []*x509.Certificate `json:"-"`
	// ChainSubjects are the subjects of Chain, in order.
	ChainSubjects []string `json:"chain_subjects,omitempty"`
	// Checks holds one line per check.
	Checks []Check `json:"checks"`
}

// OK reports whether no check failed.
func (r *Report) OK() bool {
	for _, c := range r.Checks {
		if c.Status == Fail {
			return false
		}
	}
	return true
}

// Check returns the check with the given ID.
func (r *Report) Check(id string) (Check, bool) {
	for _, c := range r.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// CheckCertificate runs every check on in.Leaf and returns the report. It
// never fails: problems are checks with status Fail. Without a certificate
// every check fails.
func CheckCertificate(in CertInput) *Report {
	r := &Report{}
	leaf := in.Leaf
	if leaf == nil {
		for _, id := range CheckIDs {
			r.Checks = append(r.Checks, Check{ID: id, Status: Fail, Message: "no certificate to check",
				Hint: "give the certificate the CA issued (--cert)"})
		}
		return r
	}
	r.Subject = csr.FormatName(leaf.RawSubject)
	r.Issuer = csr.FormatName(leaf.RawIssuer)
	r.NotBefore, r.NotAfter = leaf.NotBefore, leaf.NotAfter
	if leaf.SerialNumber != nil {
		r.Serial = strings.ToUpper(leaf.SerialNumber.Text(16))
	}
	r.PublicKeySHA256, _ = csr.PublicKeyFingerprint(leaf.PublicKey)
	r.KeyAlgorithm, r.KeyBits = csr.KeyDescription(leaf.PublicKey)

	chain := checkChain(in, r)
	if r.Chain != nil {
		r.ChainSubjects = subjects(r.Chain)
	}
	r.Checks = []Check{
		checkKeyMatch(in),
		chain,
		checkValidity(in),
		checkClientAuth(leaf),
		checkKeySize(leaf, in.Profile),
		checkSubject(leaf, in.Profile),
		checkCSRMatch(in),
		checkSignatureAlgorithm(leaf, r.Chain),
	}
	return r
}

// checkChain builds the chain to in.Roots and records it in r.
func checkChain(in CertInput, r *Report) Check {
	c := Check{ID: CheckChain}
	if len(in.Roots) == 0 {
		c.Status = Skip
		c.Message = "not checked: no CA given to trust (--ca)"
		c.Hint = "pass the CA's certificate with --ca (CAR: the ca.cer you received; Freja: the root CA's .cer)"
		if chain, err := BuildChain(in.Leaf, in.Others, nil, in.At); err == nil && len(chain) > 1 {
			r.Chain = chain
			c.Message += "; the certificates given chain as " + shortNames(chain, " → ")
		}
		return c
	}
	chain, err := BuildChain(in.Leaf, in.Others, in.Roots, in.At)
	if err != nil {
		c.Status, c.Message = Fail, err.Error()
		var ce *ChainError
		if errors.As(err, &ce) {
			c.Hint = ce.Hint()
		}
		return c
	}
	r.Chain = chain
	c.Status, c.Message = Pass, "chains to a CA given: "+shortNames(chain, " → ")
	return c
}
