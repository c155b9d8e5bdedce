package keystore

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"unicode/utf16"
)

// The PFX structure of RFC 7292, as far as this package reads it without the
// password: the outer PFX and its MAC, the AuthenticatedSafe with its
// ContentInfos (plain Data or password-encrypted EncryptedData), and the
// SafeBags of the plain ones with their attributes. Decryption is left to
// go-pkcs12.

// pfxPDU is RFC 7292 PFX.
type pfxPDU struct {
	Version  int
	AuthSafe contentInfo
	MacData  macData `asn1:"optional"`
}

// contentInfo is PKCS#7 ContentInfo; Content holds the [0] wrapper.
type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"tag:0,explicit,optional"`
}

// encryptedData is PKCS#7 EncryptedData, as read: the encrypted content may
// be primitive or (BER) chunked.
type encryptedData struct {
	Version int
	Info    struct {
		ContentType asn1.ObjectIdentifier
		Algorithm   pkix.AlgorithmIdentifier
		Content     asn1.RawValue `asn1:"optional"`
	}
}

// encryptedDataOut is EncryptedData as written for go-pkcs12.
type encryptedDataOut struct {
	Version int
	Info    struct {
		ContentType asn1.ObjectIdentifier
		Algorithm   pkix.AlgorithmIdentifier
		Content     []byte `asn1:"tag:0,optional"`
	}
}

// safeBag is RFC 7292 SafeBag.
type safeBag struct {
	ID         asn1.ObjectIdentifier
	Value      asn1.RawValue     `asn1:"tag:0,explicit"`
	Attributes []pkcs12Attribute `asn1:"set,optional"`
}

// pkcs12Attribute is PKCS#9 Attribute; Values is the SET.
type pkcs12Attribute struct {
	ID     asn1.ObjectIdentifier
	Values asn1.RawValue `asn1:"set"`
}

var (
	oidData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidEnvelopedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 3}
	oidEncryptedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
	oidKeyBag        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 1}
	oidShroudedBag   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidCertBag       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidFriendlyName  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 20}
)

// p12File is a parsed PFX.
type p12File struct {
	pfx      pfxPDU
	hasMAC   bool
	authSafe []byte // the MAC input: the AuthenticatedSafe content as stored
	parts    []p12Part
}

// p12Part is one ContentInfo of the AuthenticatedSafe.
type p12Part struct {
	encrypted  bool
	alg        pkix.AlgorithmIdentifier // encrypted parts
	ciphertext []byte                   // encrypted parts
	bags       []safeBag                // plain parts
}

// damaged is the error for a structure that does not parse.
func damaged(what string) error {
	return newError(ErrMalformedPKCS12, "the PKCS#12 file is damaged or truncated (%s)", what)
}

func notPKCS12() error {
	return newError(ErrMalformedPKCS12, "the data is not a PKCS#12 file (.p12/.pfx), or it is damaged or truncated")
}

// parsePFX reads the structure of a PKCS#12 file, DER or BER.
func parsePFX(data []byte) (*p12File, error) {
	der, err := berToDER(data)
	f := &p12File{}
	if err != nil || !unmarshalExact(der, &f.pfx) || f.pfx.Version != 3 {
		return nil, notPKCS12()
	}
	switch ct := f.pfx.AuthSafe.ContentType; {
	case ct.Equal(oidSignedData):
		return nil, newError(ErrUnsupportedFormat, "the PKCS#12 file is protected with a public key (signed), not a password, which is not supported")
	case !ct.Equal(oidData):
		return nil, damaged("unknown content type " + ct.String())
	}
	if !unmarshalExact(f.pfx.AuthSafe.Content.Bytes, &f.authSafe) {
		return nil, damaged("authenticated safe")
	}
	f.hasMAC = len(f.pfx.MacData.Mac.Algorithm.Algorithm) > 0
	authDER, err := berToDER(f.authSafe)
	var infos []contentInfo
	if err != nil || !unmarshalExact(authDER, &infos) {
		return nil, damaged("authenticated safe")
	}
	if len(infos) == 0 {
		return nil, damaged("it holds nothing")
	}
	for _, ci := range infos {
		part, err := parsePart(ci)
		if err != nil {
			return nil, err
		}
		f.parts = append(f.parts, part)
	}
	return f, nil
}

// parsePart reads one ContentInfo of the AuthenticatedSafe.
func parsePart(ci contentInfo) (p12Part, error) {
	switch {
	case ci.ContentType.Equal(oidData):
		var octets []byte
		if !unmarshalExact(ci.Content.Bytes, &octets) {
			return p12Part{}, damaged("safe contents")
		}
		der, err := berToDER(octets)
		var part p12Part
		if err != nil || !unmarshalExact(der, &part.bags) {
			return p12Part{}, damaged("safe contents")
		}
		return part, nil
	case ci.ContentType.Equal(oidEncryptedData):
		var ed encryptedData
		if !unmarshalExact(ci.Content.Bytes, &ed) || ed.Version != 0 {
			return p12Part{}, damaged("encrypted data")
		}
		ct, ok := encryptedContent(ed.Info.Content)
		if !ok {
			return p12Part{}, damaged("encrypted data")
		}
		return p12Part{encrypted: true, alg: ed.Info.Algorithm, ciphertext: ct}, nil
	case ci.ContentType.Equal(oidEnvelopedData):
		return p12Part{}, newError(ErrUnsupportedFormat, "the PKCS#12 file encrypts its contents to a public key, not a password, which is not supported")
	}
	return p12Part{}, damaged("unknown content type " + ci.ContentType.String())
}

// encryptedContent reads [0] IMPLICIT OCTET STRING, primitive or chunked
// (after berToDER: a constructed [0] holding OCTET STRINGs).
func encryptedContent(rv asn1.RawValue) ([]byte, bool) {
	if rv.Class != asn1.ClassContextSpecific || rv.Tag != 0 {
		return nil, false
	}
	if !rv.IsCompound {
		return rv.Bytes, true
	}
	var out []byte
	for rest := rv.Bytes; len(rest) > 0; {
		var chunk []byte
		var err error
		if rest, err = asn1.Unmarshal(rest, &chunk); err != nil {
			return nil, false
		}
		out = append(out, chunk...)
	}
	return out, true
}

// toDER re-encodes the file as plain DER for go-pkcs12, with a new MAC
// (HMAC-SHA256, one iteration) over the re-encoded AuthenticatedSafe. Call it
// only after the original MAC has been checked. The plain parts are merged
// into one (at the place of the first), since go-pkcs12 reads at most two
// parts and writers that split plain bags over several parts exist.
func (f *p12File) toDER(password string) ([]byte, error) {
	var infos []contentInfo
	var plain []safeBag
	plainAt := -1
	for _, p := range f.parts {
		if !p.encrypted {
			if plainAt < 0 {
				plainAt = len(infos)
				infos = append(infos, contentInfo{})
			}
			plain = append(plain, p.bags...)
			continue
		}
		var ed encryptedDataOut
		ed.Info.ContentType = oidData
		ed.Info.Algorithm = p.alg
		ed.Info.Content = p.ciphertext
		content, err := asn1.Marshal(ed)
		if err != nil {
			return nil, err
		}
		infos = append(infos, contentInfo{ContentType: oidEncryptedData, Content: explicit0(content)})
	}
	if plainAt >= 0 {
		bags, err := asn1.Marshal(plain)
		if err != nil {
			return nil, err
		}
		octets, err := asn1.Marshal(bags)
		if err != nil {
			return nil, err
		}
		infos[plainAt] = contentInfo{ContentType: oidData, Content: explicit0(octets)}
	}
	authSafe, err := asn1.Marshal(infos)
	if err != nil {
		return nil, err
	}
	return marshalPFX(authSafe, macData{
		Mac:        digestInfo{Algorithm: pkix.AlgorithmIdentifier{Algorithm: oidSHA256, Parameters: asn1.NullRawValue}},
		MacSalt:    make([]byte, 8),
		Iterations: 1,
	}, password)
}

// marshalPFX builds a PFX around authSafe, computing md's digest.
func marshalPFX(authSafe []byte, md macData, password string) ([]byte, error) {
	sum, err := computeMAC(&md, authSafe, password)
	if err != nil {
		return nil, err
	}
	md.Mac.Digest = sum
	octets, err := asn1.Marshal(authSafe)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(pfxPDU{
		Version:  3,
		AuthSafe: contentInfo{ContentType: oidData, Content: explicit0(octets)},
		MacData:  md,
	})
}

// explicit0 wraps an encoded value in a [0] EXPLICIT tag.
func explicit0(der []byte) asn1.RawValue {
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: der}
}

// friendlyName returns a bag's friendlyName attribute, or "".
func (b *safeBag) friendlyName() string {
	for _, a := range b.Attributes {
		if !a.ID.Equal(oidFriendlyName) {
			continue
		}
		var v asn1.RawValue
		if _, err := asn1.Unmarshal(a.Values.Bytes, &v); err != nil || v.Tag != asn1.TagBMPString || len(v.Bytes)%2 != 0 {
			return ""
		}
		u := make([]uint16, len(v.Bytes)/2)
		for i := range u {
			u[i] = uint16(v.Bytes[2*i])<<8 | uint16(v.Bytes[2*i+1])
		}
		for len(u) > 0 && u[len(u)-1] == 0 {
			u = u[:len(u)-1]
		}
		return string(utf16.Decode(u))
	}
	return ""
}
