package csr

import (
	"encoding/asn1"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// subject applies the profile's subject rules to a DER Name.
func (l *linter) subject(raw []byte) {
	subj, err := ParseName(raw)
	if err != nil {
		l.add(SeverityError, "subject", "the subject cannot be read: "+err.Error(), "make the request again")
		return
	}
	if len(subj) == 0 {
		l.add(SeverityError, "subject", "the subject is empty",
			fmt.Sprintf(`give the subject: -subj "%s"`, exampleSubj(l.p)))
		return
	}
	if expanded, holder := splitCommaForm(subj); holder != nil {
		l.add(SeverityError, holder.Name,
			fmt.Sprintf("%s is %q: the fields were separated with commas, so openssl read them as one value", holder.Name, holder.Value),
			fmt.Sprintf(`separate the fields with slashes: -subj "%s"`, subjArg(l.p, expanded)))
		l.fields(expanded, false)
		return
	}
	l.fields(subj, true)
}

// fields checks order, presence and every field rule. checkTypes is false
// for a subject rebuilt from a comma-separated value.
func (l *linter) fields(subj Subject, checkTypes bool) {
	want := l.p.Fields()
	country := ""
	if c, ok := subj.Get("C"); ok {
		country = strings.ToUpper(c)
	}
	seen := map[string]bool{}
	var order []string
	var fixed Subject // the subject with repaired and normalised values, for hints
	for i, a := range subj {
		fixed = append(fixed, a)
		if a.SameRDN {
			l.add(SeverityWarning, a.Name,
				fmt.Sprintf("%s shares one RDN with %s (a multi-valued RDN)", a.Name, subj[i-1].Name),
				"write each field as its own RDN: separate them with / not +")
		}
		name := AttributeName(a.Type)
		if !slices.Contains(want, name) {
			l.add(SeverityWarning, name,
				fmt.Sprintf("the subject has %s=%s, which the %s profile does not use", name, escapeValue(a.Value), l.p.DisplayName()),
				"leave it out; the CA may refuse the request or drop the field")
			continue
		}
		if seen[name] {
			l.add(SeverityError, name, name+" appears more than once", "keep one "+name)
			continue
		}
		seen[name] = true
		order = append(order, name)
		fixed[len(fixed)-1].Value = l.value(a, name, country, checkTypes)
	}
	for _, name := range want {
		if hint, required := requiredHint(l.p, name); required && !seen[name] {
			l.add(SeverityError, name, name+" is missing", hint)
		}
	}
	if !slices.IsSortedFunc(order, func(a, b string) int { return slices.Index(want, a) - slices.Index(want, b) }) {
		l.add(SeverityError, "subject",
			fmt.Sprintf("the fields are in the order %s; %s expects %s",
				strings.Join(order, ", "), l.p.DisplayName(), strings.Join(want, ", ")),
			fmt.Sprintf(`list them in that order: -subj "%s"`, subjArg(l.p, fixed)))
	}
}

// value checks one attribute that is a field of the profile and returns its
// value repaired and normalised as far as possible.
func (l *linter) value(a Attribute, name, country string, checkTypes bool) string {
	v := a.Value
	if fixed, ok := repairDoubleEncoding(v); ok {
		l.add(SeverityError, name,
			fmt.Sprintf("%s looks double-encoded: %s is probably %q", name, quote(v), fixed),
			"openssl req without -utf8 encodes each byte of a UTF-8 letter as a letter of its own; "+
				"make the request again with openssl req -utf8, or with caronboard")
		v = fixed
	}
	if checkTypes {
		switch {
		case name == "C" && a.Tag != asn1.TagPrintableString:
			l.add(SeverityWarning, name, fmt.Sprintf("C is a %s; OpenSSL and caronboard write it as PrintableString", tagName(a.Tag)),
				"most CAs accept it; if the CA refuses the request, make it with openssl req or caronboard")
		case name != "C" && a.Tag != asn1.TagUTF8String:
			l.add(SeverityWarning, name, fmt.Sprintf("%s is a %s; OpenSSL 3 and caronboard write UTF8String", name, tagName(a.Tag)),
				"most CAs re-encode it; if the CA refuses the request, make it with openssl req or caronboard")
		}
	}
	norm, errs := checkField(l.p, name, v, country)
	for _, fe := range errs {
		l.add(SeverityError, name, fe.Error(), fe.Hint)
	}
	if len(errs) == 0 && norm != v {
		l.add(SeverityWarning, name, fmt.Sprintf("%s is %q; %s writes it as %q", name, v, l.p.DisplayName(), norm),
			fmt.Sprintf("write %q", norm))
		return norm
	}
	return v
}

// commaKey finds ",KEY=" inside a value, where KEY is a short name or an OID.
var commaKey = regexp.MustCompile(`,\s*([A-Za-z][A-Za-z0-9]*|[0-9]+(?:\.[0-9]+)+)\s*=`)

// splitCommaForm recognises `-subj "/C=SE,2.5.4.97=…,OU=…"`, which openssl
// reads as one attribute holding the rest. It returns the subject the user
// meant and the first attribute that held several fields, or nil.
func splitCommaForm(subj Subject) (Subject, *Attribute) {
	var out Subject
	var holder *Attribute
	for i, a := range subj {
		var cuts [][]int // [start of ",", start of value]
		var types []asn1.ObjectIdentifier
		if isStringTag(a.Tag) {
			for _, m := range commaKey.FindAllStringSubmatchIndex(a.Value, -1) {
				if oid, ok := AttributeType(a.Value[m[2]:m[3]]); ok {
					cuts = append(cuts, []int{m[0], m[1]})
					types = append(types, oid)
				}
			}
		}
		if len(cuts) == 0 {
			out = append(out, a)
			continue
		}
		if holder == nil {
			holder = &subj[i]
		}
		end := cuts[0][0]
		out = append(out, newAttribute(a.Type, strings.TrimSpace(a.Value[:end])))
		for j, c := range cuts {
			end = len(a.Value)
			if j+1 < len(cuts) {
				end = cuts[j+1][0]
			}
			out = append(out, newAttribute(types[j], strings.TrimSpace(a.Value[c[1]:end])))
		}
	}
	return out, holder
}

// subjArg writes an openssl -subj argument for the subject, the profile's
// fields first and in the profile's order.
func subjArg(p Profile, subj Subject) string {
	var b strings.Builder
	write := func(a Attribute) {
		name := AttributeName(a.Type)
		if a.Type.Equal(OIDOrganizationIdentifier) {
			name = "2.5.4.97"
		}
		fmt.Fprintf(&b, "/%s=%s", name, subjEscape(a.Value))
	}
	for _, f := range p.Fields() {
		for _, a := range subj {
			if AttributeName(a.Type) == f {
				write(a)
				break
			}
		}
	}
	for _, a := range subj {
		if !slices.Contains(p.Fields(), AttributeName(a.Type)) {
			write(a)
		}
	}
	return b.String()
}

// subjEscape escapes a value for openssl's -subj (slash, backslash and
// double quote get a backslash) and for the terminal: invisible characters
// and bytes that are not UTF-8 are shown as \XX hex pairs.
func subjEscape(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); {
		r, size := utf8.DecodeRuneInString(v[i:])
		switch {
		case r == '/' || r == '\\' || r == '"':
			b.WriteByte('\\')
			b.WriteRune(r)
		case (r == utf8.RuneError && size <= 1) || isControl(r) || isBidiControl(r) || (!unicode.IsPrint(r) && r != ' '):
			for _, c := range []byte(v[i : i+size]) {
				fmt.Fprintf(&b, `\%02X`, c)
			}
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

func exampleSubj(p Profile) string {
	if p == CAR {
		return "/C=SE/O=E-fakturabolaget/OU=bank/CN=CODE"
	}
	return "/C=SE/2.5.4.97=556677-8881/OU=Production/O=ACME AB/CN=Document signing service"
}

// repairDoubleEncoding recognises UTF-8 that was read as Latin-1 and
// encoded again ("Ã\u0085kesson" for "Åkesson") and returns the repaired text.
func repairDoubleEncoding(v string) (string, bool) {
	b := make([]byte, 0, len(v))
	high := false
	for _, r := range v {
		if r > 0xff {
			return "", false
		}
		high = high || r >= 0x80
		b = append(b, byte(r))
	}
	if !high || !utf8.Valid(b) || string(b) == v {
		return "", false
	}
	return string(b), true
}

// quote quotes a value for a message, showing invisible characters as escapes.
func quote(v string) string { return fmt.Sprintf("%q", v) }
