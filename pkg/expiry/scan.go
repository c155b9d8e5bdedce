package expiry

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/jws"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// Scanner collects entries into a Report. Set At and Warn before adding.
type Scanner struct {
	At   time.Time
	Warn time.Duration
	// Passphrase opens PKCS#12 files whose certificates are encrypted; nil
	// means none was given (such files become StateNeedsPassphr rows).
	Passphrase []byte

	report Report
}

// MaxDirFiles bounds how many files one folder scan reads.
const MaxDirFiles = 1000

// certExtensions are the file names a folder scan reads.
var certExtensions = map[string]bool{
	".pem": true, ".cer": true, ".crt": true, ".der": true, ".p12": true, ".pfx": true, ".ca-bundle": true, ".cert": true,
}

// Report returns what was collected, sorted.
func (s *Scanner) Report() *Report {
	r := s.report
	r.At, r.Warn = s.At, s.Warn
	r.Sort()
	return &r
}

// AddCertificates adds certs found in file. role "" means each certificate's
// role is told from the certificate (leaf, intermediate, self-signed root).
func (s *Scanner) AddCertificates(certs []*x509.Certificate, role Role, file, alias, note string) {
	for _, c := range certs {
		r := role
		if r == "" {
			r = roleOf(c)
		}
		e := NewEntry(c, r, file, alias, s.At, s.Warn)
		e.Note = note
		s.report.Certificates = append(s.report.Certificates, e)
	}
}

// AddEntry adds an entry built by the caller (e.g. an archived JWS signer).
func (s *Scanner) AddEntry(e Entry) { s.report.Certificates = append(s.report.Certificates, e) }

// AddError records a file that could not be read.
func (s *Scanner) AddError(file string, err error) {
	s.report.Errors = append(s.report.Errors, ReadError{File: file, Message: err.Error(), Err: err})
}

// AddPath reads one file, or every certificate file of a folder (by
// extension, recursively, skipping hidden entries, at most MaxDirFiles).
func (s *Scanner) AddPath(path string) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		s.addDir(path)
		return
	}
	s.AddFile(path)
}

func (s *Scanner) addDir(dir string) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			s.AddError(p, err)
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		regular := d.Type().IsRegular()
		if d.Type()&fs.ModeSymlink != 0 { // a link to a certificate file counts; links to folders are not followed
			st, err := os.Stat(p)
			regular = err == nil && st.Mode().IsRegular()
		}
		if regular && certExtensions[strings.ToLower(filepath.Ext(p))] {
			if len(files) >= MaxDirFiles {
				return fmt.Errorf("more than %d certificate files", MaxDirFiles)
			}
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		s.AddError(dir, err)
	}
	sort.Strings(files)
	for _, f := range files {
		if looksLikeKeyOnly(f) {
			continue
		}
		s.AddFile(f)
	}
}

// looksLikeKeyOnly skips PEM files that hold a private key or a CSR and no
// certificate, so a folder scan does not report the key as unreadable.
func looksLikeKeyOnly(path string) bool {
	data, err := safefile.ReadFile(path, keystore.MaxInputSize)
	if err != nil {
		return false
	}
	text := string(data)
	if strings.Contains(text, "CERTIFICATE-----") && !strings.Contains(text, "BEGIN CERTIFICATE REQUEST") {
		return false
	}
	return strings.Contains(text, "PRIVATE KEY-----") || strings.Contains(text, "BEGIN CERTIFICATE REQUEST") ||
		strings.Contains(text, "BEGIN NEW CERTIFICATE REQUEST")
}

// AddFile reads one file: certificates (PEM or DER, several per file) or a
// PKCS#12 keystore or trust store.
func (s *Scanner) AddFile(path string) {
	data, err := safefile.ReadFile(path, keystore.MaxInputSize)
	if err != nil {
		s.AddError(path, err)
		return
	}
	s.AddData(path, data)
}

// AddData reads the contents of one file named path, as AddFile does.
func (s *Scanner) AddData(path string, data []byte) {
	if sum, err := keystore.InspectPKCS12Kind(data); err == nil {
		s.addPKCS12(path, data, sum)
		return
	}
	certs, err := keystore.ParseCertificates(data)
	if err != nil {
		s.AddError(path, err)
		return
	}
	s.AddCertificates(certs, "", path, "", "")
}

// addPKCS12 reads a keystore's leaf and chain, or a trust store's anchors.
func (s *Scanner) addPKCS12(path string, data []byte, sum keystore.P12Summary) {
	if sum.Kind == keystore.P12KindTrustStore {
		if certs, err := keystore.DecodeTrustStore(data, string(s.Passphrase)); err == nil {
			s.addTrustStore(path, certs)
			return
		}
		if certs, err := keystore.DecodeTrustStore(data, ""); err == nil {
			s.addTrustStore(path, certs)
			return
		}
	}
	if s.Passphrase == nil {
		if sum.Kind == keystore.P12KindTrustStore {
			s.AddError(path, errors.New("the trust store cannot be read without a passphrase"))
			return
		}
		// Some files open with the empty password (openssl -passout pass:).
		if c, err := keystore.DecodePKCS12(data, ""); err == nil {
			s.addKeystore(path, c)
			return
		}
		if certs, err := keystore.DecodeTrustStore(data, ""); err == nil {
			s.addTrustStore(path, certs)
			return
		}
		role := RoleClient
		if sum.Kind == keystore.P12KindSealed {
			role = RoleTrustAnchor // a trust store with a password looks like this
		}
		s.report.Certificates = append(s.report.Certificates, Entry{Role: role, File: path, Alias: sum.FriendlyName,
			State: StateNeedsPassphr, Note: "give --passphrase-file to read its certificates"})
		return
	}
	c, err := keystore.DecodePKCS12(data, string(s.Passphrase))
	if err == nil {
		s.addKeystore(path, c)
		return
	}
	if errors.Is(err, keystore.ErrNoPrivateKey) {
		if certs, terr := keystore.DecodeTrustStore(data, string(s.Passphrase)); terr == nil {
			s.addTrustStore(path, certs)
			return
		}
	}
	s.AddError(path, err)
}

func (s *Scanner) addKeystore(path string, c *keystore.P12Contents) {
	s.AddCertificates([]*x509.Certificate{c.Leaf}, RoleClient, path, c.FriendlyName, "")
	s.AddCertificates(c.CACerts, "", path, "", "")
}

func (s *Scanner) addTrustStore(path string, certs []*x509.Certificate) {
	s.AddCertificates(certs, RoleTrustAnchor, path, "", "")
}

// AddJWSSigner adds a certificate trusted to sign JWS results, from file
// (the user's trust store file, or "embedded:…" for one compiled in). An
// expired embedded certificate is archived: it is kept only to verify
// archived results and never fails the run.
func (s *Scanner) AddJWSSigner(c *jws.TrustedCert, file string) {
	e := NewEntry(c.Certificate, RoleJWSSigner, file, "", s.At, s.Warn)
	e.Note = c.Note
	if c.Source == jws.SourceEmbedded && e.State == StateExpired {
		e.State = StateArchived
		if e.Note == "" {
			e.Note = "kept to verify archived results"
		}
	}
	s.report.Certificates = append(s.report.Certificates, e)
}
