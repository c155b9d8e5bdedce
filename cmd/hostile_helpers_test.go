package cmd

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/internal/sandbox"
)

// The helpers of the hostile-input, secret-leak and config tests: running a
// command line in-process the way main does, checking the shape of a
// failure, and snapshotting folders to prove that nothing was written.

// hostileNow is the clock of every hostile-input run: inside the validity
// of the sandbox certificates made for the tests.
var hostileNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// cmdRun is what one in-process run of the command line produced.
type cmdRun struct {
	args   []string
	exit   int
	stdout string
	stderr string
}

func (r cmdRun) String() string {
	return fmt.Sprintf("caronboard %s\nexit %d\n--- stdout\n%s--- stderr\n%s", quoteTestArgs(r.args), r.exit, clipOut(r.stdout), clipOut(r.stderr))
}

func quoteTestArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = clipOut(fmt.Sprintf("%q", a))
	}
	return strings.Join(q, " ")
}

func clipOut(s string) string {
	if len(s) > 2000 {
		return s[:2000] + fmt.Sprintf("… (%d bytes)\n", len(s))
	}
	return s
}

// runCLI runs one command line in-process with the given environment
// variables (the process environment is not consulted) and stdin, and
// without a terminal to prompt on.
func runCLI(env map[string]string, stdin []byte, args ...string) cmdRun {
	var out, errOut bytes.Buffer
	a := &App{
		In: bytes.NewReader(stdin), Out: &out, ErrOut: &errOut,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return hostileNow },
		Output: "text",
	}
	code := Run(context.Background(), a, args)
	return cmdRun{args: args, exit: code, stdout: out.String(), stderr: errOut.String()}
}

// jargon are the prefixes of raw parser and library errors. A message may
// quote one after a plain-words lead ("cannot read config file x: yaml: …"),
// never start with one.
var jargon = regexp.MustCompile(`^((asn1|x509|pkcs12|pkcs8|tls|json|yaml|zip|pem|base64|crypto/\w+|strconv\.\w+|mapstructure|flate|gzip)( |: )|(open|read|stat|lstat|write|rename|link) \S+: |illegal base64|unexpected EOF|EOF$|While parsing|runtime error|invalid memory)`)

// checkLead fails when msg (after any of the file paths in paths and ": ")
// starts with parser jargon, or is not one line.
func checkLead(t *testing.T, r cmdRun, msg string, paths []string) {
	t.Helper()
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("message is not one line: %q\n%s", msg, r)
	}
	if strings.Contains(msg, "%!") {
		t.Errorf("message has a formatting error: %q\n%s", msg, r)
	}
	for _, p := range paths {
		if p != "" && strings.Contains(msg, p+": "+p) {
			t.Errorf("message names %s twice in a row: %q\n%s", p, msg, r)
		}
	}
	rest := msg
	for changed := true; changed; {
		changed = false
		for _, p := range paths {
			if p != "" && strings.HasPrefix(rest, p+": ") {
				rest, changed = strings.TrimPrefix(rest, p+": "), true
			}
		}
	}
	if rest == "" || jargon.MatchString(rest) {
		t.Errorf("message %q leads with parser jargon, not plain words\n%s", msg, r)
	}
}

// panicMarks betray a Go panic or a stack trace.
var panicMarks = []string{"goroutine ", "panic:", "runtime error", ".go:", "[recovered]"}

func checkNoPanic(t *testing.T, r cmdRun) {
	t.Helper()
	for _, m := range panicMarks {
		if strings.Contains(r.stdout, m) || strings.Contains(r.stderr, m) {
			t.Fatalf("output holds %q (a panic or stack trace)\n%s", m, r)
		}
	}
}

// checkTextFailure checks a failed run in text mode: exit 1 or 2, exactly
// one "caronboard: error:" lead line, then only the indented detail lines
// of a multi-problem error, and one "caronboard: hint:" line last. It
// returns the lead message.
func checkTextFailure(t *testing.T, r cmdRun, paths []string) string {
	t.Helper()
	checkNoPanic(t, r)
	if r.exit != exitFailed && r.exit != exitUsage {
		t.Fatalf("exit %d, want 1 or 2\n%s", r.exit, r)
	}
	const (
		errLead    = "caronboard: error: "
		errDetail  = "caronboard: error:   "
		hintLead   = "caronboard: hint: "
		hintDetail = "caronboard: hint:    "
	)
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	lead := -1
	for i, l := range lines {
		if strings.HasPrefix(l, errLead) && !strings.HasPrefix(l, errDetail) {
			if lead >= 0 {
				t.Fatalf("two error lines\n%s", r)
			}
			lead = i
		}
	}
	if lead < 0 {
		t.Fatalf("no %q line\n%s", errLead, r)
	}
	last := lines[len(lines)-1]
	if last == lines[lead] || !strings.HasPrefix(last, hintLead) || strings.HasPrefix(last, hintDetail) ||
		strings.TrimSpace(strings.TrimPrefix(last, hintLead)) == "" {
		t.Fatalf("the error is not followed by a hint line, last\n%s", r)
	}
	for _, l := range lines[lead+1 : len(lines)-1] {
		if !strings.HasPrefix(l, errDetail) && !strings.HasPrefix(l, hintDetail) {
			t.Fatalf("line %q between the error and its hint is not a detail line\n%s", l, r)
		}
	}
	msg := strings.TrimPrefix(lines[lead], errLead)
	checkLead(t, r, msg, paths)
	return msg
}

