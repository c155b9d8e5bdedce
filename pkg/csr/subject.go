package csr

import (
	"encoding/asn1"
	"strings"
)

// Attribute is one attribute of a distinguished name, with the string type
// it is (or will be) encoded with.
type Attribute struct {
	// Type is the attribute type, e.g. 2.5.4.97.
	Type asn1.ObjectIdentifier
	// Name is the short name, e.g. "organizationIdentifier", or the dotted
	// OID when the type has no known name.
	Name string
	// Value is the decoded text. A value that is not a string is shown as
	// "#" followed by the hex of its DER encoding (RFC 4514).
	Value string
	// Tag is the ASN.1 universal tag of the value, e.g.
	// asn1.TagPrintableString or asn1.TagUTF8String. Zero means "the
	// default": PrintableString for C, serialNumber and dnQualifier,
	// IA5String for emailAddress and DC, UTF8String for everything else, as
	// OpenSSL 3 chooses. TagRaw marks a value that is not a universal
	// primitive (its Value is "#" and the hex of its DER).
	Tag int
	// SameRDN is true when the attribute belongs to the same (multi-valued)
	// RDN as the attribute before it. Marshal writes the members of a
	// multi-valued RDN in DER SET order, which may differ from the order
	// given.
	SameRDN bool
}

// TagRaw is the Attribute.Tag of a value that is not a universal primitive
// type, kept as "#" and the hex of its DER.
const TagRaw = -1

// Subject is a distinguished name as an ordered list of attributes. Unlike
// pkix.Name it keeps the order, the attribute types and the string types.
type Subject []Attribute

// FrejaInput holds the subject fields of a Freja eID relying-party request.
type FrejaInput struct {
	// Country is the ISO 3166-1 alpha-2 code (C); lower case is accepted.
	// The caller applies the default "SE"; empty is an error.
	Country string
	// OrgID is the organizationIdentifier (2.5.4.97), for C=SE a Swedish
	// organisationsnummer with or without the hyphen.
	OrgID string
	// Unit is the optional organisational unit (OU).
	Unit string
	// Org is the organisation's legal name (O).
	Org string
	// CommonName is the optional function qualifier (CN).
	CommonName string
}

// CARInput holds the subject fields a CAR partner chooses.
type CARInput struct {
	// OrgCode is the organisation code from the E-faktura rulebook (CN).
	OrgCode string
	// Role is one of "bank", "ctd", "internal" (OU).
	Role string
}

// NewFrejaSubject validates every field and returns the subject in Freja's
// order C, organizationIdentifier, OU, O, CN, with the country upper-cased
// and a Swedish organisation number written NNNNNN-NNNN. Empty OU and CN are
// left out. When any field is wrong it returns a *ValidationError holding
// every problem found.
func NewFrejaSubject(in FrejaInput) (Subject, error) {
	var errs []*FieldError
	check := func(name, value, country string) string {
		norm, fe := checkField(Freja, name, value, country)
		errs = append(errs, fe...)
		return norm
	}
	country := check("C", in.Country, "")
	orgID := check("organizationIdentifier", in.OrgID, country)
	unit := check("OU", in.Unit, country)
	org := check("O", in.Org, country)
	cn := check("CN", in.CommonName, country)
	if err := asValidationError(Freja, errs); err != nil {
		return nil, err
	}
	s := Subject{
		newAttribute(OIDCountry, country),
		newAttribute(OIDOrganizationIdentifier, orgID),
	}
	if unit != "" {
		s = append(s, newAttribute(OIDOrganizationalUnit, unit))
	}
	s = append(s, newAttribute(OIDOrganization, org))
	if cn != "" {
		s = append(s, newAttribute(OIDCommonName, cn))
	}
	return s, nil
}

// NewCARSubject validates the role and organisation code and returns the
// subject C=SE, O=E-fakturabolaget, OU=role, CN=code, in that order. When
// any field is wrong it returns a *ValidationError holding every problem.
func NewCARSubject(in CARInput) (Subject, error) {
	_, roleErrs := checkField(CAR, "OU", in.Role, "")
	_, codeErrs := checkField(CAR, "CN", in.OrgCode, "")
	if err := asValidationError(CAR, append(roleErrs, codeErrs...)); err != nil {
		return nil, err
	}
	return Subject{
		newAttribute(OIDCountry, CARCountry),
		newAttribute(OIDOrganization, CAROrganization),
		newAttribute(OIDOrganizationalUnit, in.Role),
		newAttribute(OIDCommonName, in.OrgCode),
	}, nil
}

// newAttribute makes a single-valued attribute with OpenSSL 3's string type.
func newAttribute(oid asn1.ObjectIdentifier, value string) Attribute {
	return Attribute{Type: oid, Name: AttributeName(oid), Value: value, Tag: defaultTag(oid)}
}

// Get returns the value of the first attribute with the given name: a short
// name ("O"), a long name ("organizationName") or a dotted OID ("2.5.4.10").
func (s Subject) Get(name string) (string, bool) {
	oid, ok := AttributeType(name)
	for _, a := range s {
		if (ok && a.Type.Equal(oid)) || (!ok && strings.EqualFold(a.Name, name)) {
			return a.Value, true
		}
	}
	return "", false
}

// GetAll returns the values of every attribute with the given name, in order.
func (s Subject) GetAll(name string) []string {
	oid, ok := AttributeType(name)
	var vs []string
	for _, a := range s {
		if (ok && a.Type.Equal(oid)) || (!ok && strings.EqualFold(a.Name, name)) {
			vs = append(vs, a.Value)
		}
	}
	return vs
}
