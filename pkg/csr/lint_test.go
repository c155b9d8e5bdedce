package csr

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"strings"
	"testing"
)

func lintRaw(t *testing.T, p Profile, bits int, attrs ...Attribute) []Finding {
	t.Helper()
	return Lint(mustParse(t, rawCSR(t, rsaFixture(t, bits), rawName(t, attrs...), crypto.SHA256)), p)
}

func attr(name, value string, tag int) Attribute {
	oid, _ := AttributeType(name)
	return Attribute{Type: oid, Value: value, Tag: tag}
}

func TestLintClean(t *testing.T) {
	freja := mustParse(t, mustCreate(t, rsaFixture(t, 2048), mustFreja(t, acmeInput)))
	if fs := Lint(freja, Freja); len(fs) != 0 {
		t.Errorf("Freja request: %v", fs)
	}
	carSubj, _ := NewCARSubject(CARInput{OrgCode: "BANK01", Role: "bank"})
	car := mustParse(t, mustCreate(t, rsaFixture(t, 4096), carSubj))
	if fs := Lint(car, CAR); len(fs) != 0 {
		t.Errorf("CAR request: %v", fs)
	}
	if p, ok := DetectProfile(car); !ok || p != CAR {
		t.Errorf("DetectProfile(car) = %q, %v", p, ok)
	}
	if p, ok := DetectProfile(freja); !ok || p != Freja {
		t.Errorf("DetectProfile(freja) = %q, %v", p, ok)
	}
	// The CAR rules on a Freja request: everything is reported at once.
	fs := Lint(freja, CAR)
	for _, want := range []struct{ field, msg string }{
		{"organizationIdentifier", "which the CAR profile does not use"},
		{"OU", `"Production" is not a CAR role`},
		{"O", `must be "E-fakturabolaget"`},
		{"subject", "the fields are in the order C, OU, O, CN; CAR expects C, O, OU, CN"},
		{"key", "CAR requires exactly 4096 bits"},
	} {
		if _, ok := findingFor(fs, want.field, want.msg); !ok {
			t.Errorf("missing %s finding %q in %v", want.field, want.msg, fs)
		}
	}
	if !HasErrors(fs) || HasErrors(nil) {
		t.Errorf("HasErrors")
	}
}

func TestLintFrejaRules(t *testing.T) {
	U, P := asn1.TagUTF8String, asn1.TagPrintableString
	fs := lintRaw(t, Freja, 2048,
		attr("C", "SE", U),
		attr("O", "A.B. Company & Co", P),
		attr("2.5.4.97", "556677-8888", U),
		attr("ST", "Stockholm", U),
		attr("OU", "R&D", U),
		attr("OU", "Sales", U),
	)
	want := []struct {
		sev          Severity
		field, msg   string
		hintContains string
	}{
		{SeverityWarning, "C", "C is a UTF8String", ""},
		{SeverityWarning, "O", "O is a PrintableString; OpenSSL 3 and caronboard write UTF8String", ""},
		{SeverityError, "O", `O contains ".", "&", which Freja does not accept`, `write "AB" not "A.B."; write "and"`},
		{SeverityError, "organizationIdentifier", "556677-8888 does not check out", "Bolagsverket"},
		{SeverityWarning, "ST", "the subject has ST=Stockholm, which the Freja profile does not use", "leave it out"},
		{SeverityError, "OU", `OU contains "&"`, ""},
		{SeverityError, "OU", "OU appears more than once", ""},
		{SeverityError, "subject", "the fields are in the order C, O, organizationIdentifier, OU; Freja expects C, organizationIdentifier, OU, O, CN",
			`-subj "/C=SE/2.5.4.97=556677-8888/OU=R&D/O=A.B. Company & Co/ST=Stockholm"`},
	}
	if len(fs) != len(want) {
		t.Errorf("got %d findings, want %d:\n%s", len(fs), len(want), dump(fs))
	}
	for _, w := range want {
		f, ok := findingFor(fs, w.field, w.msg)
		if !ok {
			t.Errorf("missing %s finding %q", w.field, w.msg)
			continue
		}
		if f.Severity != w.sev || !strings.Contains(f.Hint, w.hintContains) || f.Hint == "" {
			t.Errorf("finding %+v: want severity %s and hint containing %q", f, w.sev, w.hintContains)
		}
	}
}

