package keystore

import (
	"bytes"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestBERToDER(t *testing.T) {
	tests := []struct{ in, want string }{
		{"020105", "020105"},
		{"3080020105" + "0000", "3003020105"},
		{"2480" + "04026162" + "040163" + "0000", "0403616263"},
		{"2480" + "2480" + "040161" + "0000" + "040162" + "0000", "04026162"},
		{"2406" + "040161" + "040162", "04026162"},
		{"02810105", "020105"},
		{"a080" + "3080" + "0000" + "0000", "a0023000"},
		{"1f8100" + "0100", "1f81000100"},
	}
	for _, tt := range tests {
		got, err := berToDER(unhex(t, tt.in))
		if err != nil || hex.EncodeToString(got) != tt.want {
			t.Errorf("%s: got %x, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	bad := []string{
		"",
		"3080020105",               // no end-of-contents
		"02800000",                 // indefinite primitive
		"30050201",                 // truncated
		"0285000000000100",         // five length bytes
		"2480" + "020105" + "0000", // constructed OCTET STRING with an INTEGER chunk
		"02010500",                 // trailing data
		"1f",                       // truncated high tag
		strings.Repeat("3080", 40) + strings.Repeat("0000", 40), // too deep
	}
	for _, in := range bad {
		if _, err := berToDER(unhex(t, in)); err == nil {
			t.Errorf("%s: no error", in)
		}
	}
	der := encodeRP(t, P12Modern, "")
	if got, err := berToDER(der); err != nil || !bytes.Equal(got, der) {
		t.Errorf("DER is not left as it is: %v", err)
	}
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecodePKCS12BER reads a file encoded the way Windows and .NET write
// PKCS#12 (indefinite lengths, chunked OCTET STRINGs, BER inside the
// AuthenticatedSafe and the SafeContents, a MAC over the BER bytes).
func TestDecodePKCS12BER(t *testing.T) {
	for _, format := range []P12Format{P12Modern, P12Legacy} {
		t.Run(string(format), func(t *testing.T) {
			der := encodeRP(t, format, "BER test")
			ber := toBER(t, der)
			if bytes.Equal(ber, der) || !bytes.Contains(ber, []byte{0x30, 0x80}) {
				t.Fatal("toBER did not produce BER")
			}
			c, err := DecodePKCS12(ber, testP12Password)
			if err != nil {
				t.Fatal(err)
			}
			if !c.KeyMatchesLeaf || len(c.CACerts) != 2 || c.FriendlyName != "BER test" {
				t.Errorf("got %+v", c)
			}
			if info, err := InspectPKCS12(ber); err != nil || info != c.Info {
				t.Errorf("inspect: %+v, %v", info, err)
			}
			if _, err := DecodePKCS12(ber, "wrong"); !errors.Is(err, ErrWrongPassphrase) {
				t.Errorf("wrong passphrase: %v", err)
			}
		})
	}
}

// toBER re-encodes one of our PKCS#12 files as BER, with a MAC computed over
// the BER AuthenticatedSafe, as a BER writer does.
func toBER(t testing.TB, der []byte) []byte {
	t.Helper()
	f, err := parsePFX(der)
	if err != nil {
		t.Fatal(err)
	}
	auth := []byte{0x30, 0x80}
	for _, p := range f.parts {
		ci := contentInfo{ContentType: oidEncryptedData}
		if p.encrypted {
			var ed encryptedDataOut
			ed.Info.ContentType, ed.Info.Algorithm, ed.Info.Content = oidData, p.alg, p.ciphertext
			ci.Content = explicit0(mustMarshal(t, ed))
		} else {
			ci.ContentType = oidData
			ci.Content = explicit0(mustMarshal(t, berify(t, mustMarshal(t, p.bags))))
		}
		auth = append(auth, berify(t, mustMarshal(t, ci))...)
	}
	auth = append(auth, 0, 0)
	md := f.pfx.MacData
	if md.Mac.Digest, err = computeMAC(&md, auth, testP12Password); err != nil {
		t.Fatal(err)
	}
	pfx := pfxPDU{Version: 3, AuthSafe: contentInfo{ContentType: oidData, Content: explicit0(mustMarshal(t, auth))}, MacData: md}
	return berify(t, mustMarshal(t, pfx))
}

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// berify gives every constructed value an indefinite length and splits
// OCTET STRINGs and primitive [0] values (the encrypted content) longer than
// 64 bytes into chunks. It does not look inside primitive values.
func berify(t testing.TB, der []byte) []byte {
	t.Helper()
	var out []byte
	for len(der) > 0 {
		var rv asn1.RawValue
		rest, err := asn1.Unmarshal(der, &rv)
		if err != nil || rv.Tag > 30 {
			t.Fatalf("berify: %v", err)
		}
		der = rest
		id := byte(rv.Class<<6 | rv.Tag)
		chunkable := (rv.Class == asn1.ClassUniversal && rv.Tag == asn1.TagOctetString) ||
			(rv.Class == asn1.ClassContextSpecific && rv.Tag == 0)
		switch {
		case rv.IsCompound:
			out = append(append(append(out, id|0x20, 0x80), berify(t, rv.Bytes)...), 0, 0)
		case chunkable && len(rv.Bytes) > 64:
			out = append(out, id|0x20, 0x80)
			for b := rv.Bytes; len(b) > 0; b = b[min(64, len(b)):] {
				out = append(out, derTLV([]byte{0x04}, b[:min(64, len(b))])...)
			}
			out = append(out, 0, 0)
		default:
			out = append(out, rv.FullBytes...)
		}
	}
	return out
}
