package cmd

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/jws"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// jwsSignerStore is the user's signer store: caronboard/jws-trust in the
// user config folder (pkg/jws's SignerStore has its format and rules).
func (a *App) jwsSignerStore() (jws.SignerStore, error) {
	dir, err := a.userConfigDir()
	if err != nil {
		return jws.SignerStore{}, &Error{Code: codeNoConfigDir, Message: "cannot find the user config folder: " + err.Error(),
			Hint: "set XDG_CONFIG_HOME (or HOME) so caronboard knows where its signer store lives", Err: err}
	}
	return jws.SignerStore{Dir: filepath.Join(dir, "caronboard", jws.SignerStoreDir), Top: dir}, nil
}

// jwsTrust builds the trust store verify uses: the certificates embedded in
// the binary, the user's signer store, then the --cert files (source
// "flag", counting under every environment). A certificate present in
// several keeps its first source. A signer store others can change is an
// error: nothing is verified with it.
func (a *App) jwsTrust(certFiles []string) (*jws.TrustStore, error) {
	store := jws.NewTrustStore()
	if err := jws.AddEmbedded(store); err != nil {
		return nil, err
	}
	if _, err := a.loadSigners(store); err != nil {
		return nil, err
	}
	for _, path := range certFiles {
		data, err := safefile.ReadFile(path, keystore.MaxInputSize)
		if err != nil {
			return nil, fmt.Errorf("reading --cert: %w", err)
		}
		if _, err := store.AddBytes(data, "", jws.SourceFlag); err != nil {
			return nil, jwsFileErr(path, err)
		}
	}
	return store, nil
}

// loadSigners adds the user's signer store to store and returns the file
// each certificate came from by x5t. Files that cannot be used are skipped
// with a warning naming them; without a user config folder the store is
// skipped with a warning.
func (a *App) loadSigners(store *jws.TrustStore) (map[string]string, error) {
	s, err := a.jwsSignerStore()
	if err != nil {
		a.Warn(err.Error() + ": the signer store is not used")
		return map[string]string{}, nil
	}
	files, warnings, err := s.Load(store)
	for _, w := range warnings {
		a.Warn(w)
	}
	return files, err
}

// jwsTrustEntry is one trusted certificate as 'jws trust' reports it.
type jwsTrustEntry struct {
	X5T         string `json:"x5t"`
	Subject     string `json:"subject"`
	Environment string `json:"environment,omitempty"`
	Source      string `json:"source"`
	NotBefore   string `json:"not_before"`
	NotAfter    string `json:"not_after"`
	// Validity is "valid", "expired" or "not_yet_valid" now.
	Validity string `json:"validity"`
	Note     string `json:"note,omitempty"`
	File     string `json:"file,omitempty"`
}

// newJWSTrustEntry describes a trusted certificate at the App's time.
func (a *App) newJWSTrustEntry(c *jws.TrustedCert, file string) jwsTrustEntry {
	cert := c.Certificate
	e := jwsTrustEntry{X5T: c.X5T, Subject: jws.SubjectString(cert), Environment: c.Environment, Source: c.Source,
		NotBefore: jwsStamp(cert.NotBefore), NotAfter: jwsStamp(cert.NotAfter), Validity: "valid", Note: c.Note, File: file}
	now := a.Now()
	switch {
	case now.Before(cert.NotBefore):
		e.Validity = "not_yet_valid"
	case now.After(cert.NotAfter):
		e.Validity = "expired"
	}
	return e
}

// validityText is "2020-05-13 to 2023-05-13 (expired)".
func (e jwsTrustEntry) validityText() string {
	return fmt.Sprintf("%s to %s (%s)", e.NotBefore[:10], e.NotAfter[:10], strings.ReplaceAll(e.Validity, "_", " "))
}

// jwsSortedKeys returns a map's keys in order.
func jwsSortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// jwsStamp formats a time for output: RFC 3339 in UTC.
func jwsStamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
