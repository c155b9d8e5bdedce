//go:build unix

package cmd

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// hostileCase is one command line that must be refused (or, with accept,
// must succeed), in text and in JSON mode, without changing any file.
type hostileCase struct {
	name   string
	args   []string
	stdin  []byte
	env    map[string]string
	want   string // the error code; "" = any stable one
	accept bool
	// either: success and a clean refusal are both fine (decode of a
	// truncated token still shows what is there).
	either bool
	// outputs are removed after an accepted run.
	outputs []string
}

// runHostileCases runs each case in the working folder work and checks
// every file under watch stays as it was (accepted runs may write).
func runHostileCases(t *testing.T, cases []hostileCase, paths []string, watch ...string) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, mode := range []string{"text", "json"} {
				args := c.args
				if mode == "json" {
					args = append(append([]string{}, c.args...), "-o", "json")
				}
				before := snapshot(t, watch...)
				r := runCLI(c.env, c.stdin, args...)
				accepted := c.accept || c.either && r.exit == exitOK
				switch {
				case accepted && mode == "json":
					checkJSONSuccess(t, r)
				case accepted:
					if r.exit != exitOK {
						t.Fatalf("refused\n%s", r)
					}
				case mode == "json":
					if code := checkJSONFailure(t, r, paths); c.want != "" && code != c.want {
						t.Errorf("code %q, want %q\n%s", code, c.want, r)
					}
				default:
					checkTextFailure(t, r, paths)
				}
				if !accepted {
					if d := diffSnapshots(before, snapshot(t, watch...)); d != "" {
						t.Errorf("a refused run changed files:\n%s\n%s", d, r)
					}
				}
				for _, o := range c.outputs {
					if err := os.Remove(o); err != nil {
						t.Errorf("accepted, but %s was not written: %v", o, err)
					}
				}
			}
		})
	}
}

// hostileWorkdir makes a fresh working folder and user config folder and
// moves into the former.
func hostileWorkdir(t *testing.T) (work, conf string) {
	t.Helper()
	work, conf = t.TempDir(), t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", conf)
	t.Setenv("HOME", work)
	t.Chdir(work)
	return work, conf
}

// TestHostileSubjectFields gives csr every kind of bad distinguished-name
// value, from flags and from the environment. A NUL cannot travel in a
// process's argv (the kernel ends the argument there), so it reaches csr
// only in-process here, or through a config file (see the config tests).
func TestHostileSubjectFields(t *testing.T) {
	f := newHostileFixtures(t)
	work, _ := hostileWorkdir(t)
	freja := func(flag, value string) []string {
		args := []string{"csr", "--profile", "freja", "--key", f.path["key"], "--out", "out.csr", "--org-id", "556677-8881"}
		if flag != "--org" {
			args = append(args, "--org", "ACME AB")
		}
		return append(args, flag, value)
	}
	var cases []hostileCase
	for _, c := range csr.FrejaForbiddenChars() {
		cases = append(cases,
			hostileCase{name: "org-forbidden-" + string(c), args: freja("--org", "ACME "+string(c)+" AB"), want: "invalid_subject"},
			hostileCase{name: "unit-forbidden-" + string(c), args: freja("--unit", "IT"+string(c)), want: "invalid_subject"})
	}
	bad := map[string]string{
		"control-soh": "AC\x01ME", "escape-sequence": "\x1b[31mACME", "delete": "ACME\x7f", "tab": "ACME\tAB",
		"newline": "ACME\nAB", "carriage-return": "ACME\rAB", "nul": "ACME\x00AB", "c1-control": "ACME\u0085AB",
		"rlo-u202e": "ACME \u202eBA", "lri-u2066": "\u2066ACME", "rlm-u200f": "ACME\u200fAB",
		"65-characters": strings.Repeat("A", 65), "65-multibyte": strings.Repeat("é", 65),
		"invalid-utf8": "AC\xffME", "truncated-utf8": "ACME \xc3", "overlong-utf8": "AC\xc0\xafME",
		"leading-space": " ACME", "trailing-space": "ACME ",
	}
	for name, v := range bad {
		cases = append(cases,
			hostileCase{name: "org-" + name, args: freja("--org", v), want: "invalid_subject"},
			hostileCase{name: "common-name-" + name, args: freja("--common-name", v), want: "invalid_subject"},
			hostileCase{name: "env-org-" + name, env: map[string]string{"CARONBOARD_ORG": v}, want: "invalid_subject",
				args: []string{"csr", "--profile", "freja", "--key", f.path["key"], "--out", "out.csr", "--org-id", "556677-8881"}})
	}
	car := []string{"csr", "--profile", "car", "--key", f.path["key"], "--out", "out.csr"}
	cases = append(cases,
		hostileCase{name: "car-role-nul", args: append(car, "--org-code", "BANK01", "--role", "bank\x00"), want: "invalid_subject"},
		hostileCase{name: "car-org-code-rlo", args: append(car, "--org-code", "BANK\u202e10", "--role", "bank"), want: "invalid_subject"},
		hostileCase{name: "org-id-letters", args: freja("--org-id", "55667788\u0661"), want: "invalid_subject"},
		hostileCase{name: "every-field-wrong", args: []string{"csr", "--profile", "freja", "--key", f.path["key"], "--out", "out.csr",
			"--org", "A&B\x01", "--org-id", "556677-8888", "--country", "XX", "--unit", "\u202e", "--common-name", strings.Repeat("x", 70)}, want: "invalid_subject"},
		hostileCase{name: "64-characters-accepted", args: freja("--org", strings.Repeat("A", 64)), accept: true, outputs: []string{"out.csr"}},
	)
	runHostileCases(t, cases, nil, work)
}

// TestHostileCSRSubjects gives csr inspect and sandbox sign CSRs that someone
// else made with subjects our csr command would never write.
func TestHostileCSRSubjects(t *testing.T) {
	f := newHostileFixtures(t)
	work, _ := hostileWorkdir(t)
	key, _, err := keystore.ParsePrivateKey(f.data["key"], nil)
	if err != nil {
		t.Fatal(err)
	}
	utf8 := func(s string) asn1.RawValue {
		return asn1.RawValue{Tag: asn1.TagUTF8String, Bytes: []byte(s)}
	}
	oi := asn1.ObjectIdentifier{2, 5, 4, 97}
	subjects := map[string][]any{
		"ampersand":    {"ACME & Co AB"},
		"rlo":          {"ACME \u202eBA"},
		"nul":          {"ACME\x00AB"},
		"invalid-utf8": {utf8("AC\xffME")},
		"65-chars":     {strings.Repeat("A", 65)},
		"newline":      {"ACME\nCN=admin"},
	}
	var cases []hostileCase
	dir := t.TempDir()
	for name, org := range subjects {
		rdn := pkix.RDNSequence{
			{{Type: asn1.ObjectIdentifier{2, 5, 4, 6}, Value: "SE"}},
			{{Type: oi, Value: utf8("556677-8881")}},
			{{Type: asn1.ObjectIdentifier{2, 5, 4, 10}, Value: org[0]}},
		}
		raw, err := asn1.Marshal(rdn)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{RawSubject: raw}, key)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name+".csr")
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), 0o644); err != nil {
			t.Fatal(err)
		}
		cases = append(cases,
			hostileCase{name: "inspect-" + name, args: []string{"csr", "inspect", p, "--profile", "freja"}},
			hostileCase{name: "sandbox-sign-" + name, args: []string{"sandbox", "sign", "--csr", p, "--profile", "freja", "--out", "out.cer", "--dir", f.sb.Dir}})
	}
	runHostileCases(t, cases, nil, work, f.sb.Dir)
}
