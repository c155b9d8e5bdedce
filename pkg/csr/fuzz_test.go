package csr

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzFields = []struct {
	p     Profile
	field string
}{
	{Freja, "C"}, {Freja, "organizationIdentifier"}, {Freja, "OU"}, {Freja, "O"}, {Freja, "CN"},
	{CAR, "C"}, {CAR, "O"}, {CAR, "OU"}, {CAR, "CN"},
}

func FuzzValidateField(f *testing.F) {
	for _, s := range []string{"ACME AB", "Åkesson Öberg AB", "556677-8881", "5566778888", "se", "bank", "A&B", " x",
		"x\x00", "\u202e", "\xff", strings.Repeat("é", 65), "Ã\u0085", "E-fakturabolaget"} {
		f.Add(uint8(3), s)
	}
	f.Fuzz(func(t *testing.T, which uint8, value string) {
		ff := fuzzFields[int(which)%len(fuzzFields)]
		err := ValidateField(ff.p, ff.field, value)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if value == "" {
			return // an optional field left out
		}
		if !utf8.ValidString(value) || utf8.RuneCountInString(value) > MaxFieldLength {
			t.Fatalf("accepted %q: invalid UTF-8 or too long", value)
		}
		for _, r := range value {
			if isControl(r) || isBidiControl(r) {
				t.Fatalf("accepted %q with %U", value, r)
			}
			if ff.p == Freja && (ff.field == "O" || ff.field == "OU") && strings.ContainsRune(FrejaForbiddenChars(), r) {
				t.Fatalf("accepted %q with forbidden %q", value, r)
			}
		}
		// Anything a field accepts can be encoded and read back unchanged.
		in := FrejaInput{Country: "SE", OrgID: "556677-8881", Org: "ACME AB"}
		switch ff.field {
		case "O":
			in.Org = value
		case "OU":
			in.Unit = value
		case "CN":
			in.CommonName = value
		default:
			return
		}
		if ff.p != Freja {
			return
		}
		s, err := NewFrejaSubject(in)
		if err != nil {
			t.Fatalf("ValidateField accepted %q but NewFrejaSubject refused: %v", value, err)
		}
		der, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseName(der)
		if err != nil || back.String() != s.String() {
			t.Fatalf("round trip of %q: %v", value, err)
		}
	})
}

func FuzzParse(f *testing.F) {
	key := rsaFixture(f, 2048)
	der := mustCreate(f, key, mustFreja(f, acmeInput))
	p := EncodePEM(der)
	f.Add(der)
	f.Add(p)
	f.Add(append([]byte("\xEF\xBB\xBF"), bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))...))
	f.Add(append(append([]byte{}, p...), p...))
	f.Add([]byte("-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n"))
	f.Add([]byte{0xFF, 0xFE, '-', 0, '-', 0})
	f.Add([]byte("not a csr"))
	f.Add([]byte{0x30, 0x80})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := Parse(data)
		if err != nil {
			if msg := err.Error(); msg == "" || strings.HasPrefix(msg, "asn1:") {
				t.Fatalf("unhelpful error %q", msg)
			}
			return
		}
		for _, prof := range Profiles {
			Lint(req, prof)
		}
		DetectProfile(req)
		FormatName(req.RawSubject)
	})
}

func FuzzParseName(f *testing.F) {
	acme, _ := hex.DecodeString(acmeNameHex)
	f.Add(acme)
	carSubj, _ := NewCARSubject(CARInput{OrgCode: "BANK01", Role: "bank"})
	carDER, _ := carSubj.Marshal()
	f.Add(carDER)
	odd, _ := Subject{{Type: OIDCommonName, Value: "Ann"}, {Type: OIDOrganizationalUnit, Value: "S", SameRDN: true, Tag: 30},
		{Type: []int{1, 2, 3}, Value: "#020105", Tag: 2}}.Marshal()
	f.Add(odd)
	f.Add([]byte{0x30, 0x00})
	f.Add([]byte{0x30, 0x02, 0x31, 0x00})
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, err := ParseName(raw)
		_ = FormatName(raw)
		if err != nil {
			return
		}
		_ = s.String()
		_, _ = s.Get("O")
		// Re-encoding reaches a fixed point after one round.
		d2, err := s.Marshal()
		if err != nil {
			return
		}
		s2, err := ParseName(d2)
		if err != nil {
			t.Fatalf("cannot read back our own encoding %x: %v", d2, err)
		}
		d3, err := s2.Marshal()
		if err != nil || !bytes.Equal(d2, d3) {
			t.Fatalf("encoding is not stable: %x then %x (%v)", d2, d3, err)
		}
	})
}
