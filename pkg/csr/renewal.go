package csr

import (
	"fmt"
	"slices"
)

// Renewal is what a renewal CSR needs from the current certificate: its
// profile and the values of the profile's fields, read from the issued
// subject. Build the new subject with Subject, which applies today's rules
// through NewFrejaSubject or NewCARSubject, the same code `caronboard csr`
// uses, so the renewal CSR is byte-identical to csr's for the same key and
// values.
type Renewal struct {
	Profile Profile
	Freja   FrejaInput
	CAR     CARInput
	// Dropped names the attributes of the certificate's subject that the
	// profile does not use (e.g. L, serialNumber); they are not carried over.
	Dropped []string
	// Repeated lists fields that appear more than once; the first value is
	// used and each is reported by Subject.
	Repeated []string
}

// DetectNameProfile guesses a DER Name's profile as DetectProfile does for a
// request: O=E-fakturabolaget means CAR, an organizationIdentifier Freja.
func DetectNameProfile(raw []byte) (Profile, bool) {
	subj, err := ParseName(raw)
	if err != nil {
		return "", false
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

// NewRenewal reads the profile's fields from a certificate's DER subject.
// p "" means recognise the profile (ErrUnknownProfile when the subject shows
// neither). Values are taken as they are; Subject checks them.
func NewRenewal(rawSubject []byte, p Profile) (*Renewal, error) {
	subj, err := ParseName(rawSubject)
	if err != nil {
		return nil, err
	}
	if p == "" {
		var ok bool
		if p, ok = DetectNameProfile(rawSubject); !ok {
			return nil, fmt.Errorf("%w: the certificate's subject (%s) shows neither O=%s (car) nor an organizationIdentifier (freja)",
				ErrUnknownProfile, subj.String(), CAROrganization)
		}
	}
	if !p.known() {
		return nil, fmt.Errorf("%w %q", ErrUnknownProfile, string(p))
	}
	r := &Renewal{Profile: p}
	fields := p.Fields()
	seen := map[string]bool{}
	values := map[string]string{}
	for _, a := range subj {
		name := AttributeName(a.Type)
		if !slices.Contains(fields, name) {
			r.Dropped = append(r.Dropped, name+"="+escapeValue(a.Value))
			continue
		}
		if seen[name] {
			r.Repeated = append(r.Repeated, name)
			continue
		}
		seen[name] = true
		values[name] = a.Value
	}
	if p == CAR {
		r.CAR = CARInput{OrgCode: values["CN"], Role: values["OU"]}
	} else {
		r.Freja = FrejaInput{Country: values["C"], OrgID: values["organizationIdentifier"], Unit: values["OU"],
			Org: values["O"], CommonName: values["CN"]}
	}
	return r, nil
}

// Subject builds the renewal subject with today's rules. Every field that
// breaks them is reported in one *ValidationError, each with its fix.
func (r *Renewal) Subject() (Subject, error) {
	var s Subject
	var err error
	if r.Profile == CAR {
		s, err = NewCARSubject(r.CAR)
	} else {
		s, err = NewFrejaSubject(r.Freja)
	}
	var extra []*FieldError
	for _, name := range r.Repeated {
		extra = append(extra, &FieldError{Field: name, Reason: "appears more than once in the current certificate",
			Hint: "the profile allows one " + name + ": the first value is kept; give the one you want explicitly"})
	}
	if len(extra) == 0 {
		return s, err
	}
	if ve, ok := err.(*ValidationError); ok {
		ve.Fields = append(ve.Fields, extra...)
		return nil, ve
	}
	if err != nil {
		return nil, err
	}
	return nil, &ValidationError{Profile: r.Profile, Fields: extra}
}