func TestLintMissingAndNormalised(t *testing.T) {
	U, P := asn1.TagUTF8String, asn1.TagPrintableString
	fs := lintRaw(t, Freja, 2048, attr("C", "se", P), attr("2.5.4.97", "5566778881", U), attr("CN", "x", U))
	for _, w := range []struct {
		sev        Severity
		field, msg string
	}{
		{SeverityWarning, "C", `C is "se"; Freja writes it as "SE"`},
		{SeverityWarning, "organizationIdentifier", `is "5566778881"; Freja writes it as "556677-8881"`},
		{SeverityError, "O", "O is missing"},
	} {
		if f, ok := findingFor(fs, w.field, w.msg); !ok || f.Severity != w.sev {
			t.Errorf("missing %s %s finding %q in\n%s", w.sev, w.field, w.msg, dump(fs))
		}
	}
	if fs := lintRaw(t, Freja, 2048); !has(fs, "subject", "the subject is empty") {
		t.Errorf("empty subject: %s", dump(fs))
	}
	multi := lintRaw(t, Freja, 2048, attr("C", "SE", P), attr("2.5.4.97", "556677-8881", U), attr("O", "ACME AB", U),
		Attribute{Type: OIDCommonName, Value: "x", Tag: U, SameRDN: true})
	if !has(multi, "O", "O shares one RDN with CN") {
		t.Errorf("multi-valued RDN: %s", dump(multi))
	}
}

func TestLintWikiCommaForm(t *testing.T) {
	// What a tool that does not check C's length makes of the wiki's
	// `-subj "/C=SE,2.5.4.97=556677-8888,OU=Production,O=ACME AB,CN=Document signing service"`.
	fs := lintRaw(t, Freja, 2048,
		attr("C", "SE,2.5.4.97=556677-8888,OU=Production,O=ACME AB,CN=Document signing service", asn1.TagPrintableString))
	f, ok := findingFor(fs, "C", "the fields were separated with commas, so openssl read them as one value")
	if !ok || f.Severity != SeverityError {
		t.Fatalf("comma form not reported:\n%s", dump(fs))
	}
	if want := `separate the fields with slashes: -subj "/C=SE/2.5.4.97=556677-8888/OU=Production/O=ACME AB/CN=Document signing service"`; f.Hint != want {
		t.Errorf("hint %q\nwant %q", f.Hint, want)
	}
	// The rules are applied to what was meant, so the check digit shows up
	// now, and nothing is reported missing.
	if !has(fs, "organizationIdentifier", "556677-8888 does not check out") {
		t.Errorf("check digit not reported:\n%s", dump(fs))
	}
	if has(fs, "O", "missing") || has(fs, "C", "not an ISO") || len(fs) != 2 {
		t.Errorf("unexpected findings:\n%s", dump(fs))
	}
	req := mustParse(t, rawCSR(t, rsaFixture(t, 2048), rawName(t, attr("C", "SE,2.5.4.97=556677-8881,O=ACME AB", asn1.TagPrintableString)), crypto.SHA256))
	if p, ok := DetectProfile(req); !ok || p != Freja {
		t.Errorf("DetectProfile(comma form) = %q, %v", p, ok)
	}

	// A CN with a comma but no "KEY=" after it is just a CN.
	fs = lintRaw(t, Freja, 2048, attr("C", "SE", 0), attr("2.5.4.97", "556677-8881", 0), attr("O", "ACME AB", 0), attr("CN", "Signing, test=1", 0))
	if len(fs) != 0 {
		t.Errorf("CN with a comma:\n%s", dump(fs))
	}
}

func TestLintDoubleEncoded(t *testing.T) {
	// `openssl req -subj "/…/O=Åkesson Öberg AB"` without -utf8.
	mangled := string([]rune{0xC3, 0x85}) + "kesson " + string([]rune{0xC3, 0x96}) + "berg AB"
	fs := lintRaw(t, Freja, 2048, attr("C", "SE", 0), attr("2.5.4.97", "556677-8881", 0), attr("O", mangled, 0))
	f, ok := findingFor(fs, "O", `looks double-encoded`)
	if !ok || f.Severity != SeverityError || !strings.Contains(f.Message, `"Åkesson Öberg AB"`) || !strings.Contains(f.Hint, "-utf8") {
		t.Errorf("double encoding not reported well:\n%s", dump(fs))
	}
	if len(fs) != 1 {
		t.Errorf("the C1 bytes of the mangled letters should not be reported separately:\n%s", dump(fs))
	}
	if _, ok := repairDoubleEncoding("Åkesson Öberg AB"); ok {
		t.Errorf("correct text taken for double-encoded")
	}
}

