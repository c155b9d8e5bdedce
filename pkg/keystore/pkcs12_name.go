package keystore

import (
	"bytes"
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
// alias from, and to the leaf's certificate bag (the one with the key bag's
// localKeyId), where Python's cryptography and openssl -info read it: the
// encrypted part is decrypted and encrypted again with its own parameters.
// Then it re-encodes the structure and recomputes the MAC over the new
// AuthenticatedSafe with the original algorithm, salt and iteration count.

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
	var keyID []byte
	for i, ci := range infos {
		if ci.ContentType.Equal(oidEncryptedData) {
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
				keyID = bags[j].localKeyID()
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
	certNamed := false
	for i, ci := range infos {
		if !ci.ContentType.Equal(oidEncryptedData) || certNamed {
			continue
		}
		content, ok, err := nameLeafBag(ci, attr, keyID, password)
		if err != nil {
			return nil, err
		}
		if ok {
			infos[i].Content = explicit0(content)
			certNamed = true
		}
	}
	if !certNamed {
		return nil, errors.New("go-pkcs12 did not write the certificate in an encrypted SafeContents")
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

// nameLeafBag decrypts an encrypted SafeContents written by go-pkcs12, sets
// attr on the certificate bag with localKeyId keyID (or, without one, the
// first, which go-pkcs12 writes for the leaf) and returns the EncryptedData
// encrypted again with the same algorithm and parameters.
func nameLeafBag(ci contentInfo, attr pkcs12Attribute, keyID []byte, password string) ([]byte, bool, error) {
	var ed encryptedData
	if !unmarshalExact(ci.Content.Bytes, &ed) {
		return nil, false, errors.New("unexpected PKCS#12 structure from go-pkcs12")
	}
	ct, ok := encryptedContent(ed.Info.Content)
	if !ok {
		return nil, false, errors.New("unexpected PKCS#12 structure from go-pkcs12")
	}
	plain, err := decryptPart(ed.Info.Algorithm, ct, password)
	if err != nil {
		return nil, false, err
	}
	var bags []safeBag
	if !unmarshalExact(plain, &bags) {
		return nil, false, errors.New("unexpected PKCS#12 structure from go-pkcs12")
	}
	leaf := -1
	for j := range bags {
		if !bags[j].ID.Equal(oidCertBag) {
			continue
		}
		if leaf < 0 || len(keyID) > 0 && bytes.Equal(bags[j].localKeyID(), keyID) {
			leaf = j
			if len(keyID) == 0 || bytes.Equal(bags[j].localKeyID(), keyID) {
				break
			}
		}
	}
	if leaf < 0 {
		return nil, false, nil
	}
	bags[leaf].Attributes = withAttribute(bags[leaf].Attributes, attr)
	if plain, err = asn1.Marshal(bags); err != nil {
		return nil, false, err
	}
	if ct, err = encryptPart(ed.Info.Algorithm, plain, password); err != nil {
		return nil, false, err
	}
	var out encryptedDataOut
	out.Info.ContentType = oidData
	out.Info.Algorithm = ed.Info.Algorithm
	out.Info.Content = ct
	content, err := asn1.Marshal(out)
	return content, err == nil, err
}
