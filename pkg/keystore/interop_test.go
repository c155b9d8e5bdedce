package keystore

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caronboard/caronboard/internal/safefile"
)

// These tests run the real openssl binary: it must read what we write, and
// we must read what it writes. Without openssl they fail when CI is set and
// are skipped otherwise.

// TestOpenSSLReadsOurKeys: OpenSSL reads our encrypted 4096-bit key (the one
// 4096-bit generation of the suite) and our unencrypted key, reports the
// right size, rejects a wrong passphrase, and sees the PBES2 parameters the
// design requires.
func TestOpenSSLReadsOurKeys(t *testing.T) {
	requireOpenSSL(t)
	dir := t.TempDir()
	pw := []byte("interop passphrase")
	passFile := writeTestFile(t, dir, "pass.txt", append(pw, '\n'))
	wrongFile := writeTestFile(t, dir, "wrong.txt", []byte("not it\n"))

	key, err := Generate(context.Background(), 4096, 0)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := EncodePrivateKey(key, pw)
	if err != nil {
		t.Fatal(err)
	}
	encPath := filepath.Join(dir, "key.pem")
	if err := safefile.WriteFile(encPath, enc, 0o600, false); err != nil {
		t.Fatal(err)
	}
	out := mustOpenSSL(t, "pkey", "-in", encPath, "-passin", "file:"+passFile, "-noout", "-text")
	if !strings.Contains(out, "Private-Key: (4096 bit") {
		t.Errorf("openssl does not report a 4096-bit key:\n%.300s", out)
	}
	if out, err := openssl(t, "pkey", "-in", encPath, "-passin", "file:"+wrongFile, "-noout"); err == nil {
		t.Errorf("openssl accepted a wrong passphrase:\n%s", out)
	}
	modulus := mustOpenSSL(t, "rsa", "-in", encPath, "-passin", "file:"+passFile, "-modulus", "-noout")
	if want := fmt.Sprintf("Modulus=%X", key.N); strings.TrimSpace(modulus) != want {
		t.Error("openssl prints another modulus than the key we wrote")
	}

	asn := mustOpenSSL(t, "asn1parse", "-in", encPath)
	for _, want := range []string{":PBES2", ":PBKDF2", ":hmacWithSHA256", ":aes-256-cbc"} {
		if !strings.Contains(asn, want) {
			t.Errorf("openssl asn1parse does not show %s:\n%s", want, asn[:min(len(asn), 1200)])
		}
	}

	plain, err := EncodePrivateKey(referenceKey(t, 2048), nil)
	if err != nil {
		t.Fatal(err)
	}
	plainPath := writeTestFile(t, dir, "plain.pem", plain)
	out = mustOpenSSL(t, "pkey", "-in", plainPath, "-noout", "-text")
	if !strings.Contains(out, "Private-Key: (2048 bit") {
		t.Errorf("openssl does not report a 2048-bit key:\n%.300s", out)
	}
	mustOpenSSL(t, "rsa", "-in", plainPath, "-check", "-noout")
}

