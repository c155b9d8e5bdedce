package keystore

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Keystores made by the real tools, read with OpenStore: keytool JKS, JCEKS
// and PKCS12 (one and two key entries, a key password apart from the store
// password), openssl 3 (empty password, -legacy, -nomac, -certpbe NONE) and
// python3's cryptography (NoEncryption, PBESv2SHA256AndAES256CBC).

func keytoolStore(t *testing.T, path, storetype, storepass, keypass string, aliases ...string) {
	t.Helper()
	for _, alias := range aliases {
		out, err := keytool(t, "-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-storetype", storetype,
			"-dname", "CN="+alias, "-alias", alias, "-validity", "30", "-keystore", path, "-storepass", storepass, "-keypass", keypass)
		if err != nil {
			t.Fatalf("keytool: %v\n%s", err, out)
		}
	}
}

func openFile(t *testing.T, path string, pw StorePasswords) (*Store, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return OpenStore(context.Background(), data, pw)
}

func TestOpenStoreKeytool(t *testing.T) {
	requireTool(t, "keytool")
	dir := t.TempDir()
	for _, tc := range []struct {
		name, storetype, keypass string
		aliases                  []string
		format                   string
	}{
		{"jks", "JKS", "storepass1", []string{"one"}, FormatJKS},
		{"jks-keypass", "JKS", "keypass22", []string{"one"}, FormatJKS},
		{"jks-two", "JKS", "storepass1", []string{"old", "new"}, FormatJKS},
		{"p12-two", "PKCS12", "storepass1", []string{"old", "new"}, FormatPKCS12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".ks")
			keytoolStore(t, path, tc.storetype, "storepass1", tc.keypass, tc.aliases...)
			var pw StorePasswords
			pw.Store = "storepass1"
			if tc.keypass != pw.Store {
				if _, err := openFile(t, path, pw); !errors.Is(err, ErrWrongPassphrase) || !strings.Contains(err.Error(), "--key-passphrase-file") {
					t.Fatalf("without the key password: %v", err)
				}
				pw.KeyPassword = &tc.keypass
			}
			st, err := openFile(t, path, pw)
			if err != nil {
				t.Fatal(err)
			}
			if st.Format != tc.format || len(st.Keys) != len(tc.aliases) || len(st.Others) != 0 {
				t.Fatalf("format %s, %d keys, %d others", st.Format, len(st.Keys), len(st.Others))
			}
			for i, alias := range tc.aliases {
				k := st.Keys[i]
				if k.Alias != alias || len(k.Chain) != 1 || k.Chain[0].Subject.CommonName != alias {
					t.Errorf("entry %d: alias %q, chain %d", i, k.Alias, len(k.Chain))
				}
			}
			_, err = st.Entry("")
			if len(tc.aliases) > 1 {
				if !errors.Is(err, ErrMultipleKeys) || !strings.Contains(err.Error(), `"old" (CN=old, expires`) {
					t.Errorf("Entry(\"\"): %v", err)
				}
				if e, err := st.Entry("new"); err != nil || e.Alias != "new" {
					t.Errorf("Entry(new): %v", err)
				}
			} else if err != nil {
				t.Error(err)
			}
			if _, err := st.Entry("nope"); !errors.Is(err, ErrNoSuchAlias) {
				t.Errorf("Entry(nope): %v", err)
			}
			pw.Store = "wrong-pass"
			if _, err := openFile(t, path, pw); !errors.Is(err, ErrWrongPassphrase) {
				t.Errorf("wrong store password: %v", err)
			}
		})
	}
	t.Run("jceks", func(t *testing.T) {
		path := filepath.Join(dir, "store.jceks")
		keytoolStore(t, path, "JCEKS", "storepass1", "storepass1", "one")
		_, err := openFile(t, path, StorePasswords{Store: "storepass1"})
		if !errors.Is(err, ErrUnsupportedFormat) || !strings.Contains(err.Error(), "-srcstoretype JCEKS") {
			t.Errorf("JCEKS: %v", err)
		}
	})
	t.Run("truststore", func(t *testing.T) {
		src := filepath.Join(dir, "src.jks")
		keytoolStore(t, src, "JKS", "storepass1", "storepass1", "ca")
		cer := filepath.Join(dir, "ca.cer")
		if out, err := keytool(t, "-exportcert", "-alias", "ca", "-keystore", src, "-storepass", "storepass1", "-file", cer); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		for _, st := range []string{"JKS", "PKCS12"} {
			path := filepath.Join(dir, "trust-"+st)
			if out, err := keytool(t, "-importcert", "-noprompt", "-alias", "myca", "-file", cer, "-storetype", st, "-keystore", path, "-storepass", "storepass1"); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			s, err := openFile(t, path, StorePasswords{Store: "storepass1"})
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Keys) != 0 || len(s.Trusted) != 1 || s.Trusted[0].Alias != "myca" || s.Trusted[0].Cert.Subject.CommonName != "ca" {
				t.Errorf("%s: %+v", st, s)
			}
		}
	})
}

