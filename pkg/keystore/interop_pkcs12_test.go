package keystore

import (
	"crypto/x509"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caronboard/caronboard/internal/safefile"
)

// These tests run the real peer tools on the PKCS#12 files we write, and
// read the files they write: OpenSSL 3 (without -legacy), Java 17 keytool
// and Node.js. Without a tool they fail when CI is set and are skipped
// otherwise.

// requireTool returns the path of a peer tool.
func requireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed; CI must install it for the interop tests", name)
		}
		t.Skipf("%s is not installed; skipping the interop test (install it to run it)", name)
	}
	return path
}

// runTool runs a peer tool and returns its combined output.
func runTool(t testing.TB, name string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(requireTool(t, name), args...).CombinedOutput()
	return string(out), err
}

// keytool runs keytool with UTF-8 output, so that aliases print as they are.
func keytool(t testing.TB, args ...string) (string, error) {
	t.Helper()
	return runTool(t, "keytool", append([]string{"-J-Dfile.encoding=UTF-8", "-J-Dstdout.encoding=UTF-8", "-J-Dsun.stdout.encoding=UTF-8"}, args...)...)
}

// ourFile is one of our keystores of the relying party, as the peer tools
// get it.
type ourFile struct {
	format P12Format
	path   string
	alias  string // the friendly name the tools must show
}

// writeOurFiles writes our modern and legacy keystores with the default
// alias (the leaf's CN), a modern one with a non-ASCII alias, and the
// passphrase files.
func writeOurFiles(t *testing.T) (files []ourFile, passFile, wrongFile string) {
	dir := t.TempDir()
	passFile = writeTestFile(t, dir, "pass.txt", []byte(testP12Password))
	wrongFile = writeTestFile(t, dir, "wrong.txt", []byte("not the passphrase"))
	for i, c := range []struct {
		format      P12Format
		name, alias string
	}{
		{P12Modern, "", "Document signing service"},
		{P12Legacy, "", "Document signing service"},
		{P12Legacy, "Företag AB – signering", "Företag AB – signering"},
	} {
		path := writeTestFile(t, dir, string(c.format)+itoa(i)+".p12", encodeRP(t, c.format, c.name))
		files = append(files, ourFile{c.format, path, c.alias})
	}
	return files, passFile, wrongFile
}

func TestOpenSSLReadsOurPKCS12(t *testing.T) {
	requireTool(t, "openssl")
	files, pass, wrong := writeOurFiles(t)
	want := map[P12Format][]string{
		P12Modern: {"MAC: sha256, Iteration 2048", "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256", "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC"},
		P12Legacy: {"MAC: sha1, Iteration 1", "PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048", "Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC"},
	}
	for _, f := range files {
		t.Run(filepath.Base(f.path), func(t *testing.T) {
			// No -legacy: OpenSSL 3's default provider must be enough.
			info := mustOpenSSL(t, "pkcs12", "-in", f.path, "-passin", "file:"+pass, "-info", "-noout")
			for _, w := range want[f.format] {
				if !strings.Contains(info, w) {
					t.Errorf("openssl -info does not show %q:\n%s", w, info)
				}
			}
			out := mustOpenSSL(t, "pkcs12", "-in", f.path, "-passin", "file:"+pass, "-nodes")
			if n := strings.Count(out, "-----BEGIN CERTIFICATE-----"); n != 3 {
				t.Errorf("openssl prints %d certificates, want 3", n)
			}
			if !strings.Contains(out, "friendlyName: "+f.alias) && !strings.Contains(out, "friendlyName: "+uni2asc(f.alias)) {
				t.Errorf("openssl does not show friendlyName %q:\n%.600s", f.alias, out)
			}
			key, _, err := ParsePrivateKey([]byte(out), nil)
			if err != nil || !key.Equal(testPKI(t).RP.Key) {
				t.Errorf("the key openssl prints is not ours: %v", err)
			}
			if out, err := openssl(t, "pkcs12", "-in", f.path, "-passin", "file:"+wrong, "-noout"); err == nil {
				t.Errorf("openssl accepted a wrong passphrase:\n%s", out)
			}
		})
	}
}

// uni2asc renders a name as OpenSSL 3.0 prints a BMPString attribute: the
// low byte of each UCS-2 character ("ö" as byte F6).
func uni2asc(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}