// jsonFailure is the envelope of a failed run.
type jsonFailure struct {
	OK    *bool `json:"ok"`
	Error *struct {
		Code    string   `json:"code"`
		Message string   `json:"message"`
		Hint    string   `json:"hint"`
		Details []Detail `json:"details"`
	} `json:"error"`
}

var stableCode = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// checkJSONFailure checks a failed run with -o json: exit 1 or 2, stdout
// exactly one JSON object with "ok": false and an error with a stable code,
// a plain-words message and a hint, and nothing on stderr. It returns the
// code.
func checkJSONFailure(t *testing.T, r cmdRun, paths []string) string {
	t.Helper()
	checkNoPanic(t, r)
	if r.exit != exitFailed && r.exit != exitUsage {
		t.Fatalf("exit %d, want 1 or 2\n%s", r.exit, r)
	}
	var obj jsonFailure
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	if err := dec.Decode(&obj); err != nil {
		t.Fatalf("stdout is not a JSON object: %v\n%s", err, r)
	}
	if _, err := dec.Token(); err == nil {
		t.Fatalf("more than one JSON value on stdout\n%s", r)
	}
	if obj.OK == nil || *obj.OK || obj.Error == nil {
		t.Fatalf(`want "ok": false and an "error"`+"\n%s", r)
	}
	if !stableCode.MatchString(obj.Error.Code) || obj.Error.Code == "failed" {
		t.Errorf("error code %q is not a stable, specific code\n%s", obj.Error.Code, r)
	}
	if strings.TrimSpace(obj.Error.Hint) == "" {
		t.Errorf("the error has no hint\n%s", r)
	}
	if r.stderr != "" {
		t.Errorf("stderr is not empty with -o json\n%s", r)
	}
	checkLead(t, r, obj.Error.Message, paths)
	return obj.Error.Code
}

// checkJSONSuccess checks one JSON object with "ok": true.
func checkJSONSuccess(t *testing.T, r cmdRun) {
	t.Helper()
	checkNoPanic(t, r)
	var obj struct {
		OK *bool `json:"ok"`
	}
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	if err := dec.Decode(&obj); err != nil || obj.OK == nil || !*obj.OK || r.exit != exitOK {
		t.Fatalf("want exit 0 and one object with \"ok\": true (%v)\n%s", err, r)
	}
	if _, err := dec.Token(); err == nil {
		t.Fatalf("more than one JSON value on stdout\n%s", r)
	}
}

// fileState is what a snapshot remembers of one folder entry.
type fileState struct {
	mode fs.FileMode
	size int64
	sum  string
}

// snapshot records every entry under the given roots: type, permissions,
// size and, for regular files up to 4 MiB, a SHA-256 of the content (larger
// ones, such as the sparse 50 MB input, are compared by size and mtime).
func snapshot(t *testing.T, roots ...string) map[string]fileState {
	t.Helper()
	m := map[string]fileState{}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) && p == root {
					return nil
				}
				return err
			}
			fi, err := d.Info()
			if err != nil {
				return err
			}
			st := fileState{mode: fi.Mode(), size: fi.Size()}
			switch {
			case fi.Mode().IsRegular() && fi.Size() <= 4<<20 && fi.Mode().Perm()&0o400 != 0:
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				h := sha256.Sum256(data)
				st.sum = hex.EncodeToString(h[:])
			case fi.Mode().IsRegular():
				st.sum = fi.ModTime().String()
			}
			m[p] = st
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// diffSnapshots describes what changed between two snapshots, or "".
func diffSnapshots(before, after map[string]fileState) string {
	var out []string
	for p, a := range after {
		b, ok := before[p]
		switch {
		case !ok:
			out = append(out, "created "+p)
		case a != b:
			out = append(out, fmt.Sprintf("changed %s (%v %d → %v %d)", p, b.mode, b.size, a.mode, a.size))
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			out = append(out, "removed "+p)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// newSandbox makes a sandbox (CA, server certificate, JWS signer) for one test.
func newSandbox(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Init(context.Background(), filepath.Join(t.TempDir(), "sb"), hostileNow, false)
	if err != nil {
		t.Fatal(err)
	}
	return sb
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
