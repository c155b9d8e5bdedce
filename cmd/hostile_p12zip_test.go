//go:build unix

package cmd

import (
	"archive/zip"
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"os"
	"testing"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/caronboard/caronboard/pkg/keystore"
)

// special makes the PKCS#12 and ZIP variants.
func (f *hostileFixtures) special(t *testing.T, kind string) []byte {
	t.Helper()
	key, _, err := keystore.ParsePrivateKey(f.data["key"], nil)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := keystore.ParseCertificates(append(append([]byte{}, f.data["cert"]...), f.data["ca"]...))
	if err != nil {
		t.Fatal(err)
	}
	cert, ca := certs[0], certs[1]
	switch kind {
	case "corrupted-mac":
		return corruptMAC(t, f.data["p12"])
	case "no-key":
		b, err := pkcs12.Modern2023.EncodeTrustStore([]*x509.Certificate{cert, ca}, fixturePass)
		if err != nil {
			t.Fatal(err)
		}
		return b
	case "several-keys":
		b, err := pkcs12.Passwordless.Encode(key, cert, []*x509.Certificate{ca}, "")
		if err != nil {
			t.Fatal(err)
		}
		return duplicateKeyBag(t, b)
	case "key-not-matching":
		other, _, err := keystore.ParsePrivateKey(f.data["otherkey"], nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := pkcs12.Modern2023.Encode(other, cert, []*x509.Certificate{ca}, fixturePass)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	certPEM := f.data["cert"]
	switch kind {
	case "traversal":
		return zipOf(t, map[string][]byte{"../ACME AB.cer": certPEM, "ca.cer": ca.Raw})
	case "absolute-path":
		return zipOf(t, map[string][]byte{"/tmp/ACME AB.cer": certPEM, "ca.cer": ca.Raw})
	case "backslash":
		return zipOf(t, map[string][]byte{`..\ACME AB.cer`: certPEM, "ca.cer": ca.Raw})
	case "zip-bomb":
		return zipOf(t, map[string][]byte{"ACME AB.cer": certPEM, "bomb.cer": make([]byte, 20<<20)})
	case "duplicate-names":
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, data := range [][]byte{certPEM, ca.Raw} {
			w, err := zw.Create("ACME AB.cer")
			if err != nil {
				t.Fatal(err)
			}
			_, _ = w.Write(data)
		}
		_ = zw.Close()
		return buf.Bytes()
	case "symlink-entry":
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		h := &zip.FileHeader{Name: "ACME AB.cer"}
		h.SetMode(os.ModeSymlink | 0o777)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte("/etc/passwd"))
		w, _ = zw.Create("ca.cer")
		_, _ = w.Write(ca.Raw)
		_ = zw.Close()
		return buf.Bytes()
	}
	t.Fatalf("unknown hostile kind %q", kind)
	return nil
}

// The ASN.1 of a PKCS#12 file, as far as the variants need it.
type p12ContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"optional"` // [0] EXPLICIT
}

type p12PFX struct {
	Version  int
	AuthSafe p12ContentInfo
	MacData  p12MacData `asn1:"optional"`
}

type p12MacData struct {
	Mac struct {
		Algorithm asn1.RawValue
		Digest    []byte
	}
	Salt       []byte
	Iterations int `asn1:"optional,default:1"`
}

// corruptMAC flips one bit of the MAC digest.
func corruptMAC(t *testing.T, data []byte) []byte {
	t.Helper()
	var pfx p12PFX
	if _, err := asn1.Unmarshal(data, &pfx); err != nil {
		t.Fatal(err)
	}
	pfx.MacData.Mac.Digest[0] ^= 1
	out, err := asn1.Marshal(pfx)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// duplicateKeyBag adds a second copy of the key bag to an unencrypted,
// MAC-less PKCS#12 file (go-pkcs12's Passwordless encoding).
func duplicateKeyBag(t *testing.T, data []byte) []byte {
	t.Helper()
	var pfx struct {
		Version  int
		AuthSafe p12ContentInfo
	}
	if _, err := asn1.Unmarshal(data, &pfx); err != nil {
		t.Fatal(err)
	}
	var authSafe []p12ContentInfo
	if _, err := asn1.Unmarshal(octets(t, pfx.AuthSafe.Content), &authSafe); err != nil {
		t.Fatal(err)
	}
	keyBag := asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 1}
	for i, ci := range authSafe {
		var bags []asn1.RawValue
		if _, err := asn1.Unmarshal(octets(t, ci.Content), &bags); err != nil {
			t.Fatal(err)
		}
		for _, b := range bags {
			var bag struct {
				ID   asn1.ObjectIdentifier
				Rest asn1.RawValue `asn1:"tag:0,explicit"`
			}
			if _, err := asn1.Unmarshal(b.FullBytes, &bag); err == nil && bag.ID.Equal(keyBag) {
				bags = append(bags, b)
				authSafe[i].Content = octetString(t, mustMarshal(t, bags))
				pfx.AuthSafe.Content = octetString(t, mustMarshal(t, authSafe))
				return mustMarshal(t, pfx)
			}
		}
	}
	t.Fatal("no key bag found")
	return nil
}

// octets returns the OCTET STRING inside a ContentInfo's [0] content.
func octets(t *testing.T, rv asn1.RawValue) []byte {
	t.Helper()
	var b []byte
	if _, err := asn1.Unmarshal(rv.Bytes, &b); err != nil {
		t.Fatal(err)
	}
	return b
}

// octetString wraps b as a ContentInfo's [0] EXPLICIT OCTET STRING content.
func octetString(t *testing.T, b []byte) asn1.RawValue {
	t.Helper()
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: mustMarshal(t, b)}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