// TestWeReadOpenSSLKeys generates keys with openssl in every form it writes
// and compares our modulus with the one openssl prints.
func TestWeReadOpenSSLKeys(t *testing.T) {
	requireOpenSSL(t)
	dir := t.TempDir()
	pw := []byte("openssl-made")
	passFile := writeTestFile(t, dir, "pass.txt", append(pw, '\n'))
	// openssl reads -passin and -passout from one file as two lines, so the
	// conversions write with a second copy.
	outFile := writeTestFile(t, dir, "passout.txt", append(pw, '\n'))
	path := func(name string) string { return filepath.Join(dir, name) }

	// Two fresh keys, as OpenSSL 3 genrsa writes them; the other forms are
	// conversions of the first.
	mustOpenSSL(t, "genrsa", "-aes256", "-passout", "file:"+passFile, "-out", path("genrsa-aes256.pem"), "2048")
	mustOpenSSL(t, "genrsa", "-traditional", "-aes256", "-passout", "file:"+passFile, "-out", path("genrsa-traditional-aes256.pem"), "2048")
	mustOpenSSL(t, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-aes-128-cbc", "-pass", "file:"+passFile, "-out", path("genpkey-aes128.pem"))
	src := []string{"-in", path("genrsa-aes256.pem"), "-passin", "file:" + passFile}
	conversions := [][]string{
		{"pkey", "-out", path("pkcs8.pem")},
		{"rsa", "-traditional", "-out", path("pkcs1.pem")},
		{"pkcs8", "-topk8", "-nocrypt", "-outform", "DER", "-out", path("pkcs8.der")},
		{"rsa", "-traditional", "-outform", "DER", "-out", path("pkcs1.der")},
		{"pkcs8", "-topk8", "-v2", "des3", "-passout", "file:" + outFile, "-out", path("pkcs8-3des.pem")},
		{"pkcs8", "-topk8", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1", "-passout", "file:" + outFile, "-out", path("pkcs8-sha1prf.pem")},
		{"pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", "file:" + outFile, "-outform", "DER", "-out", path("pkcs8-enc.der")},
		{"rsa", "-traditional", "-des3", "-passout", "file:" + outFile, "-out", path("legacy-des3.pem")},
		{"rsa", "-traditional", "-aes128", "-passout", "file:" + outFile, "-out", path("legacy-aes128.pem")},
		{"pkcs8", "-topk8", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA512", "-passout", "file:" + outFile, "-out", path("pkcs8-sha512.pem")},
		{"pkcs8", "-topk8", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA224", "-passout", "file:" + outFile, "-out", path("pkcs8-sha224.pem")},
		{"pkcs8", "-topk8", "-v2", "aes-192-cbc", "-v2prf", "hmacWithSHA384", "-passout", "file:" + outFile, "-out", path("pkcs8-sha384.pem")},
		{"pkcs8", "-topk8", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA512", "-passout", "file:" + outFile, "-out", path("pkcs8-aes128-sha512.pem")},
		{"pkcs8", "-topk8", "-v2", "des3", "-v2prf", "hmacWithSHA1", "-passout", "file:" + outFile, "-out", path("pkcs8-3des-sha1.pem")},
		{"pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-passout", "file:" + outFile, "-out", path("pkcs8-pbes1.pem")},
		{"pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-passout", "file:" + outFile, "-outform", "DER", "-out", path("pkcs8-pbes1.der")},
		{"pkcs8", "-topk8", "-v1", "PBE-SHA1-2DES", "-passout", "file:" + outFile, "-out", path("pkcs8-pbes1-2des.pem")},
		{"pkcs8", "-topk8", "-scrypt", "-passout", "file:" + outFile, "-out", path("pkcs8-scrypt.pem")},
		{"pkcs8", "-topk8", "-scrypt", "-v2", "aes-128-cbc", "-scrypt_N", "1024", "-scrypt_r", "8", "-scrypt_p", "2", "-passout", "file:" + outFile, "-out", path("pkcs8-scrypt-aes128.pem")},
		{"pkcs8", "-topk8", "-v2", "des-cbc", "-provider", "legacy", "-provider", "default", "-passout", "file:" + outFile, "-out", path("pkcs8-des.pem")},
		{"rsa", "-traditional", "-aes256", "-passout", "file:" + outFile, "-out", path("legacy-aes256.pem")},
	}
	for _, args := range conversions {
		// openssl COMMAND -in SRC -passin … OPTIONS
		mustOpenSSL(t, append(append([]string{args[0]}, src...), args[1:]...)...)
	}
	// A PKCS#12 file, and what `openssl pkcs12 -nodes` prints from it: bag
	// attributes, the key and the certificate in one PEM file.
	mustOpenSSL(t, "req", "-x509", "-new", "-key", path("pkcs8.pem"), "-subj", "/CN=interop", "-days", "1", "-out", path("cert.pem"))
	mustOpenSSL(t, "pkcs12", "-export", "-inkey", path("pkcs8.pem"), "-in", path("cert.pem"), "-passout", "file:"+outFile, "-out", path("bundle.p12"))
	mustOpenSSL(t, "pkcs12", "-in", path("bundle.p12"), "-passin", "file:"+passFile, "-nodes", "-out", path("pkcs12-nodes.pem"))
	// Far too small: crypto/rsa itself refuses it, we must say why in words.
	mustOpenSSL(t, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512", "-out", path("rsa512.pem"))
	mustOpenSSL(t, "rsa", "-in", path("rsa512.pem"), "-traditional", "-outform", "DER", "-out", path("rsa512.der"))

	tests := []struct {
		file      string
		format    string
		encrypted bool
		want      error
	}{
		{"genrsa-aes256.pem", FormatEncryptedPKCS8, true, nil},
		{"genrsa-traditional-aes256.pem", FormatLegacyEncrypted, true, nil},
		{"genpkey-aes128.pem", FormatEncryptedPKCS8, true, nil},
		{"pkcs8.pem", FormatPKCS8, false, nil},
		{"pkcs1.pem", FormatPKCS1, false, nil},
		{"pkcs8.der", FormatPKCS8DER, false, nil},
		{"pkcs1.der", FormatPKCS1DER, false, nil},
		{"pkcs8-3des.pem", FormatEncryptedPKCS8, true, nil},
		{"pkcs8-sha1prf.pem", FormatEncryptedPKCS8, true, nil},
		{"pkcs8-enc.der", FormatEncryptedPKCS8DER, true, nil},
		{"legacy-des3.pem", FormatLegacyEncrypted, true, nil},
		{"legacy-aes128.pem", FormatLegacyEncrypted, true, nil},
		{"pkcs12-nodes.pem", FormatPKCS8, false, nil},
		{"bundle.p12", "", false, ErrUnsupportedFormat},
		{"cert.pem", "", false, ErrNoPrivateKey},
		{"rsa512.pem", "", false, ErrKeySize},
		{"rsa512.der", "", false, ErrKeySize},
		{"pkcs8-sha512.pem", FormatEncryptedPKCS8, true, nil},
		{"pkcs8-sha224.pem", FormatEncryptedPKCS8, true, nil},
		{"pkcs8-sha384.pem", FormatEncryptedPKCS8, true, nil},
		{"pkcs8-aes128-sha512.pem", FormatEncryptedPKCS8, true, nil},
		{"pkcs8-3des-sha1.pem", FormatEncryptedPKCS8, true, nil},
		{"pkcs8-pbes1.pem", FormatEncryptedPKCS8, true, nil},
		{"pkcs8-pbes1.der", FormatEncryptedPKCS8DER, true, nil},
		{"pkcs8-pbes1-2des.pem", FormatEncryptedPKCS8, true, nil},
		{"pkcs8-scrypt.pem", FormatEncryptedPKCS8, true, nil},
		{"pkcs8-scrypt-aes128.pem", FormatEncryptedPKCS8, true, nil},
		{"pkcs8-des.pem", FormatEncryptedPKCS8, true, nil},
		{"legacy-aes256.pem", FormatLegacyEncrypted, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := safefile.ReadFile(path(tt.file), 0)
			if err != nil {
				t.Fatal(err)
			}
			key, info, err := ParsePrivateKey(data, staticPass(pw, nil))
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("got %v, want %v", err, tt.want)
				}
				checkPlainMessage(t, err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if info.Format != tt.format || info.Encrypted != tt.encrypted || info.Bits != 2048 {
				t.Errorf("info = %+v", info)
			}
			// The legacy provider for DES-CBC; harmless for the others.
			args := []string{"rsa", "-in", path(tt.file), "-passin", "file:" + passFile, "-modulus", "-noout", "-provider", "legacy", "-provider", "default"}
			if strings.HasSuffix(tt.file, ".der") {
				args = append(args, "-inform", "DER")
			}
			modulus := strings.TrimSpace(mustOpenSSL(t, args...))
			if want := fmt.Sprintf("Modulus=%X", key.N); modulus != want {
				t.Errorf("modulus differs from openssl's:\nours    %.40s…\nopenssl %.40s…", want, modulus)
			}
		})
	}
}

// TestOpenSSLConvertsRefusedKeys makes keys with the schemes we refuse (RC2,
// MD5-DES, SHA1-RC2) with openssl, checks the refusal's hint, runs the
// command of the hint exactly as printed (OLD and NEW replaced by paths, the
// passphrases given as files because there is no terminal) and reads the
// result.
func TestOpenSSLConvertsRefusedKeys(t *testing.T) {
	requireOpenSSL(t)
	dir := t.TempDir()
	pw := []byte("openssl-made")
	passFile := writeTestFile(t, dir, "pass.txt", append(pw, '\n'))
	outFile := writeTestFile(t, dir, "passout.txt", append(pw, '\n'))
	path := func(name string) string { return filepath.Join(dir, name) }
	mustOpenSSL(t, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path("plain.pem"))
	legacy := []string{"-provider", "legacy", "-provider", "default"}
	schemes := map[string][]string{
		"rc2.pem":       {"-v2", "rc2-cbc"},
		"md5-des.pem":   {"-v1", "PBE-MD5-DES"},
		"sha1-rc2.pem":  {"-v1", "PBE-SHA1-RC2-40"},
		"sha1-des.pem":  {"-v1", "PBE-SHA1-DES"},
		"sha1-rc4.pem":  {"-v1", "PBE-SHA1-RC4-128"},
		"legacy-bf.pem": nil, // legacy PEM with Blowfish, made below
	}
	for name, args := range schemes {
		if args == nil {
			continue
		}
		cmd := append([]string{"pkcs8", "-topk8", "-in", path("plain.pem"), "-passout", "file:" + passFile, "-out", path(name)}, args...)
		mustOpenSSL(t, append(cmd, legacy...)...)
	}
	mustOpenSSL(t, append([]string{"rsa", "-traditional", "-bf", "-in", path("plain.pem"), "-passout", "file:" + passFile, "-out", path("legacy-bf.pem")}, legacy...)...)

	for name := range schemes {
		t.Run(name, func(t *testing.T) {
			data, err := safefile.ReadFile(path(name), 0)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = ParsePrivateKey(data, staticPass(pw, nil))
			if !errors.Is(err, ErrUnsupportedFormat) {
				t.Fatalf("got %v, want ErrUnsupportedFormat", err)
			}
			hint := hintOf(err)
			command, ok := strings.CutPrefix(hint, "convert a copy with: ")
			if !ok {
				t.Fatalf("hint %q gives no command", hint)
			}
			words := strings.Fields(command)
			if words[0] != "openssl" {
				t.Fatalf("hint command %q", command)
			}
			out := path("new-" + name)
			for i, w := range words {
				switch w {
				case "OLD":
					words[i] = path(name)
				case "NEW":
					words[i] = out
				}
			}
			mustOpenSSL(t, append(words[1:], "-passin", "file:"+passFile, "-passout", "file:"+outFile)...)
			converted, err := safefile.ReadFile(out, 0)
			if err != nil {
				t.Fatal(err)
			}
			key, info, err := ParsePrivateKey(converted, staticPass(pw, nil))
			if err != nil {
				t.Fatalf("reading the converted key: %v", err)
			}
			modulus := strings.TrimSpace(mustOpenSSL(t, "rsa", "-in", path("plain.pem"), "-modulus", "-noout"))
			if want := fmt.Sprintf("Modulus=%X", key.N); modulus != want || info.Format != FormatEncryptedPKCS8 {
				t.Errorf("converted key differs from the original (format %s)", info.Format)
			}
		})
	}
}
