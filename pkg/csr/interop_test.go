package csr

// Interop tests against the real openssl binary: our requests are
// byte-identical to OpenSSL 3's, OpenSSL verifies them, and we read and lint
// what OpenSSL makes from the wiki's commands.

import (
	"bytes"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// opensslBinary returns the path of openssl, failing in CI and skipping
// elsewhere when it is missing.
func opensslBinary(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("openssl is not on PATH; CI must install it: %v", err)
		}
		t.Skip("openssl is not on PATH; install OpenSSL 3 to run the interop tests")
	}
	return path
}

// openssl runs the binary and returns its stdout; env adds variables.
func openssl(t *testing.T, env []string, args ...string) ([]byte, error) {
	t.Helper()
	cmd := exec.Command(opensslBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), &opensslError{args: args, err: err, stderr: stderr.String()}
	}
	return stdout.Bytes(), nil
}

type opensslError struct {
	args   []string
	err    error
	stderr string
}

func (e *opensslError) Error() string {
	return "openssl " + strings.Join(e.args, " ") + ": " + e.err.Error() + "\n" + e.stderr
}

func mustOpenSSL(t *testing.T, env []string, args ...string) []byte {
	t.Helper()
	out, err := openssl(t, env, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func keyPath(bits string) string {
	return filepath.Join("..", "..", "testdata", "keys", "rsa"+bits+"-pkcs8.pem")
}

func TestInteropByteIdentical(t *testing.T) {
	opensslBinary(t)
	t.Logf("%s", bytes.TrimSpace(mustOpenSSL(t, nil, "version")))
	carSubj, err := NewCARSubject(CARInput{OrgCode: "BANK01", Role: "bank"})
	if err != nil {
		t.Fatal(err)
	}
	subjects := []struct {
		name  string
		subj  Subject
		arg   string
		extra []string
	}{
		{"freja", mustFreja(t, acmeInput),
			"/C=SE/2.5.4.97=556677-8881/OU=Production/O=ACME AB/CN=Document signing service", nil},
		{"car", carSubj, "/C=SE/O=E-fakturabolaget/OU=bank/CN=BANK01", nil},
		// -utf8: without it openssl takes every byte of "Å" as a letter of its own.
		{"swedish letters", mustFreja(t, FrejaInput{Country: "SE", OrgID: "556677-8881", Unit: "Försäljning", Org: "Åkesson Öberg AB", CommonName: "Signering för e-tjänst"}),
			"/C=SE/2.5.4.97=556677-8881/OU=Försäljning/O=Åkesson Öberg AB/CN=Signering för e-tjänst", []string{"-utf8"}},
	}
	configs := []struct {
		name string
		env  []string
	}{
		{"default config", nil},
		{"OPENSSL_CONF=/dev/null", []string{"OPENSSL_CONF=" + os.DevNull}},
	}
	for _, bits := range []string{"2048", "4096"} {
		key := rsaFixture(t, map[string]int{"2048": 2048, "4096": 4096}[bits])
		for _, s := range subjects {
			ours := mustCreate(t, key, s.subj)
			for _, c := range configs {
				t.Run(bits+"/"+s.name+"/"+c.name, func(t *testing.T) {
					args := append([]string{"req", "-new", "-sha256", "-key", keyPath(bits), "-subj", s.arg}, s.extra...)
					theirs := mustOpenSSL(t, c.env, append(args, "-outform", "DER")...)
					if !bytes.Equal(ours, theirs) {
						t.Fatalf("DER differs from openssl's\nours:   %x\ntheirs: %x\nopenssl subject: %s", ours, theirs, FormatName(mustParse(t, theirs).RawSubject))
					}
					if pemOut := mustOpenSSL(t, c.env, args...); !bytes.Equal(EncodePEM(ours), pemOut) {
						t.Errorf("PEM differs from openssl's")
					}
				})
			}
		}
	}
}

func TestInteropOpenSSLReadsOurs(t *testing.T) {
	opensslBinary(t)
	dir := t.TempDir()
	for _, bits := range []int{2048, 4096} {
		key := rsaFixture(t, bits)
		file := filepath.Join(dir, "ours.csr")
		if err := os.WriteFile(file, EncodePEM(mustCreate(t, key, mustFreja(t, acmeInput))), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(opensslBinary(t), "req", "-verify", "-noout", "-in", file).CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("verify OK")) {
			t.Fatalf("openssl req -verify refused our %d-bit request: %v\n%s", bits, err, out)
		}
		subject := mustOpenSSL(t, nil, "req", "-in", file, "-noout", "-subject", "-nameopt", "RFC2253")
		if got := strings.TrimSpace(string(subject)); got != "subject=CN=Document signing service,O=ACME AB,OU=Production,organizationIdentifier=556677-8881,C=SE" {
			t.Errorf("openssl reads the subject as %q", got)
		}
		t.Logf("%d bits: %s", bits, bytes.TrimSpace(out))

		// The fingerprint read aloud is openssl's SHA-256 of the public key DER.
		spki := mustOpenSSL(t, nil, "pkey", "-in", keyPath(map[int]string{2048: "2048", 4096: "4096"}[bits]), "-pubout", "-outform", "DER")
		sum := sha256.Sum256(spki)
		fp, err := PublicKeyFingerprint(key.Public())
		if err != nil || fp != strings.ToUpper(colonHex(sum)) {
			t.Errorf("fingerprint %s, openssl's key hashes to %s", fp, colonHex(sum))
		}
	}
}

func TestInteropLintOpenSSLRequests(t *testing.T) {
	opensslBinary(t)
	key := keyPath("2048")
	req := func(t *testing.T, extra ...string) ([]byte, error) {
		return openssl(t, nil, append([]string{"req", "-new", "-key", key}, extra...)...)
	}

	t.Run("wiki comma form", func(t *testing.T) {
		// The wiki's command. OpenSSL 3 refuses it (C may hold 2 characters);
		// a tool that does not check puts the whole subject in C.
		wiki := "/C=SE,2.5.4.97=556677-8888,OU=Production,O=ACME AB,CN=Document signing service"
		out, err := req(t, "-subj", wiki)
		if err != nil {
			t.Logf("openssl refuses the wiki's exact -subj, as expected: %v", strings.TrimSpace(err.(*opensslError).stderr))
		} else {
			fs := Lint(mustParse(t, out), Freja)
			if !has(fs, "C", "separated with commas") {
				t.Errorf("comma form not reported:\n%s", dump(fs))
			}
		}
		// Fixing only the first separator, as people do after that error,
		// gets a request with every other field inside organizationIdentifier.
		out, err = req(t, "-subj", "/C=SE/2.5.4.97=556677-8888,OU=Production,O=ACME AB,CN=Document signing service")
		if err != nil {
			t.Fatal(err)
		}
		r := mustParse(t, out)
		fs := Lint(r, Freja)
		f, ok := findingFor(fs, "organizationIdentifier", "the fields were separated with commas")
		if !ok || f.Severity != SeverityError {
			t.Fatalf("comma form not reported:\n%s", dump(fs))
		}
		if !strings.Contains(f.Hint, `-subj "/C=SE/2.5.4.97=556677-8888/OU=Production/O=ACME AB/CN=Document signing service"`) {
			t.Errorf("hint %q", f.Hint)
		}
		if !has(fs, "organizationIdentifier", "556677-8888 does not check out") {
			t.Errorf("check digit not reported:\n%s", dump(fs))
		}
		if p, ok := DetectProfile(r); !ok || p != Freja {
			t.Errorf("DetectProfile = %q, %v", p, ok)
		}
	})

	t.Run("swedish letters without -utf8", func(t *testing.T) {
		out, err := req(t, "-subj", "/C=SE/2.5.4.97=556677-8881/O=Åkesson Öberg AB")
		if err != nil {
			t.Fatal(err)
		}
		fs := Lint(mustParse(t, out), Freja)
		if f, ok := findingFor(fs, "O", `is probably "Åkesson Öberg AB"`); !ok || !strings.Contains(f.Hint, "-utf8") {
			t.Errorf("double encoding not reported:\n%s", dump(fs))
		}
	})

	for _, hash := range []string{"sha1", "md5"} {
		t.Run(hash, func(t *testing.T) {
			out, err := req(t, "-"+hash, "-subj", "/C=SE/2.5.4.97=556677-8881/O=ACME AB", "-outform", "DER")
			if err != nil {
				t.Skipf("this openssl does not sign with %s: %v", hash, err)
			}
			fs := Lint(mustParse(t, out), Freja)
			if f, ok := findingFor(fs, "signature", "broken"); !ok || f.Severity != SeverityError || len(fs) != 1 {
				t.Errorf("findings:\n%s", dump(fs))
			}
		})
	}

	t.Run("CAR from the CAR instructions", func(t *testing.T) {
		out, err := req(t, "-subj", "/C=SE/O=E-fakturabolaget/OU=Bank/CN=BANK01")
		if err != nil {
			t.Fatal(err)
		}
		r := mustParse(t, out)
		fs := Lint(r, CAR)
		if !has(fs, "OU", `"Bank" is not a CAR role`) || !has(fs, "key", "CAR requires exactly 4096 bits") || len(fs) != 2 {
			t.Errorf("findings:\n%s", dump(fs))
		}
		if p, _ := DetectProfile(r); p != CAR {
			t.Errorf("DetectProfile = %q", p)
		}
	})
}