func TestOpenStoreOpenSSL(t *testing.T) {
	requireOpenSSL(t)
	dir := t.TempDir()
	key := filepath.Join(dir, "k.pem")
	cert := filepath.Join(dir, "c.pem")
	mustOpenSSL(t, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-subj", "/CN=osl", "-days", "30")
	for _, tc := range []struct {
		name string
		args []string
		pass string
	}{
		{"empty", []string{"-passout", "pass:"}, ""},
		{"legacy", []string{"-legacy", "-passout", "pass:pw123"}, "pw123"},
		{"nomac", []string{"-nomac", "-passout", "pass:pw123"}, "pw123"},
		{"certpbe-none", []string{"-certpbe", "NONE", "-passout", "pass:pw123"}, "pw123"},
		{"empty-legacy", []string{"-legacy", "-passout", "pass:"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, tc.name+".p12")
			mustOpenSSL(t, append([]string{"pkcs12", "-export", "-in", cert, "-inkey", key, "-name", "osl-alias", "-out", out}, tc.args...)...)
			st, err := openFile(t, out, StorePasswords{Store: tc.pass})
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Keys) != 1 || st.Keys[0].Alias != "osl-alias" || len(st.Keys[0].Chain) != 1 {
				t.Errorf("%+v", st.Keys)
			}
			if tc.pass != "" {
				if _, err := openFile(t, out, StorePasswords{Store: "not-it"}); !errors.Is(err, ErrWrongPassphrase) {
					t.Errorf("wrong password: %v", err)
				}
			}
		})
	}
}

func TestOpenStorePython(t *testing.T) {
	// The python3 on PATH, else Debian's /usr/bin/python3 (CI installs
	// python3-cryptography when neither has the module).
	requireTool(t, "python3")
	py := ""
	for _, cand := range []string{"python3", "/usr/bin/python3"} {
		if p, err := exec.LookPath(cand); err == nil && exec.Command(p, "-c", "import cryptography").Run() == nil {
			py = p
			break
		}
	}
	if py == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no python3 with the cryptography module; CI must install python3-cryptography")
		}
		t.Skip("no python3 with the cryptography module")
	}
	t.Logf("python3 with cryptography: %s", py)
	dir := t.TempDir()
	script := `
import sys, datetime
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12, BestAvailableEncryption, NoEncryption, PrivateFormat
k = rsa.generate_private_key(public_exponent=65537, key_size=2048)
n = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "py")])
now = datetime.datetime(2026, 1, 1)
c = x509.CertificateBuilder().subject_name(n).issuer_name(n).public_key(k.public_key()).serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650)).sign(k, hashes.SHA256())
open(sys.argv[1], "wb").write(pkcs12.serialize_key_and_certificates(b"pyalias", k, c, None, NoEncryption()))
enc = PrivateFormat.PKCS12.encryption_builder().key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(hashes.SHA256()).build(b"pypass")
open(sys.argv[2], "wb").write(pkcs12.serialize_key_and_certificates(b"pyalias", k, c, None, enc))
`
	plain, aes := filepath.Join(dir, "plain.p12"), filepath.Join(dir, "aes.p12")
	if out, err := runTool(t, py, "-c", script, plain, aes); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for path, pass := range map[string]string{plain: "", aes: "pypass"} {
		st, err := openFile(t, path, StorePasswords{Store: pass})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(st.Keys) != 1 || st.Keys[0].Alias != "pyalias" || len(st.Keys[0].Chain) != 1 {
			t.Errorf("%s: %+v", path, st.Keys)
		}
	}
}

// TestPKCS7HintWorksAsPrinted runs the conversion command ParseCertificates
// suggests for a PKCS#7 file with OpenSSL 3 and reads its result.
func TestPKCS7HintWorksAsPrinted(t *testing.T) {
	requireOpenSSL(t)
	dir := t.TempDir()
	cert := writeTestFile(t, dir, "c.pem", certPEM(testPKI(t).RP.Cert))
	p7 := filepath.Join(dir, "FILE")
	mustOpenSSL(t, "crl2pkcs7", "-nocrl", "-certfile", cert, "-out", p7)
	_, err := ParseCertificates(mustReadFile(t, p7))
	const want = "openssl pkcs7 -print_certs -in FILE -out certs.pem"
	if err == nil || !strings.Contains(notCertHint([]string{"PKCS7"}), want) {
		t.Fatalf("PKCS#7 input: %v", err)
	}
	c := exec.Command("openssl", strings.Fields(want)[1:]...)
	c.Dir = dir
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", want, err, out)
	}
	if certs, err := ParseCertificates(mustReadFile(t, filepath.Join(dir, "certs.pem"))); err != nil || len(certs) != 1 {
		t.Errorf("certs.pem: %d certificates, %v", len(certs), err)
	}
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
