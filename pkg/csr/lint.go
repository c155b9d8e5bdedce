package csr

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"strings"
)

// Severity grades a lint finding.
type Severity string

// Severities. An error means the CA will refuse the request (or issue a
// wrong certificate); a warning is worth knowing but may be accepted.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Finding is one problem Lint found in a certificate request.
type Finding struct {
	Severity Severity `json:"severity"`
	// Field names what the finding is about: a subject field ("O",
	// "organizationIdentifier", …) or "subject", "key", "signature",
	// "attributes".
	Field string `json:"field,omitempty"`
	// Message says what is wrong, in words.
	Message string `json:"message"`
	// Hint says how to fix it.
	Hint string `json:"hint,omitempty"`
}

// HasErrors reports whether any finding is an error.
func HasErrors(findings []Finding) bool {
	for _, f := range findings {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Lint checks a certificate request made by anyone against every rule of
// the profile and returns all findings, subject first, then key, signature
// algorithm and request attributes. Subject checks: field order, required
// and unknown fields, every field rule of ValidateField (forbidden
// characters, Luhn check digit, CAR's fixed values and roles), string types
// (C not PrintableString or other fields not UTF8String is a warning), the
// wiki's comma-separated -subj (everything read as one value) and Swedish
// letters double-encoded by openssl req without -utf8. Key: the profile's
// key policy. Signature: SHA-1 and MD5 are errors. An empty result means
// the request is fine.
func Lint(req *x509.CertificateRequest, p Profile) []Finding {
	if req == nil {
		return []Finding{{SeverityError, "request", "there is no certificate request to check", ""}}
	}
	if !p.known() {
		return []Finding{{SeverityError, "profile", fmt.Sprintf("unknown profile %q", string(p)), "use one of " + profileList()}}
	}
	l := &linter{p: p}
	l.subject(req.RawSubject)
	if err := p.CheckKey(req.PublicKey); err != nil {
		hint := ""
		if kerr, ok := err.(*KeyPolicyError); ok {
			hint = kerr.Hint()
		}
		l.add(SeverityError, "key", err.Error(), hint)
	}
	l.signature(req.SignatureAlgorithm)
	l.attributes(req)
	return l.findings
}

// DetectProfile guesses a request's profile from its subject:
// O=E-fakturabolaget means CAR, an organizationIdentifier (2.5.4.97) means
// Freja. A subject written with commas instead of slashes is recognised too.
func DetectProfile(req *x509.CertificateRequest) (Profile, bool) {
	if req == nil {
		return "", false
	}
	subj, err := ParseName(req.RawSubject)
	if err != nil {
		return "", false
	}
	if expanded, holder := splitCommaForm(subj); holder != nil {
		subj = expanded
	}
	for _, a := range subj {
		if a.Type.Equal(OIDOrganization) && a.Value == CAROrganization {
			return CAR, true
		}
	}
	for _, a := range subj {
		if a.Type.Equal(OIDOrganizationIdentifier) {
			return Freja, true
		}
	}
	return "", false
}

type linter struct {
	p        Profile
	findings []Finding
}

func (l *linter) add(sev Severity, field, msg, hint string) {
	l.findings = append(l.findings, Finding{Severity: sev, Field: field, Message: msg, Hint: hint})
}

func (l *linter) signature(alg x509.SignatureAlgorithm) {
	switch alg {
	case x509.SHA256WithRSA, x509.SHA384WithRSA, x509.SHA512WithRSA:
	case x509.MD2WithRSA, x509.MD5WithRSA, x509.SHA1WithRSA, x509.DSAWithSHA1, x509.ECDSAWithSHA1:
		l.add(SeverityError, "signature",
			fmt.Sprintf("the request is signed with %v, which is broken and which the %s CA does not accept", alg, l.p.DisplayName()),
			"make the request again with SHA-256 (openssl req -new -sha256 …)")
	case x509.SHA256WithRSAPSS, x509.SHA384WithRSAPSS, x509.SHA512WithRSAPSS:
		l.add(SeverityWarning, "signature",
			fmt.Sprintf("the request is signed with %v; the %s instructions use PKCS#1 v1.5 with SHA-256", alg, l.p.DisplayName()),
			"if the CA refuses it, make the request again without -sigopt rsa_padding_mode:pss")
	}
}

// Request attribute types (PKCS#9).
var (
	oidExtensionRequest  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 14}
	oidChallengePassword = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 7}
	oidUnstructuredName  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 2}
)

// tbsShape is the outline of a CertificationRequestInfo.
type tbsShape struct {
	Version    int
	Subject    asn1.RawValue
	PublicKey  asn1.RawValue
	Attributes []asn1.RawValue `asn1:"tag:0,optional"`
}

type attributeShape struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue
}

func (l *linter) attributes(req *x509.CertificateRequest) {
	var tbs tbsShape
	if _, err := asn1.Unmarshal(req.RawTBSCertificateRequest, &tbs); err != nil {
		return
	}
	for _, raw := range tbs.Attributes {
		var a attributeShape
		if _, err := asn1.Unmarshal(raw.FullBytes, &a); err != nil {
			continue
		}
		switch {
		case a.Type.Equal(oidExtensionRequest):
			l.add(SeverityWarning, "attributes",
				fmt.Sprintf("the request asks for extensions (%s); the %s CA decides a certificate's extensions itself and may refuse or ignore them",
					extensionNames(req.Extensions), l.p.DisplayName()),
				"make the request without extensions (no -addext, no req_extensions in openssl.cnf)")
		case a.Type.Equal(oidChallengePassword):
			l.add(SeverityWarning, "attributes",
				"the request carries a challenge password, which anyone who sees the request can read; the CA does not use it",
				"make the request again and leave the challenge password empty")
		case a.Type.Equal(oidUnstructuredName):
			l.add(SeverityWarning, "attributes",
				"the request carries an unstructuredName (the optional company name openssl asks for); the CA does not use it",
				"make the request again and leave the optional company name empty")
		default:
			l.add(SeverityWarning, "attributes",
				fmt.Sprintf("the request carries the attribute %v, which the CA does not use", a.Type),
				"make the request again without it")
		}
	}
}

var extensionShortNames = map[string]string{
	"2.5.29.17": "subjectAltName", "2.5.29.15": "keyUsage", "2.5.29.37": "extendedKeyUsage",
	"2.5.29.19": "basicConstraints", "2.5.29.14": "subjectKeyIdentifier",
}

func extensionNames(exts []pkix.Extension) string {
	var names []string
	for _, e := range exts {
		n, ok := extensionShortNames[e.Id.String()]
		if !ok {
			n = e.Id.String()
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return "none readable"
	}
	return strings.Join(names, ", ")
}

// LintSubject applies the profile's subject rules alone to any DER Name, such
// as the subject of a certificate a CA issued. Hints speak of CSRs (-subj),
// since a bad subject is fixed by requesting again.
func LintSubject(raw []byte, p Profile) []Finding {
	if !p.known() {
		return []Finding{{SeverityError, "profile", fmt.Sprintf("unknown profile %q", string(p)), "use one of " + profileList()}}
	}
	l := &linter{p: p}
	l.subject(raw)
	return l.findings
}
