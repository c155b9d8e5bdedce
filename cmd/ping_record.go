package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/verify"
)

// pingRecord is the outcome of the last ping of one environment, kept in
// caronboard/ping/<env>.json in the user config folder so that
// `caronboard checklist` can show it with its time. It is the only state
// the checklist remembers; everything else it derives from files.
type pingRecord struct {
	Env        string    `json:"env"`
	OK         bool      `json:"ok"`
	Code       string    `json:"code,omitempty"`
	Message    string    `json:"message"`
	Hint       string    `json:"hint,omitempty"`
	Time       time.Time `json:"time"`
	Addr       string    `json:"addr"`
	SourceIP   string    `json:"source_ip,omitempty"`
	HTTPStatus int       `json:"http_status,omitempty"`
	Proxy      string    `json:"proxy,omitempty"` // the proxy used, without credentials: the API saw its address, not SourceIP
}

// maxPingRecord bounds the record files read.
const maxPingRecord = 64 << 10

// pingRecordDir is caronboard/ping in the user config folder.
func pingRecordDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "caronboard", "ping"), nil
}

// pingRecordFile names an environment's record; characters other than
// letters, digits, '.', '-' and '_' are escaped as %XX, so that no
// environment name from a config file can point outside the folder.
func pingRecordFile(dir, env string) string {
	var b strings.Builder
	for i := 0; i < len(env); i++ {
		c := env[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || (c == '.' && i > 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return filepath.Join(dir, b.String()+".json")
}

// recordPing keeps the outcome of each probe for the checklist, atomically
// (0644: it holds no secret). A failure to record is a warning: the ping
// itself succeeded or failed on its own.
func recordPing(a *App, results []*verify.ProbeResult) {
	dir, err := pingRecordDir()
	if err == nil {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		a.Warn("could not record the ping outcome for 'caronboard checklist': " + err.Error())
		return
	}
	for _, r := range results {
		rec := pingRecord{Env: r.Target, OK: r.OK(), Time: a.Now().UTC(), Addr: r.Addr, SourceIP: r.SourceIP(), HTTPStatus: r.HTTPStatus}
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
			err = safefile.WriteFile(pingRecordFile(dir, r.Target), append(data, '\n'), 0o644, true)
		}
		if err != nil {
			a.Warn(fmt.Sprintf("could not record the ping outcome of %s for 'caronboard checklist': %v", r.Target, err))
		}
	}
}

// readPingRecord returns the last recorded ping of env, or nil when there is
// none. A damaged record is an error.
func readPingRecord(env string) (*pingRecord, error) {
	dir, err := pingRecordDir()
	if err != nil {
		return nil, err
	}
	path := pingRecordFile(dir, env)
	data, err := safefile.ReadFile(path, maxPingRecord)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rec pingRecord
	if err := json.Unmarshal(data, &rec); err != nil || rec.Env != env || rec.Time.IsZero() {
		return nil, fmt.Errorf("%s is not a ping record; delete it and ping again", path)
	}
	return &rec, nil
}
