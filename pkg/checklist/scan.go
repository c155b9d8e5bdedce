package checklist

import (
	"archive/zip"
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/frejarp"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// Kind is what a file in the folder holds, recognised by its content.
type Kind string

// The kinds Scan recognises. Files of no kind are ignored.
const (
	KindKey         Kind = "key"         // a private key (PEM or DER, encrypted or not)
	KindCSR         Kind = "csr"         // a certificate signing request
	KindCertificate Kind = "certificate" // certificates, at least one not a CA (a client certificate)
	KindCA          Kind = "ca"          // CA certificates only
	KindKeystore    Kind = "keystore"    // a PKCS#12 file with a private key
	KindTrustStore  Kind = "truststore"  // a PKCS#12 trust store
	KindBundle      Kind = "bundle"      // a ZIP of certificates (Freja partner support's)
	KindCSRZip      Kind = "csr_zip"     // a ZIP holding a CSR (csr --zip), ready to mail
	KindLogo        Kind = "logo"        // a logo file for Freja (named logo*, or .ai/.eps)
	KindOther       Kind = "other"       // none of the above
)

// Limits of what Scan reads.
const (
	maxLogoSize          = 64 << 20 // the largest logo read
	maxScanFiles         = 500      // recognised files kept from one folder
	maxZipListSize       = 8 << 20  // the largest ZIP listed for a CSR
	keystoreReadLimit    = 4 << 20  // the largest PKCS#12 or ZIP read
	certificateFileLimit = keystore.MaxInputSize
)

// File is one recognised file of the folder.
type File struct {
	Path    string      `json:"path"`
	Name    string      `json:"name"`
	Kind    Kind        `json:"kind"`
	Mode    fs.FileMode `json:"-"`
	ModTime time.Time   `json:"-"`

	// Keys: how the key is stored; Public only when it is not encrypted
	// (an encrypted key's public half is inside the encryption too).
	KeyFormat    string           `json:"-"`
	KeyEncrypted bool             `json:"-"`
	KeyBits      int              `json:"-"`
	Public       crypto.PublicKey `json:"-"`
	// Problem is why a file that looks like a key, CSR, certificate or
	// keystore could not be used (damaged, not RSA…).
	Problem string `json:"problem,omitempty"`

	CSR   *x509.CertificateRequest `json:"-"`
	Certs []*x509.Certificate      `json:"-"` // certificates, CA certificates, bundle contents
	P12   keystore.P12Summary      `json:"-"`
	// TrustCerts are the certificates of a password-less trust store.
	TrustCerts []*x509.Certificate `json:"-"`
	Logo       *frejarp.Result     `json:"-"`
}

// Folder is what Scan found in a folder.
type Folder struct {
	Dir   string
	Files []*File
	// Examined counts the files Scan opened and read, recognised or not.
	Examined int
	// Leftovers are the temporary files of interrupted writes found in the
	// folder (names matching safefile.TempGlob): safe to delete, and removed
	// by the next write to their target once a minute old.
	Leftovers []string
	// Truncated is set when the folder holds more than Scan looks at (see
	// scanLimits): the files listed are then those found first.
	Truncated bool
}

// scanLimits bound what Scan reads in a folder, recognised files or not, so
// that a folder of 100 000 unrelated files costs no more than a few thousand.
type scanLimits struct {
	entries  int // directory entries listed
	examined int // regular files opened and read
	kept     int // recognised files kept
}

var defaultScanLimits = scanLimits{entries: 10000, examined: 2000, kept: maxScanFiles}

// Of returns the files of one kind, in name order.
func (f *Folder) Of(k Kind) []*File {
	var out []*File
	for _, file := range f.Files {
		if file.Kind == k {
			out = append(out, file)
		}
	}
	return out
}

// Scan reads the regular files directly in dir (not in subfolders, so a
// sandbox or backup folder inside does not count) and recognises each by its
// content, trying the parser its name suggests first (.key, .csr, .cer,
// .crt, .pem, .der, .p12, .pfx, .zip): private keys, CSRs, certificates
// (client or CA), PKCS#12 keystores and trust stores, certificate ZIPs and,
// for Freja, logo files. It never needs a passphrase: an encrypted key is
// recognised as such, a PKCS#12 file is described by what shows without
// its password. Hidden files, WriteFile's temporary files and files larger
// than the parsers accept are skipped. At most 10 000 entries are listed and
// 2 000 files read, recognised or not (Folder.Truncated says when that cut
// the scan short). A folder that does not exist is an error wrapping
// fs.ErrNotExist.
func Scan(dir string) (*Folder, error) {
	return scan(dir, defaultScanLimits)
}

func scan(dir string, lim scanLimits) (*Folder, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	folder := &Folder{Dir: dir}
	listed := 0
	for !folder.Truncated {
		entries, err := d.ReadDir(256)
		if len(entries) == 0 {
			if err != nil && !errors.Is(err, io.EOF) && listed == 0 {
				return nil, err
			}
			break
		}
		for _, e := range entries {
			if listed >= lim.entries || folder.Examined >= lim.examined || len(folder.Files) >= lim.kept {
				folder.Truncated = true
				break
			}
			listed++
			name := e.Name()
			if m, _ := filepath.Match(safefile.TempGlob, name); m && e.Type().IsRegular() {
				folder.Leftovers = append(folder.Leftovers, name)
			}
			if strings.HasPrefix(name, ".") || !e.Type().IsRegular() {
				continue
			}
			info, err := e.Info()
			if err != nil {
				continue
			}
			folder.Examined++
			f := &File{Path: filepath.Join(dir, name), Name: name, Mode: info.Mode(), ModTime: info.ModTime()}
			classify(f, info.Size())
			if f.Kind != KindOther {
				folder.Files = append(folder.Files, f)
			}
		}
	}
	sort.Slice(folder.Files, func(i, j int) bool { return folder.Files[i].Name < folder.Files[j].Name })
	return folder, nil
}

// classify recognises one file, trying the parser its name suggests first.
func classify(f *File, size int64) {
	f.Kind = KindOther
	ext := strings.ToLower(filepath.Ext(f.Name))
	if isLogoName(f.Name, ext) {
		if size <= maxLogoSize {
			if data, err := safefile.ReadFile(f.Path, maxLogoSize); err == nil {
				r := frejarp.CheckLogo(f.Name, data)
				f.Kind, f.Logo = KindLogo, &r
			}
		}
		return
	}
	limit := int64(certificateFileLimit)
	if ext == ".p12" || ext == ".pfx" || ext == ".zip" || ext == ".jks" || ext == ".keystore" {
		limit = keystoreReadLimit
	}
	if size > limit {
		return
	}
	data, err := safefile.ReadFile(f.Path, limit)
	if err != nil {
		return
	}
	order := []func(*File, []byte) bool{asKey, asCSR, asCertificates, asPKCS12, asZip}
	switch ext {
	case ".csr", ".req":
		order = []func(*File, []byte) bool{asCSR, asKey, asCertificates, asPKCS12, asZip}
	case ".cer", ".crt", ".der":
		order = []func(*File, []byte) bool{asCertificates, asKey, asCSR, asPKCS12, asZip}
	case ".p12", ".pfx", ".jks", ".keystore":
		order = []func(*File, []byte) bool{asPKCS12, asKey, asCSR, asCertificates, asZip}
	case ".zip":
		order = []func(*File, []byte) bool{asZip, asKey, asCSR, asCertificates, asPKCS12}
	}
	for _, try := range order {
		if try(f, data) {
			return
		}
	}
}

// isLogoName: logo files are recognised by name, since any PDF could be
// a logo: a name starting with "logo", or an Illustrator or EPS file.
func isLogoName(name, ext string) bool {
	lower := strings.ToLower(name)
	return strings.HasPrefix(lower, "logo") && ext != ".txt" || ext == ".ai" || ext == ".eps"
}

func asKey(f *File, data []byte) bool {
	key, info, err := keystore.ParsePrivateKey(data, nil)
	switch {
	case err == nil:
		f.Public, f.KeyBits = key.Public(), info.Bits
	case errors.Is(err, keystore.ErrPassphraseRequired):
		f.KeyEncrypted = true
	case errors.Is(err, keystore.ErrNotRSA), errors.Is(err, keystore.ErrKeySize):
		f.Problem = err.Error()
	default:
		return false
	}
	f.Kind, f.KeyFormat = KindKey, info.Format
	if info.Encrypted {
		f.KeyEncrypted = true
	}
	return true
}

func asCSR(f *File, data []byte) bool {
	req, err := csr.Parse(data)
	if err != nil {
		if errors.Is(err, csr.ErrBadSignature) {
			f.Kind, f.Problem = KindCSR, err.Error()
			return true
		}
		return false
	}
	f.Kind, f.CSR = KindCSR, req
	return true
}

func asCertificates(f *File, data []byte) bool {
	certs, err := keystore.ParseCertificates(data)
	if err != nil {
		return false
	}
	f.Kind, f.Certs = KindCA, certs
	for _, c := range certs {
		if !c.IsCA {
			f.Kind = KindCertificate
		}
	}
	return true
}

func asPKCS12(f *File, data []byte) bool {
	s, err := keystore.InspectPKCS12Kind(data)
	if err != nil {
		return false
	}
	f.P12 = s
	switch s.Kind {
	case keystore.P12KindKeystore:
		f.Kind = KindKeystore
	case keystore.P12KindTrustStore:
		f.Kind = KindTrustStore
		if certs, err := keystore.DecodeTrustStore(data, ""); err == nil {
			f.TrustCerts = certs
		}
	case keystore.P12KindSealed:
		// Nothing shows without the password. Keystores show their key
		// bag (caronboard, OpenSSL, keytool, Windows all write it so);
		// a sealed file is a trust store with a password, unless named
		// otherwise.
		f.Kind = KindTrustStore
		if !strings.Contains(strings.ToLower(f.Name), "trust") {
			f.Kind = KindKeystore
		}
	default:
		f.Kind = KindCA
	}
	return true
}

func asZip(f *File, data []byte) bool {
	_, certs, err := keystore.ReadBundle(data)
	if err == nil {
		f.Kind, f.Certs = KindBundle, certs
		return true
	}
	if !errors.Is(err, keystore.ErrNotCertificate) || len(data) > maxZipListSize {
		return false
	}
	zr, zerr := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if zerr != nil {
		return false
	}
	for _, zf := range zr.File {
		if strings.EqualFold(filepath.Ext(zf.Name), ".csr") {
			f.Kind = KindCSRZip
			return true
		}
	}
	return false
}
