package keystore

import (
	"encoding/asn1"
	"errors"
)

// go-pkcs12 v0.7.4's Encoder.Encode cannot set a friendlyName
// (SSLMate/go-pkcs12 issue #34; PR #70 is open), so keytool would list the
// entry under the alias "1". Its output has the shape of OpenSSL's
// PKCS12_create: an AuthenticatedSafe with an encrypted SafeContents holding
// the certificate bags and a plain SafeContents holding the shrouded key bag
// (the key itself is encrypted inside the bag). setFriendlyName adds the
// attribute to that key bag, which is where keytool takes a PrivateKeyEntry's
// alias from, re-encodes the structure and recomputes the MAC over the new
// AuthenticatedSafe with the original algorithm, salt and iteration count.
// Naming the leaf's certificate bag too would mean decrypting and
// re-encrypting the certificates; no consumer needs it.

// setFriendlyName sets the friendlyName attribute of the key bag of pfxData,
// a file written by go-pkcs12, and returns the new file.
func setFriendlyName(pfxData []byte, name, password string) ([]byte, error) {
	var pfx pfxPDU
	var authSafe []byte
	var infos []contentInfo
	if !unmarshalExact(pfxData, &pfx) || !unmarshalExact(pfx.AuthSafe.Content.Bytes, &authSafe) ||
		!unmarshalExact(authSafe, &infos) {
		return nil, errors.New("unexpected PKCS#12 structure from go-pkcs12")
	}
	attr, err := friendlyNameAttribute(name)
	if err != nil {
		return nil, err
	}
	named := 0
	for i, ci := range infos {
		if !ci.ContentType.Equal(oidData) {
			continue
		}
		var contents []byte
		var bags []safeBag
		if !unmarshalExact(ci.Content.Bytes, &contents) || !unmarshalExact(contents, &bags) {
			return nil, errors.New("unexpected PKCS#12 structure from go-pkcs12")
		}
		for j := range bags {
			if bags[j].ID.Equal(oidShroudedBag) || bags[j].ID.Equal(oidKeyBag) {
				bags[j].Attributes = withAttribute(bags[j].Attributes, attr)
				named++
			}
		}
		if contents, err = asn1.Marshal(bags); err != nil {
			return nil, err
		}
		octets, err := asn1.Marshal(contents)
		if err != nil {
			return nil, err
		}
		infos[i].Content = explicit0(octets)
	}
	if named != 1 {
		return nil, errors.New("go-pkcs12 did not write exactly one key bag in a plain SafeContents")
	}
	if authSafe, err = asn1.Marshal(infos); err != nil {
		return nil, err
	}
	md := pfx.MacData
	md.Mac.Digest = nil
	return marshalPFX(authSafe, md, password)
}

// friendlyNameAttribute encodes PKCS#9 friendlyName: a SET holding one
// BMPString.
func friendlyNameAttribute(name string) (pkcs12Attribute, error) {
	bmp, ok := bmpString(name)
	if !ok {
		return pkcs12Attribute{}, errors.New("the alias holds characters outside the Basic Multilingual Plane")
	}
	value, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagBMPString, Bytes: bmp})
	if err != nil {
		return pkcs12Attribute{}, err
	}
	return pkcs12Attribute{
		ID:     oidFriendlyName,
		Values: asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: value},
	}, nil
}

// withAttribute returns attrs with attr replacing any attribute of its type.
func withAttribute(attrs []pkcs12Attribute, attr pkcs12Attribute) []pkcs12Attribute {
	out := []pkcs12Attribute{attr}
	for _, a := range attrs {
		if !a.ID.Equal(attr.ID) {
			out = append(out, a)
		}
	}
	return out
}
