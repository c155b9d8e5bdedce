package verify

import (
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/caronboard/caronboard/pkg/csr"
)

// checkSubject: the subject follows the profile's rules.
//
// The CA, not the integrator, chose how the subject of an issued certificate
// is encoded, so the string types (C as PrintableString, the rest as
// UTF8String) are not judged: the subject is re-encoded with the types
// OpenSSL would use before it is linted, which drops those warnings and
// keeps every rule about the values, their order and presence. A subject
// that cannot be re-encoded (say, a C that is no PrintableString) is linted
// as it is.
func checkSubject(leaf *x509.Certificate, p csr.Profile) Check {
	c := Check{ID: CheckSubject}
	if p == "" {
		c.Status, c.Message = Skip, "not checked: no profile given"
		c.Hint = "pass --profile car or --profile freja to check the subject against the CA's rules"
		return c
	}
	var errs, warns []csr.Finding
	for _, f := range csr.LintSubject(normalizedTypes(leaf.RawSubject), p) {
		if f.Severity == csr.SeverityError {
			errs = append(errs, f)
		} else {
			warns = append(warns, f)
		}
	}
	switch {
	case len(errs) > 0:
		c.Status, c.Message, c.Hint = Fail, findingsMessage("does not match the "+p.DisplayName()+" profile", errs), errs[0].Hint
	case len(warns) > 0:
		c.Status, c.Message, c.Hint = Warn, findingsMessage("matches the "+p.DisplayName()+" profile, but", warns), warns[0].Hint
	default:
		c.Status, c.Message = Pass, "matches the "+p.DisplayName()+" profile: "+csr.FormatName(leaf.RawSubject)
	}
	return c
}

// normalizedTypes re-encodes a Name with the default string type of each
// attribute, or returns it unchanged when it cannot.
func normalizedTypes(raw []byte) []byte {
	s, err := csr.ParseName(raw)
	if err != nil {
		return raw
	}
	for i := range s {
		if s[i].Tag != csr.TagRaw {
			s[i].Tag = 0
		}
	}
	der, err := s.Marshal()
	if err != nil {
		return raw
	}
	return der
}

// findingsMessage joins the findings' messages after a lead.
func findingsMessage(lead string, fs []csr.Finding) string {
	msgs := make([]string, len(fs))
	for i, f := range fs {
		msgs[i] = f.Message
	}
	return lead + ": " + strings.Join(msgs, "; ")
}

// checkCSRMatch: the certificate was issued for in.CSR — same public key
// and, for CAR, the same CN and OU; for Freja, the same
// organizationIdentifier and O. Without a profile, the CSR's subject decides
// which (csr.DetectProfile); when it says nothing, only the key is compared.
func checkCSRMatch(in CertInput) Check {
	c := Check{ID: CheckCSRMatch}
	if in.CSR == nil {
		c.Status, c.Message = Skip, "not checked: no CSR given"
		c.Hint = "pass the CSR you sent with --csr to check that this certificate was issued for it"
		return c
	}
	if !KeyMatches(in.Leaf, in.CSR.PublicKey) {
		c.Status, c.Message = Fail, "this certificate was not issued for that CSR: the public keys differ"
		c.Hint = "check that --csr is the request you sent for this certificate, and --cert the certificate the CA sent back"
		return c
	}
	p := in.Profile
	if p == "" {
		p, _ = csr.DetectProfile(in.CSR)
	}
	var fields []string
	switch p {
	case csr.CAR:
		fields = []string{"CN", "OU"}
	case csr.Freja:
		fields = []string{"organizationIdentifier", "O"}
	default:
		c.Status, c.Message = Pass, "issued for that CSR (same public key; subject not compared: no profile)"
		return c
	}
	var diffs []string
	for _, f := range fields {
		cv, qv := nameValue(in.Leaf.RawSubject, f), nameValue(in.CSR.RawSubject, f)
		if f == "organizationIdentifier" {
			cv, qv = orgNumber(cv), orgNumber(qv)
		}
		if cv != qv {
			diffs = append(diffs, fmt.Sprintf("%s is %q in the certificate but %q in the CSR", f, cv, qv))
		}
	}
	if len(diffs) > 0 {
		c.Status = Fail
		c.Message = "this certificate was not issued as requested: " + strings.Join(diffs, "; ")
		c.Hint = "tell the CA's certificate manager; the certificate must carry the subject the CSR asked for"
		return c
	}
	c.Status = Pass
	c.Message = fmt.Sprintf("issued for that CSR: same public key, same %s", strings.Join(fields, " and "))
	return c
}

// nameValue returns the value of the first attribute named name in a DER
// Name, or "".
func nameValue(raw []byte, name string) string {
	s, err := csr.ParseName(raw)
	if err != nil {
		return ""
	}
	v, _ := s.Get(name)
	return v
}

// orgNumber writes a Swedish organisationsnummer as NNNNNN-NNNN, so that a
// CA writing it with or without the hyphen still matches; anything else is
// returned unchanged.
func orgNumber(v string) string {
	if n, err := csr.NormalizeOrgNumber(v); err == nil {
		return n
	}
	return v
}