func TestKeytoolReadsOurPKCS12(t *testing.T) {
	requireTool(t, "keytool")
	files, pass, _ := writeOurFiles(t)
	for _, f := range files {
		t.Run(filepath.Base(f.path), func(t *testing.T) {
			t.Parallel()
			out, err := keytool(t, "-list", "-v", "-storetype", "PKCS12", "-keystore", f.path, "-storepass:file", pass)
			if err != nil {
				t.Fatalf("keytool: %v\n%s", err, out)
			}
			// Java's PKCS12 keystore treats aliases case-insensitively and
			// lists them in lower case.
			for _, w := range []string{"Your keystore contains 1 entry", "Alias name: " + strings.ToLower(f.alias), "Entry type: PrivateKeyEntry", "Certificate chain length: 3"} {
				if !strings.Contains(out, w) {
					t.Errorf("keytool does not show %q:\n%.800s", w, out)
				}
			}
		})
	}
}

// nodeLoad is the Node.js check: tls.createSecureContext with the file and
// the passphrase read from a file.
const nodeLoad = `const fs = require('fs');
require('tls').createSecureContext({pfx: fs.readFileSync(process.argv[1]), passphrase: fs.readFileSync(process.argv[2], 'utf8')});
console.log('loaded with OpenSSL ' + process.versions.openssl);`

func TestNodeLoadsOurPKCS12(t *testing.T) {
	requireTool(t, "node")
	files, pass, wrong := writeOurFiles(t)
	for _, f := range files {
		t.Run(filepath.Base(f.path), func(t *testing.T) {
			out, err := runTool(t, "node", "-e", nodeLoad, f.path, pass)
			if err != nil {
				t.Fatalf("node: %v\n%s", err, out)
			}
			t.Log(strings.TrimSpace(out))
			if out, err := runTool(t, "node", "-e", nodeLoad, f.path, wrong); err == nil {
				t.Errorf("node accepted a wrong passphrase:\n%s", out)
			}
		})
	}
}

func TestWeReadOpenSSLPKCS12(t *testing.T) {
	requireTool(t, "openssl")
	p := testPKI(t)
	dir := t.TempDir()
	pass := writeTestFile(t, dir, "pass.txt", []byte(testP12Password))
	chain := writeTestFile(t, dir, "chain.pem", append(certPEM(p.FrejaIssuing.Cert), certPEM(p.FrejaRoot.Cert)...))
	modern := "PBES2 AES-256-CBC (PBKDF2 HMAC-SHA256, 2048 iterations)"
	tests := []struct {
		name             string
		args             []string
		mac              string
		certAlg, keyAlg  string
		legacy           bool
		consumersMention string
	}{
		{"default", nil, "HMAC-SHA256", modern, modern, false, "Windows Server 2019"},
		{"legacy", []string{"-legacy"}, "HMAC-SHA1", "pbeWithSHAAnd40BitRC2-CBC", "pbeWithSHAAnd3-KeyTripleDES-CBC", true, "-legacy"},
		{"descert", []string{"-descert"}, "HMAC-SHA256", "pbeWithSHAAnd3-KeyTripleDES-CBC", modern, true, "Windows Server 2019"},
		{"unencrypted", []string{"-keypbe", "NONE", "-certpbe", "NONE"}, "HMAC-SHA256", "none", "none (the private key is not encrypted)", false, "the private key in it is not encrypted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, tt.name+".p12")
			args := append([]string{"pkcs12", "-export", "-in", filepath.Join(pkiDir, "rp.pem"), "-inkey", filepath.Join(pkiDir, "rp.key.pem"),
				"-certfile", chain, "-name", "rp alias", "-passout", "file:" + pass, "-out", out}, tt.args...)
			if msg, err := openssl(t, args...); err != nil {
				if os.Getenv("CI") == "" && tt.name == "legacy" {
					t.Skipf("this openssl cannot write -legacy files (legacy provider missing?): %s", msg)
				}
				t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, msg)
			}
			data, err := safefile.ReadFile(out, 0)
			if err != nil {
				t.Fatal(err)
			}
			c, err := DecodePKCS12(data, testP12Password)
			if err != nil {
				t.Fatal(err)
			}
			if !c.KeyMatchesLeaf || !c.Leaf.Equal(p.RP.Cert) || len(c.CACerts) != 2 || c.FriendlyName != "rp alias" {
				t.Errorf("leaf %s, %d CA certificates, alias %q, key matches %v", c.Leaf.Subject, len(c.CACerts), c.FriendlyName, c.KeyMatchesLeaf)
			}
			i := c.Info
			if i.MACAlgorithm != tt.mac || i.MACIterations != 2048 || i.CertEncryption != tt.certAlg || i.KeyEncryption != tt.keyAlg ||
				i.Legacy != tt.legacy || !strings.Contains(i.Consumers, tt.consumersMention) {
				t.Errorf("info %+v", i)
			}
			if _, err := DecodePKCS12(data, "wrong"); !errors.Is(err, ErrWrongPassphrase) {
				t.Errorf("wrong passphrase: %v", err)
			}
		})
	}
}

