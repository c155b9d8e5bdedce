package jws

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"golang.org/x/crypto/ocsp"
)

// CertificateStatusNote labels the decoded OCSP response.
const CertificateStatusNote = "OCSP response on the user's certificate, as Freja obtained it when the user signed; " +
	"decoded, its signature checked only against the responder certificate it carries, not against Freja's CA"

// CertificateStatus is signatureData.certificateStatus of a signature
// result: a base64 DER OCSP response on the user's certificate.
type CertificateStatus struct {
	Note string `json:"note"`
	// Responder is the responder's name, or "key hash " + the hex SHA-1 of
	// its key when the response names it that way.
	Responder string `json:"responder"`
	// ResponderCertificate is the subject of the responder certificate the
	// response carries, if any.
	ResponderCertificate string    `json:"responder_certificate,omitempty"`
	ProducedAt           time.Time `json:"produced_at"`
	// Status is "good", "revoked" or "unknown".
	Status           string     `json:"status"`
	RevokedAt        *time.Time `json:"revoked_at,omitempty"`
	RevocationReason int        `json:"revocation_reason,omitempty"`
	// SerialNumber is the user certificate's serial number in hex.
	SerialNumber string     `json:"serial_number"`
	ThisUpdate   time.Time  `json:"this_update"`
	NextUpdate   *time.Time `json:"next_update,omitempty"`
}

// DecodeCertificateStatus decodes a base64 (standard alphabet) DER OCSP
// response with golang.org/x/crypto/ocsp.
func DecodeCertificateStatus(b64der string) (*CertificateStatus, error) {
	der, ok := decodeStd(strings.TrimSpace(b64der))
	if !ok {
		return nil, newErr(CodeMalformed, "", nil, "the OCSP response is not base64")
	}
	r, err := ocsp.ParseResponse(der, nil)
	if err != nil {
		var re ocsp.ResponseError
		if errors.As(err, &re) {
			return nil, newErr(CodeMalformed, "", err, "the OCSP responder answered %q instead of a status", re.Status.String())
		}
		return nil, newErr(CodeMalformed, "", err, "the OCSP response cannot be read: %v", err)
	}
	st := &CertificateStatus{
		Note:       CertificateStatusNote,
		ProducedAt: r.ProducedAt.UTC(),
		ThisUpdate: r.ThisUpdate.UTC(),
	}
	switch r.Status {
	case ocsp.Good:
		st.Status = "good"
	case ocsp.Revoked:
		st.Status = "revoked"
		t := r.RevokedAt.UTC()
		st.RevokedAt, st.RevocationReason = &t, r.RevocationReason
	default:
		st.Status = "unknown"
	}
	if r.SerialNumber != nil {
		st.SerialNumber = hex.EncodeToString(r.SerialNumber.Bytes())
	}
	if !r.NextUpdate.IsZero() {
		t := r.NextUpdate.UTC()
		st.NextUpdate = &t
	}
	if len(r.RawResponderName) > 0 {
		var seq pkix.RDNSequence
		if _, err := asn1.Unmarshal(r.RawResponderName, &seq); err == nil {
			st.Responder = formatRDNs(seq)
		}
	} else {
		st.Responder = "key hash " + hex.EncodeToString(r.ResponderKeyHash)
	}
	if r.Certificate != nil {
		st.ResponderCertificate = SubjectString(r.Certificate)
	}
	return st, nil
}
