package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/jws"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// jwsTrustDir is the user's JWS trust store: caronboard/jws-trust in the
// user config folder, one <x5t>.pem per certificate.
func jwsTrustDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", &Error{Code: codeNoConfigDir, Message: "cannot find the user config folder: " + err.Error(),
			Hint: "set XDG_CONFIG_HOME (or HOME) so caronboard knows where its trust store lives", Err: err}
	}
	return filepath.Join(dir, "caronboard", "jws-trust"), nil
}

// jwsTrust builds the trust store verify uses: the certificates embedded in
// the binary, the user's store, then the --cert files (source "flag").
// A certificate present in several keeps its first source.
func (a *App) jwsTrust(certFiles []string) (*jws.TrustStore, error) {
	store := jws.NewTrustStore()
	if err := jws.AddEmbedded(store); err != nil {
		return nil, err
	}
	a.loadUserTrust(store)
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

// loadUserTrust adds every *.pem of the user's trust store to store, with
// source "user" and no environment, and returns the file each certificate
// came from by x5t. A file that cannot be read or holds a certificate that
// may not sign is skipped with a warning naming it: one bad file must not
// stop verification with the others. So is a store that other users can
// write to, since whoever writes there decides what is trusted.
func (a *App) loadUserTrust(store *jws.TrustStore) map[string]string {
	files := map[string]string{}
	dir, err := jwsTrustDir()
	if err != nil {
		a.Warn(err.Error() + ": the user trust store is not used")
		return files
	}
	a.loadUserTrustDir(store, dir, "", files)
	for _, env := range jwsEnvironments {
		a.loadUserTrustDir(store, filepath.Join(dir, env), env, files)
	}
	return files
}

// jwsEnvironments are the Freja environments a user certificate can be
// limited to; 'jws trust add --env E' stores it in the subfolder E.
var jwsEnvironments = []string{jws.EnvFrejaTest, jws.EnvFrejaProd}

// loadUserTrustDir adds the *.pem files of one folder of the store, tagged
// with env ("" for certificates trusted under every environment).
func (a *App) loadUserTrustDir(store *jws.TrustStore, dir, env string, files map[string]string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			a.Warn(fmt.Sprintf("cannot read the trust store %s: %v", dir, err))
		}
		return
	}
	a.warnWritableByOthers(dir)
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".pem") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := safefile.ReadFile(path, keystore.MaxInputSize)
		if err == nil {
			var added []*jws.TrustedCert
			if added, err = store.AddBytes(data, env, jws.SourceUser); err == nil {
				a.warnWritableByOthers(path)
				for _, c := range added {
					if c.Source == jws.SourceUser && files[c.X5T] == "" {
						files[c.X5T] = path
					}
				}
				continue
			}
		}
		a.Warn(fmt.Sprintf("ignoring %s in the trust store: %s", path, classify(err).Message))
	}
}

// warnWritableByOthers warns when a trust store file or folder may be
// changed by other users.
func (a *App) warnWritableByOthers(path string) {
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(path)
	if err == nil && fi.Mode().Perm()&0o022 != 0 {
		a.Warn(fmt.Sprintf("%s is writable by other users (mode %04o): whoever can write it decides which certificates are trusted; run 'chmod go-w %s'",
			path, fi.Mode().Perm(), path))
	}
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
