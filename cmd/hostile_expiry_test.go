//go:build unix

package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHostileExpiryInputs feeds expiry every kind of broken or hostile
// certificate and keystore file. A file it cannot read is a row of
// "errors" (and x509_read_errors), exit 1, in plain words, never a panic;
// the inputs never change; the report file is the only file written. A bad
// passphrase file or flag stops the run before anything is written.
func TestHostileExpiryInputs(t *testing.T) {
	root := os.Geteuid() == 0
	if root {
		// Root reads a mode-000 file anyway: the unreadable cases run in a
		// subprocess as nobody (see runAsNobody), before the Chdir below.
		t.Run("unreadable-as-nobody", func(t *testing.T) { runAsNobody(t, "^TestHostileExpiryInputs$/.*/^unreadable$") })
	}
	f := newHostileFixtures(t)
	work := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Chdir(work)
	at := "--at=2026-11-22T12:00:00Z"
	for _, slotType := range []string{"cert", "ca", "p12"} {
		for _, kind := range kindsFor(slotType) {
			if kind == "unreadable" && root {
				continue // run as nobody by unreadable-as-nobody
			}
			t.Run(slotType+"/"+kind, func(t *testing.T) {
				in := f.hostile(t, slotType, slotType, kind)
				inputs := snapshot(t, f.dir, f.bad)
				out := filepath.Join(work, "report.prom")
				r := runCLI(map[string]string{envPassphrase: fixturePass}, nil, "expiry", in.path, at, "-o", "json")
				checkNoPanic(t, r)
				var res struct {
					OK     bool                             `json:"ok"`
					Errors []struct{ File, Message string } `json:"errors"`
				}
				if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
					t.Fatalf("not one JSON object: %v\n%s", err, r)
				}
				switch {
				case len(res.Errors) > 0:
					if r.exit != exitFailed || res.OK {
						t.Errorf("an unreadable file must fail the run\n%s", r)
					}
					for _, e := range res.Errors {
						checkLead(t, r, e.Message, []string{in.path})
					}
				case r.exit == exitUsage:
					t.Fatalf("a file is not a usage error\n%s", r)
				}
				r = runCLI(map[string]string{envPassphrase: fixturePass}, nil, "expiry", in.path, at, "--format", "prometheus", "--out", out)
				checkNoPanic(t, r)
				data, err := os.ReadFile(out)
				if err != nil {
					t.Fatalf("the report was not written: %v\n%s", err, r)
				}
				if len(res.Errors) > 0 && !strings.Contains(string(data), "\nx509_read_errors ") || strings.Contains(string(data), "x509_read_errors 0") == (len(res.Errors) > 0) {
					t.Errorf("x509_read_errors does not count %d errors:\n%s", len(res.Errors), data)
				}
				_ = os.Remove(out)
				if d := diffSnapshots(inputs, snapshot(t, f.dir, f.bad)); d != "" {
					t.Errorf("the inputs changed:\n%s", d)
				}
				if entries, _ := os.ReadDir(work); len(entries) != 0 {
					t.Errorf("files left in the working folder: %v", entries)
				}
			})
		}
	}
	for _, kind := range kindsFor("pass") {
		if kind == "unreadable" && root {
			continue // run as nobody by unreadable-as-nobody
		}
		t.Run("pass/"+kind, func(t *testing.T) {
			in := f.hostile(t, "pass", "pass", kind)
			r := runCLI(nil, nil, "expiry", f.path["p12"], at, "--passphrase-file", in.path, "--format", "prometheus", "--out", "report.prom")
			if in.accepted {
				if r.exit != exitOK {
					t.Errorf("an acceptable passphrase file was refused\n%s", r)
				}
				_ = os.Remove("report.prom")
				return
			}
			checkTextFailure(t, r, []string{in.path})
			if kind == "wrong" { // the passphrase was read: the keystore is the unreadable file, in the report
				if data, err := os.ReadFile("report.prom"); err != nil || !strings.Contains(string(data), "x509_read_errors 1") {
					t.Errorf("a wrong passphrase is a read error of the keystore: %v\n%s\n%s", err, data, r)
				}
				_ = os.Remove("report.prom")
				return
			}
			if exists(filepath.Join(work, "report.prom")) {
				t.Errorf("a failed run wrote the report\n%s", r)
			}
		})
	}
	for _, bad := range [][]string{{"--warn", "soon"}, {"--warn", "-3d"}, {"--format", "xml"}, {"--at", "yesterday"}, {"--env", "nowhere"}, {"--env", "api", "--all"}} {
		r := runCLI(nil, nil, append([]string{"expiry", f.path["cert"], "--out", "report.prom"}, bad...)...)
		if r.exit != exitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", bad, r.exit, r)
		}
		checkTextFailure(t, r, nil)
		if exists(filepath.Join(work, "report.prom")) {
			t.Errorf("%v: a usage error wrote the report", bad)
		}
	}
}
