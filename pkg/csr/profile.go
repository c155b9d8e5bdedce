package csr

import (
	"crypto"
	"fmt"
	"strings"
)

// Profile names a target CA and the rules its certificate requests follow.
type Profile string

// The supported profiles.
const (
	// CAR is the E-faktura CAR API: RSA 4096 only, subject C=SE,
	// O=E-fakturabolaget, OU=role, CN=organisation code.
	CAR Profile = "car"
	// Freja is the Freja eID relying-party API: RSA 2048 or more, subject C,
	// organizationIdentifier, OU, O, CN.
	Freja Profile = "freja"
)

// Profiles lists every supported profile.
var Profiles = []Profile{CAR, Freja}

// Fixed CAR subject values.
const (
	CARCountry      = "SE"
	CAROrganization = "E-fakturabolaget"
)

// CARRoles lists the roles a CAR partner can have (the subject's OU).
var CARRoles = []string{"bank", "ctd", "internal"}

// ParseProfile returns the profile named s (case and surrounding space do
// not matter). An unknown name gives an error wrapping ErrUnknownProfile.
func ParseProfile(s string) (Profile, error) {
	p := Profile(strings.ToLower(strings.TrimSpace(s)))
	if p.known() {
		return p, nil
	}
	return "", fmt.Errorf("%w %q: use one of %s", ErrUnknownProfile, s, profileList())
}

func profileList() string {
	names := make([]string, len(Profiles))
	for i, p := range Profiles {
		names[i] = string(p)
	}
	return strings.Join(names, ", ")
}

func (p Profile) known() bool { return p == CAR || p == Freja }

// String returns the profile's name as typed on the command line.
func (p Profile) String() string { return string(p) }

// DisplayName returns the CA's name for messages: "CAR" or "Freja".
func (p Profile) DisplayName() string {
	switch p {
	case CAR:
		return "CAR"
	case Freja:
		return "Freja"
	}
	return string(p)
}

// DefaultBits is the RSA key size to generate for the profile: 4096 for both.
func (p Profile) DefaultBits() int { return 4096 }

// MinBits is the smallest RSA key size the profile accepts: 4096 for CAR
// (which accepts nothing else) and 2048 for Freja.
func (p Profile) MinBits() int {
	if p == Freja {
		return 2048
	}
	return 4096
}

// Fields returns the profile's subject fields in the order they are encoded.
func (p Profile) Fields() []string {
	switch p {
	case CAR:
		return []string{"C", "O", "OU", "CN"}
	case Freja:
		return []string{"C", "organizationIdentifier", "OU", "O", "CN"}
	}
	return nil
}

// CheckKey reports whether the profile accepts the public key: RSA only;
// exactly 4096 bits for CAR, at least 2048 for Freja. A refused key gives a
// *KeyPolicyError (errors.Is(err, ErrKeyPolicy)).
func (p Profile) CheckKey(pub crypto.PublicKey) error {
	if !p.known() {
		return fmt.Errorf("%w %q: use one of %s", ErrUnknownProfile, string(p), profileList())
	}
	alg, bits := KeyDescription(pub)
	return p.checkKey(alg, bits)
}

// CheckBits applies the profile's key policy to an RSA key of the given size
// before it is generated, with the same messages as CheckKey.
func (p Profile) CheckBits(bits int) error {
	if !p.known() {
		return fmt.Errorf("%w %q: use one of %s", ErrUnknownProfile, string(p), profileList())
	}
	return p.checkKey("RSA", bits)
}

func (p Profile) checkKey(alg string, bits int) error {
	e := &KeyPolicyError{Profile: p, Algorithm: alg, Bits: bits}
	switch {
	case alg == "":
		e.Reason = "is missing"
		e.Fix = fmt.Sprintf("give an RSA key of %d bits", p.DefaultBits())
	case alg != "RSA":
		e.Reason = fmt.Sprintf("is %s; %s accepts only RSA keys", describeKey(alg, bits), p.DisplayName())
		e.Fix = fmt.Sprintf("generate an RSA key of %d bits", p.DefaultBits())
	case p == CAR && bits != 4096:
		e.Reason = fmt.Sprintf("is RSA %d-bit; CAR requires exactly 4096 bits", bits)
		e.Fix = "generate a new RSA key of 4096 bits; CAR accepts no other size"
	case p == Freja && bits < p.MinBits():
		e.Reason = fmt.Sprintf("is RSA %d-bit; Freja requires at least %d bits", bits, p.MinBits())
		e.Fix = fmt.Sprintf("generate a new RSA key of %d bits", p.DefaultBits())
	default:
		return nil
	}
	return e
}

func describeKey(alg string, bits int) string {
	if bits == 0 {
		return alg
	}
	return fmt.Sprintf("%s %d-bit", alg, bits)
}
