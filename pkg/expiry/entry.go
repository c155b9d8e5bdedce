package expiry

import (
	"crypto/x509"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
)

// Role is what a certificate is for the integrator.
type Role string

// Roles of a certificate.
const (
	RoleClient      Role = "client"       // a leaf: the integrator's own client certificate
	RoleCA          Role = "ca"           // an intermediate CA of a chain
	RoleTrustAnchor Role = "trust_anchor" // a self-signed root, a trust store entry, a server CA
	RoleJWSSigner   Role = "jws_signer"   // a certificate trusted to sign JWS results
)

// State is how a certificate stands at the report's time.
type State string

// States of an entry.
const (
	StateOK           State = "ok"
	StateExpiresSoon  State = "expires_soon"
	StateExpired      State = "expired"
	StateNotYetValid  State = "not_yet_valid"
	StateArchived     State = "archived"
	StateNeedsPassphr State = "unreadable_without_passphrase"
)

// States lists every state in the order counts are shown.
var States = []State{StateExpired, StateExpiresSoon, StateNotYetValid, StateOK, StateArchived, StateNeedsPassphr}

// Entry is one certificate found (or, with StateNeedsPassphr, one keystore
// whose certificates could not be read).
type Entry struct {
	Role      Role      `json:"role"`
	File      string    `json:"file"`
	Alias     string    `json:"alias,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	SubjectCN string    `json:"subject_cn,omitempty"`
	Issuer    string    `json:"issuer,omitempty"`
	IssuerCN  string    `json:"issuer_cn,omitempty"`
	Serial    string    `json:"serial_number,omitempty"`
	NotBefore time.Time `json:"not_before,omitzero"`
	NotAfter  time.Time `json:"not_after,omitzero"`
	DaysLeft  int       `json:"days_left"`
	State     State     `json:"state"`
	Note      string    `json:"note,omitempty"`

	// Certificate is the parsed certificate (nil for StateNeedsPassphr).
	Certificate *x509.Certificate `json:"-"`
}

// ReadError is a file that could not be read as certificates.
type ReadError struct {
	File    string `json:"file"`
	Message string `json:"message"`
	Err     error  `json:"-"`
}

// Judge returns the state of a certificate valid from notBefore to notAfter
// at time at, with warn the warning window, and the whole days left (negative
// once expired; a certificate expiring later today has 0).
func Judge(notBefore, notAfter, at time.Time, warn time.Duration) (State, int) {
	left := notAfter.Sub(at)
	days := int(left / (24 * time.Hour))
	if left < 0 && left%(24*time.Hour) != 0 {
		days-- // floor, not truncation: one second past the end is day -1
	}
	switch {
	case at.After(notAfter):
		return StateExpired, days
	case at.Before(notBefore):
		return StateNotYetValid, days
	case left <= warn:
		return StateExpiresSoon, days
	}
	return StateOK, days
}

// NewEntry describes cert in its role, from file (and alias), judged at at.
func NewEntry(cert *x509.Certificate, role Role, file, alias string, at time.Time, warn time.Duration) Entry {
	st, days := Judge(cert.NotBefore, cert.NotAfter, at, warn)
	return Entry{
		Role: role, File: file, Alias: alias,
		Subject: csr.FormatName(cert.RawSubject), SubjectCN: cert.Subject.CommonName,
		Issuer: csr.FormatName(cert.RawIssuer), IssuerCN: cert.Issuer.CommonName,
		Serial:    serialHex(cert),
		NotBefore: cert.NotBefore.UTC(), NotAfter: cert.NotAfter.UTC(),
		DaysLeft: days, State: st, Certificate: cert,
	}
}

// serialHex is the serial number as lowercase hex, as the exporter shows it.
func serialHex(cert *x509.Certificate) string {
	if cert.SerialNumber == nil {
		return ""
	}
	return strings.ToLower(cert.SerialNumber.Text(16))
}

// roleOf tells a leaf from an intermediate from a root by the certificate
// alone.
func roleOf(cert *x509.Certificate) Role {
	if !cert.IsCA {
		return RoleClient
	}
	if selfSigned(cert) {
		return RoleTrustAnchor
	}
	return RoleCA
}

func selfSigned(cert *x509.Certificate) bool {
	return string(cert.RawSubject) == string(cert.RawIssuer) && cert.CheckSignatureFrom(cert) == nil
}

// Report is every certificate found and every file that could not be read,
// judged at At with the warning window Warn.
type Report struct {
	At           time.Time     `json:"-"`
	Warn         time.Duration `json:"-"`
	Certificates []Entry       `json:"certificates"`
	Errors       []ReadError   `json:"errors,omitempty"`
}

// Counts is how many entries are in each state, plus the total and the
// read errors.
func (r *Report) Counts() map[string]int {
	c := map[string]int{"total": len(r.Certificates), "read_errors": len(r.Errors)}
	for _, s := range States {
		c[string(s)] = 0
	}
	for _, e := range r.Certificates {
		c[string(e.State)]++
	}
	return c
}

// Failed reports whether anything needs attention: a certificate expired,
// within the warning window or not yet valid, or a file that could not be
// read. Archived JWS signers and keystores that need a passphrase do not.
func (r *Report) Failed() bool {
	if len(r.Errors) > 0 {
		return true
	}
	for _, e := range r.Certificates {
		switch e.State {
		case StateExpired, StateExpiresSoon, StateNotYetValid:
			return true
		}
	}
	return false
}

// Sort orders the entries soonest expiry first (unreadable keystores last),
// then by file.
func (r *Report) Sort() {
	sort.SliceStable(r.Certificates, func(i, j int) bool {
		a, b := r.Certificates[i], r.Certificates[j]
		if a.NotAfter.IsZero() != b.NotAfter.IsZero() {
			return b.NotAfter.IsZero()
		}
		if !a.NotAfter.Equal(b.NotAfter) {
			return a.NotAfter.Before(b.NotAfter)
		}
		return a.File+a.Alias < b.File+b.Alias
	})
}

// Summary is a one-line account of the counts, e.g. "7 certificates: 1
// expired, 2 expire within 30 days, 4 ok".
func (r *Report) Summary() string {
	c := r.Counts()
	parts := []string{}
	add := func(n int, s string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	add(c[string(StateExpired)], "expired")
	expire := "expire"
	if c[string(StateExpiresSoon)] == 1 {
		expire = "expires"
	}
	add(c[string(StateExpiresSoon)], fmt.Sprintf("%s within %s", expire, FormatDays(r.Warn)))
	add(c[string(StateNotYetValid)], "not yet valid")
	add(c[string(StateOK)], "ok")
	add(c[string(StateArchived)], "archived")
	add(c[string(StateNeedsPassphr)], "unreadable without a passphrase")
	files := "unreadable files"
	if c["read_errors"] == 1 {
		files = "unreadable file"
	}
	add(c["read_errors"], files)
	noun := "certificates"
	if c["total"] == 1 {
		noun = "certificate"
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%d %s", c["total"], noun)
	}
	return fmt.Sprintf("%d %s: %s", c["total"], noun, strings.Join(parts, ", "))
}

// FormatDays writes a duration of whole days as "30 days".
func FormatDays(d time.Duration) string {
	n := int(d / (24 * time.Hour))
	if n == 1 {
		return "1 day"
	}
	if d%(24*time.Hour) != 0 {
		return d.String()
	}
	return fmt.Sprintf("%d days", n)
}
