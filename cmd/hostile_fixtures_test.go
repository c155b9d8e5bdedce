//go:build unix

package cmd

import (
	"archive/zip"
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/caronboard/caronboard/internal/sandbox"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// fixturePass is the passphrase of testdata/keys and of the test keystore.
const fixturePass = "fixture-passphrase"

// hostileFixtures are good inputs that belong together (a key, the
// certificate the sandbox CA issued for it, its CSR, a keystore and Freja-like
// ZIP holding them) and the hostile variants made from them on demand.
type hostileFixtures struct {
	dir, bad string
	testdata string
	sb       *sandbox.Sandbox
	path     map[string]string // good fixture name → path
	data     map[string][]byte
	made     map[string]hostileInput // slot type + kind → made variant
	n        int
}

// hostileInput is one variant of an input file.
type hostileInput struct {
	path     string
	accepted bool // the command must accept it (CRLF, BOM, a passphrase with CRLF)
}

func newHostileFixtures(t *testing.T) *hostileFixtures {
	t.Helper()
	f := &hostileFixtures{dir: t.TempDir(), bad: t.TempDir(), sb: newSandbox(t),
		path: map[string]string{}, data: map[string][]byte{}, made: map[string]hostileInput{}}
	td, err := filepath.Abs(filepath.Join("..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	f.testdata = td
	keyPEM := f.readTestdata(t, "keys/rsa2048-pkcs8.pem")
	key, _, err := keystore.ParsePrivateKey(keyPEM, nil)
	if err != nil {
		t.Fatal(err)
	}
	cert, der := signFrejaClient(t, f.sb, key, hostileNow)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	ca := f.sb.CA
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw})
	p12, err := keystore.EncodePKCS12(key, []*x509.Certificate{cert, ca}, "acme", fixturePass, keystore.P12Modern)
	if err != nil {
		t.Fatal(err)
	}
	f.add(t, "key", keyPEM, 0o600)
	f.add(t, "enckey", f.readTestdata(t, "keys/rsa2048-enc-pkcs8.pem"), 0o600)
	f.add(t, "otherkey", f.readTestdata(t, "pki/rp.key.pem"), 0o600)
	f.add(t, "pass", []byte(fixturePass+"\n"), 0o600)
	f.add(t, "newpass", []byte("a-new-passphrase\n"), 0o600)
	f.add(t, "cert", certPEM, 0o644)
	f.add(t, "ca", caPEM, 0o644)
	f.add(t, "csr", csr.EncodePEM(der), 0o644)
	f.add(t, "p12", p12, 0o600)
	f.add(t, "zip", zipOf(t, map[string][]byte{"ACME AB/ACME AB.cer": certPEM, "ACME AB/Sandbox CA.cer": ca.Raw}), 0o644)
	f.add(t, "jwscert", f.readTestdata(t, "jws/signer.pem"), 0o644)
	f.path["sbdir"] = f.sb.Dir
	f.data["token"] = bytes.TrimSpace(f.readTestdata(t, "jws/auth.jws"))
	return f
}

func (f *hostileFixtures) readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(f.testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func (f *hostileFixtures) add(t *testing.T, name string, data []byte, perm os.FileMode) {
	t.Helper()
	p := filepath.Join(f.dir, name)
	if err := os.WriteFile(p, data, perm); err != nil {
		t.Fatal(err)
	}
	f.path[name], f.data[name] = p, data
}

// zipOf makes a ZIP with the given entries, in name order.
func zipOf(t *testing.T, entries map[string][]byte) []byte {
	t.Helper()
	names := make([]string, 0, len(entries))
	for n := range entries {
		names = append(names, n)
	}
	slices.Sort(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(entries[n]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Kinds of hostile input that apply to every input file.
var fileKinds = []string{"empty", "truncated-10", "truncated-20", "truncated-30", "truncated-40", "truncated-50",
	"truncated-60", "truncated-70", "truncated-80", "truncated-90", "garbage", "directory", "fifo", "missing",
	"unreadable", "symlink-to-dev-zero", "symlink-loop", "path-through-file", "50MB"}

// Further kinds by slot type. PEM inputs must accept CRLF line ends and a
// UTF-8 byte order mark.
var slotKinds = map[string][]string{
	"key":     {"wrong-pem-type", "two-pem-blocks", "crlf", "bom", "ec", "ed25519", "rsa1024", "key-not-matching"},
	"cert":    {"wrong-pem-type", "crlf", "bom"},
	"ca":      {"wrong-pem-type", "crlf", "bom"},
	"jwscert": {"wrong-pem-type", "crlf", "bom"},
	"csr":     {"wrong-pem-type", "two-pem-blocks", "crlf", "bom"},
	"p12":     {"wrong-type", "corrupted-mac", "no-key", "several-keys", "key-not-matching"},
	"zip":     {"wrong-type", "traversal", "absolute-path", "zip-bomb", "symlink-entry", "duplicate-names", "backslash"},
	// A passphrase that is read: a wrong one, an empty file, and a trailing
	// CRLF (accepted). One that is set: only the file kinds.
	"pass":    {"wrong", "empty", "crlf"},
	"newpass": {"empty", "crlf"},
}

// kindsFor lists the hostile kinds for a slot type.
func kindsFor(slotType string) []string {
	var kinds []string
	if slotType != "pass" && slotType != "newpass" {
		kinds = append(kinds, fileKinds...)
	} else {
		kinds = append(kinds, "directory", "fifo", "missing", "unreadable", "symlink-to-dev-zero", "symlink-loop", "path-through-file", "50MB")
	}
	return append(kinds, slotKinds[slotType]...)
}

// hostile returns (making it once) the variant kind of the good fixture good,
// for a slot of type slotType.
func (f *hostileFixtures) hostile(t *testing.T, slotType, good, kind string) hostileInput {
	t.Helper()
	id := good + "/" + kind
	if in, ok := f.made[id]; ok {
		return in
	}
	f.n++
	p := filepath.Join(f.bad, strconv.Itoa(f.n)+"-"+strings.ReplaceAll(id, "/", "-"))
	data := f.data[good]
	in := hostileInput{path: p}
	write := func(b []byte) {
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	switch {
	case kind == "empty":
		write(nil)
	case strings.HasPrefix(kind, "truncated-"):
		pct, _ := strconv.Atoi(strings.TrimPrefix(kind, "truncated-"))
		write(data[:len(data)*pct/100])
	case kind == "garbage":
		r := rand.New(rand.NewPCG(7, uint64(f.n)))
		g := make([]byte, 3000)
		for i := range g {
			g[i] = byte(r.Uint32())
		}
		write(g)
	case kind == "directory":
		err = os.Mkdir(p, 0o755)
	case kind == "fifo":
		err = syscall.Mkfifo(p, 0o600)
	case kind == "missing":
	case kind == "unreadable":
		write(data)
		err = os.Chmod(p, 0)
	case kind == "symlink-to-dev-zero":
		err = os.Symlink("/dev/zero", p)
	case kind == "symlink-loop":
		err = os.Symlink(filepath.Base(p), p)
	case kind == "path-through-file":
		write(data)
		p = filepath.Join(p, "file")
		in.path = p
	case kind == "50MB":
		write(data)
		err = os.Truncate(p, 50<<20)
	case kind == "crlf":
		write(bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")))
		in.accepted = true
	case kind == "bom":
		write(append([]byte("\xef\xbb\xbf"), data...))
		in.accepted = true
	case kind == "wrong-pem-type" && (slotType == "key" || slotType == "csr"):
		write(f.data["cert"])
	case kind == "wrong-pem-type":
		write(f.data["key"])
	case kind == "wrong-type":
		write(f.data["cert"])
	case kind == "two-pem-blocks" && slotType == "key":
		write(append(append([]byte{}, data...), f.data["otherkey"]...))
	case kind == "two-pem-blocks":
		write(append(append([]byte{}, data...), data...))
	case kind == "ec":
		write(f.readTestdata(t, "keys/ec-p256.pem"))
	case kind == "ed25519":
		write(f.readTestdata(t, "keys/ed25519.pem"))
	case kind == "rsa1024":
		write(f.readTestdata(t, "keys/rsa1024-pkcs8.pem"))
	case kind == "wrong":
		write([]byte("not-the-passphrase\n"))
	case kind == "key-not-matching" && slotType == "key":
		write(f.data["otherkey"]) // a good key, but not the certificate's
	default:
		write(f.special(t, kind))
	}
	if err != nil {
		t.Fatal(err)
	}
	f.made[id] = in
	return in
}