func TestWeReadKeytoolPKCS12(t *testing.T) {
	requireTool(t, "keytool")
	path := filepath.Join(t.TempDir(), "keytool.p12")
	out, err := keytool(t, "-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-storetype", "PKCS12", "-dname", "CN=x",
		"-alias", "mykey", "-validity", "2", "-keystore", path, "-storepass", testP12Password, "-keypass", testP12Password)
	if err != nil {
		t.Fatalf("keytool: %v\n%s", err, out)
	}
	data, err := safefile.ReadFile(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	c, err := DecodePKCS12(data, testP12Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RSAKey(); err != nil || !c.KeyMatchesLeaf || c.Leaf.Subject.CommonName != "x" || c.FriendlyName != "mykey" || len(c.CACerts) != 0 {
		t.Errorf("leaf %s, alias %q, key matches %v, %v", c.Leaf.Subject, c.FriendlyName, c.KeyMatchesLeaf, err)
	}
	// Java 17 (since 17.0.? / 11.0.12 / 8u301) writes PBES2 AES-256 and an
	// HMAC-SHA256 MAC with 10 000 iterations.
	i := c.Info
	if i.MACAlgorithm != "HMAC-SHA256" || !strings.Contains(i.CertEncryption, "AES-256-CBC") || !strings.Contains(i.KeyEncryption, "AES-256-CBC") || i.Legacy {
		t.Errorf("info %+v", i)
	}
	t.Logf("keytool wrote: %+v", i)
}

const frejaVectors = "../../../shared/vectors/freja"

// TestFrejaVectors reads Freja's public test relying-party credential, as
// Freja handed it out (BER, RC2-40 certificates, 3DES key, SHA-1 MAC) and
// re-packed with AES-256. The files live outside the repository.
func TestFrejaVectors(t *testing.T) {
	if _, err := os.Stat(frejaVectors); err != nil {
		t.Skipf("the Freja vectors are not present at %s (they live outside the repository); skipping", frejaVectors)
	}
	tests := []struct {
		file            string
		mac             string
		macIter         int
		certAlg, keyAlg string
		legacy          bool
	}{
		{"test-rp-client-legacy-rc2.pfx", "HMAC-SHA1", 2000, "pbeWithSHAAnd40BitRC2-CBC", "pbeWithSHAAnd3-KeyTripleDES-CBC", true},
		{"test-rp-client-aes256.pfx", "HMAC-SHA256", 2048, "PBES2 AES-256-CBC (PBKDF2 HMAC-SHA256, 2048 iterations)", "PBES2 AES-256-CBC (PBKDF2 HMAC-SHA256, 2048 iterations)", false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(frejaVectors, tt.file)
			data, err := safefile.ReadFile(path, 0)
			if err != nil {
				t.Fatal(err)
			}
			info, err := InspectPKCS12(data)
			if err != nil {
				t.Fatal(err)
			}
			if info.MACAlgorithm != tt.mac || info.MACIterations != tt.macIter || info.CertEncryption != tt.certAlg || info.KeyEncryption != tt.keyAlg || info.Legacy != tt.legacy {
				t.Errorf("info %+v", info)
			}
			c, err := DecodePKCS12(data, "test")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.RSAKey(); err != nil || !c.KeyMatchesLeaf || c.Leaf.Subject.CommonName != "Integration Test" || len(c.CACerts) != 2 || c.Info != info {
				t.Errorf("leaf %s, %d CA certificates, key matches %v, %v", c.Leaf.Subject, len(c.CACerts), c.KeyMatchesLeaf, err)
			}
			if _, err := DecodePKCS12(data, "wrong"); !errors.Is(err, ErrWrongPassphrase) {
				t.Errorf("wrong passphrase: %v", err)
			}
			// Re-packing it with our encoder gives a file the tools read.
			key, _ := c.RSAKey()
			if _, err := EncodePKCS12(key, append([]*x509.Certificate{c.Leaf}, c.CACerts...), "", "test", P12Modern); err != nil {
				t.Errorf("re-packing: %v", err)
			}
		})
	}
	// Node.js (OpenSSL 3 without the legacy provider) cannot load the RC2
	// original: why we never write RC2. Reported, not asserted.
	if _, err := exec.LookPath("node"); err == nil {
		out, _ := runTool(t, "node", "-e", nodeLoad, filepath.Join(frejaVectors, "test-rp-client-legacy-rc2.pfx"), writeTestFile(t, t.TempDir(), "p", []byte("test")))
		t.Logf("node on the RC2 vector: %s", strings.TrimSpace(firstLine(out)))
	}
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "Error") || strings.Contains(l, "loaded") {
			return l
		}
	}
	s, _, _ = strings.Cut(s, "\n")
	return s
}
