package cmd

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/verify"
)

// pingRecord is the outcome of the last ping of one environment with one
// client certificate, kept in caronboard/ping/<env>@<key>.json in the user
// config folder (key: the start of the certificate's public-key SHA-256) so
// that `caronboard checklist` can show it with its time, for a folder that
// holds that certificate only. It is the only state the checklist
// remembers; everything else it derives from files. A ping without a client
// certificate records nothing: it proves nothing about any folder.
type pingRecord struct {
	Env string `json:"env"`
	// ClientKeySHA256 is the client certificate's public-key fingerprint
	// (csr.PublicKeyFingerprint); Credential the absolute path of the
	// --p12 or --cert file it came from.
	ClientKeySHA256 string    `json:"client_public_key_sha256"`
	Credential      string    `json:"credential,omitempty"`
	OK              bool      `json:"ok"`
	Code            string    `json:"code,omitempty"`
	Message         string    `json:"message"`
	Hint            string    `json:"hint,omitempty"`
	Time            time.Time `json:"time"`
	Addr            string    `json:"addr"`
	SourceIP        string    `json:"source_ip,omitempty"`
	HTTPStatus      int       `json:"http_status,omitempty"`
	Proxy           string    `json:"proxy,omitempty"` // the proxy used, without credentials: the API saw its address, not SourceIP
}

// maxPingRecord bounds the record files read.
const maxPingRecord = 64 << 10

// pingRecordDir is caronboard/ping in the user config folder.
func (a *App) pingRecordDir() (string, error) {
	dir, err := a.userConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "caronboard", "ping"), nil
}

// pingRecordFile names an environment's record for one client key (the
// fingerprint's first 8 bytes as hex); see pingRecordBase.
func pingRecordFile(dir, env, fingerprint string) string {
	fp := strings.ToLower(strings.ReplaceAll(fingerprint, ":", ""))
	if len(fp) > 16 {
		fp = fp[:16]
	}
	return pingRecordBase(dir, env) + "@" + fp + ".json"
}

// pingRecordBase is the start of an environment's record names; characters
// other than letters, digits, '.', '-' and '_' are escaped as %XX, so that no
// environment name from a config file can point outside the folder (or
// into another environment's records: '@' is escaped too).
func pingRecordBase(dir, env string) string {
	var b strings.Builder
	for i := 0; i < len(env); i++ {
		c := env[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || (c == '.' && i > 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return filepath.Join(dir, b.String())
}

// recordPing keeps the outcome of each probe for the checklist, atomically
// (0644: it holds no secret). A failure to record is a warning: the ping
// itself succeeded or failed on its own.
func recordPing(a *App, results []*verify.ProbeResult, clients []*tls.Certificate, files []string) {
	withCert := false
	for _, c := range clients {
		withCert = withCert || (c != nil && c.Leaf != nil)
	}
	if !withCert {
		return
	}
	dir, err := a.pingRecordDir()
	if err == nil {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		a.Warn("could not record the ping outcome for 'caronboard checklist': " + err.Error())
		return
	}
	for i, r := range results {
		if clients[i] == nil || clients[i].Leaf == nil {
			continue
		}
		fp, err := csr.PublicKeyFingerprint(clients[i].Leaf.PublicKey)
		if err != nil {
			continue
		}
		rec := pingRecord{Env: r.Target, ClientKeySHA256: fp, OK: r.OK(), Time: a.Now().UTC(), Addr: r.Addr, SourceIP: r.SourceIP(), HTTPStatus: r.HTTPStatus}
		if abs, err := filepath.Abs(files[i]); err == nil && files[i] != "" {
			rec.Credential = abs
		}
		if r.Via() {
			rec.Proxy = r.Proxy.Proxy
		}
		if r.Err != nil {
			rec.Code, rec.Message, rec.Hint = r.Err.Code, r.Err.Message, r.Err.Hint
		} else {
			rec.Message = "mutual TLS accepted"
			if r.HTTPStatus != 0 {
				rec.Message += fmt.Sprintf(" (HTTP %d)", r.HTTPStatus)
			}
		}
		data, err := json.MarshalIndent(rec, "", "  ")
		if err == nil {
			err = safefile.WriteFile(pingRecordFile(dir, r.Target, fp), append(data, '\n'), 0o644, true)
		}
		if err != nil {
			a.Warn(fmt.Sprintf("could not record the ping outcome of %s for 'caronboard checklist': %v", r.Target, err))
		}
	}
}

// readPingRecord returns the newest recorded ping of env that counts for a
// folder: made with a client certificate whose public key is one of
// fingerprints, or from a credential file in dir (a keystore whose
// certificate does not show without its passphrase). nil when there is none;
// records of other folders' certificates are not read as this one's. A
// damaged record is an error.
func (a *App) readPingRecord(env, dir string, fingerprints []string) (*pingRecord, error) {
	recDir, err := a.pingRecordDir()
	if err != nil {
		return nil, err
	}
	prefix := filepath.Base(pingRecordBase(recDir, env)) + "@"
	entries, _ := os.ReadDir(recDir)
	var paths []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) && strings.HasSuffix(e.Name(), ".json") {
			paths = append(paths, filepath.Join(recDir, e.Name()))
		}
	}
	absDir, _ := filepath.Abs(dir)
	var best *pingRecord
	var bad error
	for _, path := range paths {
		data, err := safefile.ReadFile(path, maxPingRecord)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var rec pingRecord
		if err := json.Unmarshal(data, &rec); err != nil || rec.Env != env || rec.Time.IsZero() {
			bad = fmt.Errorf("%s is not a ping record; delete it and ping again", path)
			continue
		}
		mine := slices.Contains(fingerprints, rec.ClientKeySHA256) ||
			(rec.Credential != "" && absDir != "" && filepath.Dir(rec.Credential) == absDir)
		if mine && (best == nil || rec.Time.After(best.Time)) {
			best = &rec
		}
	}
	if best == nil && bad != nil {
		return nil, bad
	}
	return best, nil
}
