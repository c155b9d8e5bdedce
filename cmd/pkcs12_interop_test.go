package cmd

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/internal/sandbox"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// TestKeystoresFromPeerTools makes keystores holding a sandbox-issued client
// credential with the real tools — openssl 3 (empty password, -legacy, -nomac,
// -certpbe NONE), keytool (JKS with a key password apart from the store
// password, two key entries, PKCS12) and python3's cryptography
// (NoEncryption, PBESv2SHA256AndAES256CBC) — and then reads each with
// pkcs12 inspect, pings the sandbox server with it, rebuilds it with
// pkcs12 --from and loads the result in keytool, openssl, node and Python
// (whose load_pkcs12 must show the alias on the certificate).
func TestKeystoresFromPeerTools(t *testing.T) {
	isolateConfig(t)
	osl, kt, node := peerTool(t, "openssl"), peerTool(t, "keytool"), peerTool(t, "node")
	py := pythonWithCryptography(t)
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	sb, err := sandbox.Init(context.Background(), filepath.Join(dir, "sb"), now, false)
	if err != nil {
		t.Fatal(err)
	}
	cert, key := sandboxClient(t, sb, now, dir)
	caPEM := filepath.Join(sb.Dir, "ca.pem")
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	storePass, keyPass := write("store.txt", "store-pass-1"), write("key.txt", "key-pass-22")
	newPass := write("new.txt", "new-pass-333")
	run := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	p12 := func(name string, extra ...string) string {
		out := filepath.Join(dir, name)
		run(osl, append([]string{"pkcs12", "-export", "-in", cert, "-inkey", key, "-certfile", caPEM, "-name", "sbx", "-out", out}, extra...)...)
		return out
	}

	type file struct {
		name, path string
		pass       []string // flags giving the passphrase(s)
		alias      string   // --alias, for a store with two key entries
	}
	withPass := []string{"--passphrase-file", storePass}
	files := []file{
		{name: "openssl empty password", path: p12("empty.p12", "-passout", "pass:")},
		{name: "openssl -legacy (RC2)", path: p12("legacy.p12", "-legacy", "-passout", "pass:store-pass-1"), pass: withPass},
		{name: "openssl -nomac", path: p12("nomac.p12", "-nomac", "-passout", "pass:store-pass-1"), pass: withPass},
		{name: "openssl -certpbe NONE", path: p12("certpbe.p12", "-certpbe", "NONE", "-passout", "pass:store-pass-1"), pass: withPass},
	}
	src := p12("src.p12", "-passout", "pass:store-pass-1")
	jks := filepath.Join(dir, "client.jks")
	run(kt, "-importkeystore", "-noprompt", "-srckeystore", src, "-srcstoretype", "PKCS12", "-srcstorepass", "store-pass-1", "-srcalias", "sbx",
		"-destkeystore", jks, "-deststoretype", "JKS", "-deststorepass", "store-pass-1", "-destkeypass", "key-pass-22")
	files = append(files, file{name: "keytool JKS with a key password", path: jks, pass: []string{"--passphrase-file", storePass, "--key-passphrase-file", keyPass}})
	for _, st := range []string{"JKS", "PKCS12"} {
		two := filepath.Join(dir, "two-"+st)
		run(kt, "-importkeystore", "-noprompt", "-srckeystore", src, "-srcstoretype", "PKCS12", "-srcstorepass", "store-pass-1", "-srcalias", "sbx",
			"-destkeystore", two, "-deststoretype", st, "-deststorepass", "store-pass-1")
		run(kt, "-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=other", "-alias", "other", "-validity", "30",
			"-storetype", st, "-keystore", two, "-storepass", "store-pass-1", "-keypass", "store-pass-1")
		files = append(files, file{name: "keytool " + st + " with two key entries", path: two, pass: withPass, alias: "sbx"})
	}
	pyScript := `
import sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
key = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), None)
cert = x509.load_pem_x509_certificate(open(sys.argv[2], "rb").read())
ca = x509.load_pem_x509_certificate(open(sys.argv[3], "rb").read())
open(sys.argv[4], "wb").write(pkcs12.serialize_key_and_certificates(b"sbx", key, cert, [ca], serialization.NoEncryption()))
enc = serialization.PrivateFormat.PKCS12.encryption_builder().key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(hashes.SHA256()).build(b"store-pass-1")
open(sys.argv[5], "wb").write(pkcs12.serialize_key_and_certificates(b"sbx", key, cert, [ca], enc))
`
	pyPlain, pyAES := filepath.Join(dir, "py-plain.p12"), filepath.Join(dir, "py-aes.p12")
	run(py, "-c", pyScript, key, cert, caPEM, pyPlain, pyAES)
	files = append(files, file{name: "python NoEncryption", path: pyPlain}, file{name: "python PBESv2SHA256AndAES256CBC", path: pyAES, pass: withPass})

	srv, err := sb.NewServer("127.0.0.1:0", tls.VersionTLS13, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()

	cli := func(args ...string) (int, map[string]any, string) {
		a, out, errOut := testApp(nil)
		a.Now = func() time.Time { return now }
		a.NoInput = true
		code := Run(context.Background(), a, append(args, "-o", "json"))
		var obj map[string]any
		if err := json.Unmarshal(out.Bytes(), &obj); err != nil {
			t.Fatalf("not one JSON object: %v\n%s%s", err, out, errOut)
		}
		return code, obj, out.String()
	}
	for i, f := range files {
		t.Run(f.name, func(t *testing.T) {
			sel := append([]string{}, f.pass...)
			if f.alias != "" {
				if code, obj, out := cli(append([]string{"ping", "--env", "sandbox", "--addr", srv.Addr(), "--sandbox-dir", sb.Dir, "--p12", f.path}, f.pass...)...); code != exitFailed ||
					errCode(obj) != "multiple_keys" || !strings.Contains(out, `\"sbx\" (`) || !strings.Contains(out, "--alias") {
					t.Errorf("two entries without --alias: exit %d %s", code, out)
				}
				sel = append(sel, "--alias", f.alias)
			}
			code, obj, out := cli(append([]string{"pkcs12", "inspect", f.path}, f.pass...)...)
			if code != exitOK {
				t.Fatalf("inspect: exit %d %s", code, out)
			}
			entries, _ := obj["entries"].([]any)
			want := 1
			if f.alias != "" {
				want = 2
			}
			var first map[string]any
			for _, e := range entries {
				if m, _ := e.(map[string]any); m["alias"] == "sbx" {
					first = m
				}
			}
			if first == nil || len(entries) != want || len(first["chain"].([]any)) != 2 || obj["format"] != keystore.StoreFormat(mustRead(t, f.path)) {
				t.Errorf("inspect: %s", out)
			}
			if code, _, out := cli(append([]string{"ping", "--env", "sandbox", "--addr", srv.Addr(), "--sandbox-dir", sb.Dir, "--timeout", "5s", "--p12", f.path}, sel...)...); code != exitOK {
				t.Fatalf("ping: exit %d %s", code, out)
			}
			rebuilt := filepath.Join(dir, "rebuilt"+string(rune('a'+i))+".p12")
			from := []string{"pkcs12", "--from", f.path, "--out", rebuilt, "--passphrase-file", newPass}
			for j := 0; j+1 < len(sel); j++ {
				switch sel[j] {
				case "--passphrase-file":
					from = append(from, "--from-passphrase-file", sel[j+1])
				case "--key-passphrase-file", "--alias":
					from = append(from, sel[j], sel[j+1])
				}
			}
			if code, _, out := cli(from...); code != exitOK {
				t.Fatalf("pkcs12 --from: exit %d %s", code, out)
			}
			run(kt, "-list", "-storetype", "PKCS12", "-keystore", rebuilt, "-storepass", "new-pass-333", "-alias", "sbx")
			run(osl, "pkcs12", "-in", rebuilt, "-passin", "pass:new-pass-333", "-noout")
			run(node, "-e", `require("tls").createSecureContext({pfx: require("fs").readFileSync(process.argv[1]), passphrase: "new-pass-333"})`, rebuilt)
			out2, err := exec.Command(py, "-c", `import sys
from cryptography.hazmat.primitives.serialization import pkcs12
p = pkcs12.load_pkcs12(open(sys.argv[1], "rb").read(), b"new-pass-333")
print(p.cert.friendly_name.decode(), p.key is not None, len(p.additional_certs))`, rebuilt).CombinedOutput()
			if err != nil || strings.TrimSpace(string(out2)) != "sbx True 1" {
				t.Errorf("python load_pkcs12: %v %s", err, out2)
			}
		})
	}

	t.Run("JCEKS is refused with a keytool command", func(t *testing.T) {
		jceks := filepath.Join(dir, "client.jceks")
		run(kt, "-importkeystore", "-noprompt", "-srckeystore", src, "-srcstoretype", "PKCS12", "-srcstorepass", "store-pass-1",
			"-destkeystore", jceks, "-deststoretype", "JCEKS", "-deststorepass", "store-pass-1")
		code, obj, out := cli("pkcs12", "inspect", jceks, "--passphrase-file", storePass)
		if code != exitFailed || errCode(obj) != "unsupported_format" || !strings.Contains(out, "-srcstoretype JCEKS") {
			t.Errorf("exit %d %s", code, out)
		}
	})

	t.Run("truststore's OpenSSL advice works on caronboard's trust stores", func(t *testing.T) {
		for _, flags := range [][]string{{"--no-passphrase"}, {"--passphrase-file", storePass}} {
			ts := filepath.Join(t.TempDir(), "trust.p12")
			if code, _, out := cli(append([]string{"truststore", "--env", "sandbox", "--sandbox-dir", sb.Dir, "--format", "pkcs12", "--out", ts}, flags...)...); code != exitOK {
				t.Fatalf("truststore: exit %d %s", code, out)
			}
			pass := "pass:"
			if len(flags) == 2 {
				pass = "pass:store-pass-1"
			}
			run(osl, "pkcs12", "-in", ts, "-nokeys", "-passin", pass) // as printed, with the passphrase typed at the prompt
		}
	})

	t.Run("the OpenSSL 3 re-export advice works as printed", func(t *testing.T) {
		work := t.TempDir()
		data := mustRead(t, files[1].path) // the RC2 file
		if err := os.WriteFile(filepath.Join(work, "OLD.p12"), data, 0o600); err != nil {
			t.Fatal(err)
		}
		// Each command as printed, with the passphrases a user would type
		// at OpenSSL's prompts given as -passin/-passout instead.
		for _, part := range strings.Split(keystore.P12OpenSSLExport, " && ") {
			args := strings.Fields(part)
			args = append(args[1:], "-passin", "pass:store-pass-1", "-passout", "pass:new-pass-333")
			c := exec.Command(osl, args...)
			c.Dir = work
			if out, err := c.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", part, err, out)
			}
		}
		run(osl, "pkcs12", "-in", filepath.Join(work, "NEW.p12"), "-passin", "pass:new-pass-333", "-noout")
	})
}

func errCode(obj map[string]any) string {
	e, _ := obj["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// peerTool returns the path of a peer tool: it fails without it in CI and
// skips elsewhere.
func peerTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed; CI must install it for the interop tests", name)
		}
		t.Skipf("%s is not installed; skipping the interop test", name)
	}
	return p
}

// pythonWithCryptography returns a python3 that imports cryptography: the
// one on PATH, else /usr/bin/python3 (Debian's python3-cryptography, which
// CI installs).
func pythonWithCryptography(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		p, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		if exec.Command(p, "-c", "import cryptography").Run() == nil {
			t.Logf("python with cryptography: %s", p)
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no python3 with the cryptography module; CI must install python3-cryptography")
	}
	t.Skip("no python3 with the cryptography module; skipping")
	return ""
}
