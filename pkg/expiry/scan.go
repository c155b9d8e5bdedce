package expiry

import (
	"context"
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
	// NoPassphrase says the stores have none: only the empty password is
	// tried, and a store that needs one is a read error.
	NoPassphrase bool
	// Context bounds the work of opening keystores (nil: none).
	Context context.Context

	report Report
}

// MaxDirFiles bounds how many files one folder scan reads.
const MaxDirFiles = 1000

// certExtensions are the file names a folder scan reads.
var certExtensions = map[string]bool{
	".pem": true, ".cer": true, ".crt": true, ".der": true, ".p12": true, ".pfx": true, ".ca-bundle": true, ".cert": true,
	".jks": true, ".keystore": true, // Java keystores, as the checklist reads them
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
// keystore or trust store (PKCS#12 or Java JKS, told by content).
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
		s.addStore(path, data, sum)
		return
	}
	certs, err := keystore.ParseCertificates(data)
	if err != nil {
		s.AddError(path, err)
		return
	}
	s.AddCertificates(certs, "", path, "", "")
}

// addStore reads a keystore or trust store (PKCS#12 or Java JKS) through
// keystore.OpenStore: the empty password first (Windows and Azure exports,
// openssl -passout pass:, caronboard truststore --no-passphrase), then
// Passphrase when given. A store that opens with neither is a row in state
// StateNeedsPassphr when no passphrase was given, else a read error; with
// NoPassphrase, it is a read error too.
func (s *Scanner) addStore(path string, data []byte, sum keystore.P12Summary) {
	ctx := s.Context
	if ctx == nil {
		ctx = context.Background()
	}
	st, err := keystore.OpenStore(ctx, data, keystore.StorePasswords{})
	if errors.Is(err, keystore.ErrWrongPassphrase) && s.Passphrase != nil && !s.NoPassphrase {
		st, err = keystore.OpenStore(ctx, data, keystore.StorePasswords{Store: string(s.Passphrase)})
	}
	switch {
	case err == nil:
		s.addStoreEntries(path, st)
	case errors.Is(err, keystore.ErrWrongPassphrase) && s.NoPassphrase:
		s.AddError(path, fmt.Errorf("the keystore has a passphrase (it does not open without one): give it with --passphrase-file instead of --no-passphrase: %w", err))
	case errors.Is(err, keystore.ErrWrongPassphrase) && s.Passphrase == nil:
		role := RoleClient
		if sum.Kind == keystore.P12KindSealed || sum.Kind == keystore.P12KindTrustStore {
			role = RoleTrustAnchor // a trust store with a password looks like this
		}
		s.report.Certificates = append(s.report.Certificates, Entry{Role: role, File: path, Alias: sum.FriendlyName,
			State: StateNeedsPassphr, Note: "give --passphrase-file to read its certificates"})
	case errors.Is(err, keystore.ErrWrongPassphrase) && strings.Contains(err.Error(), "--key-passphrase-file"):
		// The store opened, but a Java key entry has its own passphrase,
		// which expiry does not take: say what reads it instead.
		s.AddError(path, &keyPassError{path: path, err: err})
	default:
		s.AddError(path, err)
	}
}

// keyPassError is a Java key entry whose own passphrase expiry cannot take.
type keyPassError struct {
	path string
	err  error
}

func (e *keyPassError) Error() string {
	return "a Java key entry has a passphrase of its own (keytool -keypass), which expiry does not take; see its certificate with 'caronboard pkcs12 inspect " +
		e.path + " --passphrase-file FILE --key-passphrase-file FILE' or 'keytool -list -v'"
}

func (e *keyPassError) Unwrap() error { return e.err }

// addStoreEntries adds one client row per key entry (with its alias), the
// CAs of the entries' chains and the store's other certificates once each,
// and one trust-anchor row per trusted entry (with its alias).
func (s *Scanner) addStoreEntries(path string, st *keystore.Store) {
	seen := map[string]bool{}
	var cas []*x509.Certificate
	addCA := func(c *x509.Certificate) {
		if !seen[string(c.Raw)] {
			seen[string(c.Raw)] = true
			cas = append(cas, c)
		}
	}
	for _, k := range st.Keys {
		if len(k.Chain) == 0 {
			continue // a key without its certificate: nothing expires
		}
		seen[string(k.Chain[0].Raw)] = true
		s.AddCertificates(k.Chain[:1], RoleClient, path, k.Alias, "")
		for _, c := range k.Chain[1:] {
			addCA(c)
		}
	}
	for _, t := range st.Trusted {
		if !seen[string(t.Cert.Raw)] {
			seen[string(t.Cert.Raw)] = true
			s.AddCertificates([]*x509.Certificate{t.Cert}, RoleTrustAnchor, path, t.Alias, "")
		}
	}
	for _, c := range st.Others {
		addCA(c)
	}
	s.AddCertificates(cas, "", path, "", "")
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
