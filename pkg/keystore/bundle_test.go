package keystore

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadBundleFreja(t *testing.T) {
	p := testPKI(t)
	path := filepath.Join(pkiDir, "rp-bundle.zip")
	entries, all, err := ReadBundleFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"ACME AB/Freja eID Test Root.cer", "ACME AB/Freja eID Test Issuing CA.cer", "ACME AB/Freja eID Test Certificates.pem", "ACME AB/ACME AB.cer"}
	wantCounts := []int{1, 1, 2, 1}
	if len(entries) != 4 {
		t.Fatalf("got %d entries, want 4", len(entries))
	}
	for i, e := range entries {
		if e.Name != wantNames[i] || len(e.Certs) != wantCounts[i] {
			t.Errorf("entry %d: %q with %d certificates", i, e.Name, len(e.Certs))
		}
	}
	want := []*testCert{{"root", p.FrejaRoot.Cert.Raw}, {"issuing", p.FrejaIssuing.Cert.Raw}, {"rp", p.RP.Cert.Raw}}
	if len(all) != 3 {
		t.Fatalf("got %d unique certificates, want 3", len(all))
	}
	for i, w := range want {
		if !bytes.Equal(all[i].Raw, w.der) {
			t.Errorf("unique certificate %d is %s, want the %s", i, all[i].Subject, w.name)
		}
	}
}

type testCert struct {
	name string
	der  []byte
}

// zipEntry is one entry of a ZIP built by a test.
type zipEntry struct {
	name   string
	data   []byte
	mode   fs.FileMode
	method uint16
	flags  uint16
	// raw entries are written as given, with this declared size.
	raw      bool
	declared uint64
}

func buildZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: e.method, Flags: e.flags}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		if e.raw {
			var comp bytes.Buffer
			fw, _ := flate.NewWriter(&comp, flate.BestCompression)
			fw.Write(e.data)
			fw.Close()
			h.Method = zip.Deflate
			h.CRC32 = crc32.ChecksumIEEE(e.data)
			h.CompressedSize64 = uint64(comp.Len())
			h.UncompressedSize64 = e.declared
			w, err := zw.CreateRaw(h)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(comp.Bytes())
			continue
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadBundleLayouts(t *testing.T) {
	p := testPKI(t)
	root, rp := p.FrejaRoot.Cert, p.RP.Cert
	z := buildZip(t,
		zipEntry{name: "README.txt", data: []byte("not a certificate")},
		zipEntry{name: "a/b/c/deep.CER", data: root.Raw, method: zip.Deflate},
		zipEntry{name: "a/", mode: fs.ModeDir | 0o755},
		zipEntry{name: "rp.crt", data: bomCRLF(certPEM(rp))},
		zipEntry{name: "rp copy.der", data: rp.Raw},
		zipEntry{name: "__MACOSX/a/._deep.CER", data: []byte{0, 5, 22, 7, 0, 2}},
		zipEntry{name: "a/._rp.pem", data: []byte{0, 5, 22, 7}},
	)
	entries, all, err := ReadBundle(z)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 || len(all) != 2 || !all[0].Equal(root) || !all[1].Equal(rp) {
		t.Errorf("got %d entries and %d certificates", len(entries), len(all))
	}
}

func TestReadBundleRefuses(t *testing.T) {
	cert := certPEM(testPKI(t).RP.Cert)
	zeros := make([]byte, 20<<20)
	random := make([]byte, 1_000_000)
	rand.Read(random)
	many := make([]zipEntry, MaxBundleEntries+1)
	for i := range many {
		many[i] = zipEntry{name: "f" + itoa(i) + ".txt"}
	}
	tooMuch := make([]zipEntry, 9)
	for i := range tooMuch {
		tooMuch[i] = zipEntry{name: "r" + itoa(i) + ".bin", data: random, method: zip.Store}
	}
	tests := []struct {
		name    string
		entries []zipEntry
		err     error
		msg     string
	}{
		{"parent folder", []zipEntry{{name: "../evil.cer", data: cert}}, ErrUnsafeBundle, `"../evil.cer"`},
		{"parent inside", []zipEntry{{name: "ACME AB/../../evil.cer", data: cert}}, ErrUnsafeBundle, "escapes"},
		{"absolute", []zipEntry{{name: "/abs.cer", data: cert}}, ErrUnsafeBundle, "absolute"},
		{"drive letter", []zipEntry{{name: "C:/abs.cer", data: cert}}, ErrUnsafeBundle, "drive letter"},
		{"backslash", []zipEntry{{name: `ACME AB\..\evil.cer`, data: cert}}, ErrUnsafeBundle, "backslash"},
		{"symlink", []zipEntry{{name: "link.cer", data: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777}}, ErrUnsafeBundle, "symbolic link"},
		{"duplicate", []zipEntry{{name: "a.cer", data: cert}, {name: "a.cer", data: cert}}, ErrUnsafeBundle, "two entries"},
		{"duplicate in another case", []zipEntry{{name: "A/a.cer", data: cert}, {name: "a/A.CER", data: cert}}, ErrUnsafeBundle, "two entries"},
		{"too many entries", many, ErrUnsafeBundle, "entries"},
		{"20 MB of zeros", []zipEntry{{name: "bomb.cer", data: zeros, method: zip.Deflate}}, ErrUnsafeBundle, "bomb.cer"},
		{"20 MB of zeros not named .cer", []zipEntry{{name: "bomb.txt", data: zeros, method: zip.Deflate}}, ErrUnsafeBundle, "bomb.txt"},
		{"ratio bomb", []zipEntry{{name: "x.pem", data: zeros[:512<<10], method: zip.Deflate}}, ErrUnsafeBundle, "compressed more than"},
		{"total too large", tooMuch, ErrUnsafeBundle, "add up"},
		{"declared smaller than content", []zipEntry{{name: "lie.cer", data: cert, raw: true, declared: 100}}, ErrUnsafeBundle, "declares"},
		{"declared larger than content", []zipEntry{{name: "lie.cer", data: cert, raw: true, declared: 5000}}, ErrUnsafeBundle, "declares"},
		{"bomb behind a small declared size", []zipEntry{{name: "lie.cer", data: zeros, raw: true, declared: 1000}}, ErrUnsafeBundle, "declares"},
		{"encrypted entry", []zipEntry{{name: "enc.cer", data: cert, flags: 1}}, ErrMalformedBundle, "encrypted"},
		{"not a certificate", []zipEntry{{name: "ACME AB/bad.cer", data: []byte("garbage")}}, ErrNotCertificate, `"ACME AB/bad.cer"`},
		{"no certificates", []zipEntry{{name: "README.txt", data: []byte("hi")}}, ErrNotCertificate, "no certificate files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadBundle(buildZip(t, tt.entries...))
			if !errors.Is(err, tt.err) {
				t.Fatalf("got %v, want %v", err, tt.err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not mention %q", err, tt.msg)
			}
			checkPlainWords(t, err)
		})
	}
}

func TestReadBundleDamaged(t *testing.T) {
	good := buildZip(t, zipEntry{name: "a.cer", data: certPEM(testPKI(t).RP.Cert)})
	for name, data := range map[string][]byte{
		"not a zip": []byte("PK but not really"),
		"empty":     nil,
		"truncated": good[:len(good)-30],
	} {
		if _, _, err := ReadBundle(data); !errors.Is(err, ErrMalformedBundle) {
			t.Errorf("%s: got %v", name, err)
		} else {
			checkPlainWords(t, err)
		}
	}
	// An end-of-central-directory record claiming thousands of entries is
	// refused before archive/zip allocates them.
	claim := append([]byte{}, good...)
	eocd := bytes.LastIndex(claim, []byte{'P', 'K', 5, 6})
	binary.LittleEndian.PutUint16(claim[eocd+8:], 60000)
	binary.LittleEndian.PutUint16(claim[eocd+10:], 60000)
	if _, _, err := ReadBundle(claim); !errors.Is(err, ErrUnsafeBundle) {
		t.Errorf("60000 declared entries: got %v", err)
	}
	// Errors of ReadBundleFile name the file.
	path := writeTestFile(t, t.TempDir(), "bundle.zip", buildZip(t, zipEntry{name: "../x.cer"}))
	if _, _, err := ReadBundleFile(path); !errors.Is(err, ErrUnsafeBundle) || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadBundleFile: %v", err)
	}
}