func TestLintKeySignatureAttributes(t *testing.T) {
	subj := rawName(t, mustFreja(t, acmeInput)...)
	ecReq, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{RawSubject: subj}, fixtureKey(t, "ec-p256.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if fs := Lint(mustParse(t, ecReq), Freja); !has(fs, "key", "is ECDSA 256-bit; Freja accepts only RSA keys") {
		t.Errorf("EC key:\n%s", dump(fs))
	}
	if fs := Lint(mustParse(t, mustCreate(t, rsaFixture(t, 1024), mustFreja(t, acmeInput))), Freja); !has(fs, "key", "at least 2048") {
		t.Errorf("1024-bit key:\n%s", dump(fs))
	}

	pw, _ := asn1.Marshal(struct {
		Type   asn1.ObjectIdentifier
		Values []asn1.RawValue `asn1:"set"`
	}{oidChallengePassword, []asn1.RawValue{{Tag: asn1.TagUTF8String, Bytes: []byte("secret")}}})
	fs := Lint(mustParse(t, rawCSR(t, rsaFixture(t, 2048), subj, crypto.SHA256, asn1.RawValue{FullBytes: pw})), Freja)
	if f, ok := findingFor(fs, "attributes", "challenge password"); !ok || f.Severity != SeverityWarning || len(fs) != 1 {
		t.Errorf("challenge password:\n%s", dump(fs))
	}

	withSAN, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{RawSubject: subj, DNSNames: []string{"rp.example.se"}}, rsaFixture(t, 2048))
	if err != nil {
		t.Fatal(err)
	}
	if fs := Lint(mustParse(t, withSAN), Freja); !has(fs, "attributes", "asks for extensions (subjectAltName)") {
		t.Errorf("extension request:\n%s", dump(fs))
	}
}

func TestLintOddInputs(t *testing.T) {
	if fs := Lint(nil, Freja); len(fs) != 1 || fs[0].Severity != SeverityError {
		t.Errorf("nil request: %v", fs)
	}
	req := mustParse(t, mustCreate(t, rsaFixture(t, 2048), mustFreja(t, acmeInput)))
	if fs := Lint(req, "bankid"); len(fs) != 1 || !strings.Contains(fs[0].Message, "unknown profile") {
		t.Errorf("unknown profile: %v", fs)
	}
	if p, ok := DetectProfile(mustParse(t, rawCSR(t, rsaFixture(t, 2048), rawName(t, attr("CN", "x", 0)), crypto.SHA256))); ok {
		t.Errorf("DetectProfile(CN=x) = %q", p)
	}
	if _, ok := DetectProfile(nil); ok {
		t.Errorf("DetectProfile(nil)")
	}
}

func has(fs []Finding, field, msg string) bool {
	_, ok := findingFor(fs, field, msg)
	return ok
}

func dump(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + string(f.Severity) + " [" + f.Field + "] " + f.Message + " — " + f.Hint + "\n")
	}
	return b.String()
}

func TestLintOrderHintUsesCorrectedValues(t *testing.T) {
	mangled := string([]rune{0xC3, 0x85}) + "kesson AB"
	fs := lintRaw(t, Freja, 2048, attr("O", mangled, 0), attr("C", "se", 0), attr("2.5.4.97", "5566778881", 0), attr("CN", "a/b\x1bc", 0))
	f, ok := findingFor(fs, "subject", "the fields are in the order O, C, organizationIdentifier, CN")
	if !ok {
		t.Fatalf("order not reported:\n%s", dump(fs))
	}
	if want := `list them in that order: -subj "/C=SE/2.5.4.97=556677-8881/O=Åkesson AB/CN=a\/b\1Bc"`; f.Hint != want {
		t.Errorf("hint %q\nwant %q", f.Hint, want)
	}
}
