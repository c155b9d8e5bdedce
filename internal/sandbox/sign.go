package sandbox

import (
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
)

// Validity of an issued client certificate.
const (
	clientBackdate = time.Minute
	clientValidity = 1 // year
)

// Sign issues a client certificate from req, as the real CA of profile p
// would:
//
//   - the CSR must pass csr.Lint for the profile; otherwise Sign returns a
//     *RejectedError (wrapping ErrRejected) with every finding, in the words
//     of `caronboard csr inspect`;
//   - the CSR's self-signature must verify (an error wrapping
//     csr.ErrBadSignature otherwise);
//   - for CAR the CA writes C=SE and O=E-fakturabolaget itself and keeps OU
//     (the role) and CN (the organisation code) from the CSR, in the order
//     C, O, OU, CN (C PrintableString, the rest UTF8String); for Freja the
//     CSR's subject is kept byte for byte;
//   - extended key usage clientAuth, key usage digitalSignature and
//     keyEncipherment, not a CA, a random 63-bit serial number, subject and
//     authority key identifiers, valid from a minute before now for one
//     year (never past the CA's own end).
//
// Sign refuses to issue when now is outside the CA's validity (ErrExpired).
func (s *Sandbox) Sign(req *x509.CertificateRequest, p csr.Profile, now time.Time) (*x509.Certificate, error) {
	if req == nil {
		return nil, errors.New("no certificate request to sign")
	}
	if findings := csr.Lint(req, p); csr.HasErrors(findings) {
		return nil, &RejectedError{Profile: p, Findings: findings}
	}
	if err := req.CheckSignature(); err != nil {
		return nil, fmt.Errorf("%w: the signature does not match the request's public key, "+
			"so the request was changed after it was signed", csr.ErrBadSignature)
	}
	pub, ok := req.PublicKey.(*rsa.PublicKey)
	if !ok { // Lint refuses other keys; keep the type assertion honest
		return nil, &RejectedError{Profile: p, Findings: []csr.Finding{{
			Severity: csr.SeverityError, Field: "key", Message: "the request does not hold an RSA key"}}}
	}
	if now.Before(s.CA.NotBefore) || now.After(s.CA.NotAfter) {
		return nil, fmt.Errorf("%w: the sandbox CA is valid from %s to %s: run caronboard sandbox init --force",
			ErrExpired, s.CA.NotBefore.UTC().Format(time.RFC3339), s.CA.NotAfter.UTC().Format(time.RFC3339))
	}
	subject, err := issuedSubject(req, p)
	if err != nil {
		return nil, err
	}
	notAfter := now.AddDate(clientValidity, 0, 0)
	if notAfter.After(s.CA.NotAfter) {
		notAfter = s.CA.NotAfter
	}
	tmpl := &x509.Certificate{
		RawSubject:            subject,
		NotBefore:             now.Add(-clientBackdate),
		NotAfter:              notAfter,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		AuthorityKeyId:        s.CA.SubjectKeyId,
	}
	return issue(tmpl, s.CA, pub, s.caKey)
}

// issuedSubject is the subject the profile's CA writes into the certificate.
func issuedSubject(req *x509.CertificateRequest, p csr.Profile) ([]byte, error) {
	if p != csr.CAR {
		return req.RawSubject, nil
	}
	subj, err := csr.ParseName(req.RawSubject)
	if err != nil {
		return nil, err
	}
	role, _ := subj.Get("OU")
	code, _ := subj.Get("CN")
	return rawName("C", csr.CARCountry, "O", csr.CAROrganization, "OU", role, "CN", code)
}
