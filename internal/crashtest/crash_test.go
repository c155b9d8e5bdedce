//go:build unix

package crashtest

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// The binary under test, built once for the package by caronboardBin.
var build struct {
	once      sync.Once
	dir, path string
	err       error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

// caronboardBin builds the caronboard binary (once) and returns its path.
func caronboardBin(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		if build.dir, build.err = os.MkdirTemp("", "caronboard-crashtest-"); build.err != nil {
			return
		}
		build.path = filepath.Join(build.dir, "caronboard")
		out, err := exec.Command("go", "build", "-o", build.path, "github.com/caronboard/caronboard").CombinedOutput()
		if err != nil {
			build.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}

// crashFixtures are the inputs of the interrupted commands, outside the
// folder where they write.
type crashFixtures struct {
	in   string // input folder
	pass []byte // the passphrase of pass.txt
	env  []string
}

func newCrashFixtures(t *testing.T) *crashFixtures {
	t.Helper()
	in := t.TempDir()
	pki := filepath.Join("..", "..", "testdata", "pki")
	for name, src := range map[string]string{
		"key.pem": filepath.Join(pki, "rp.key.pem"), "cert.pem": filepath.Join(pki, "rp.pem"),
		"issuing.pem": filepath.Join(pki, "freja-issuing.pem"), "root.pem": filepath.Join(pki, "freja-root.pem"),
	} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(in, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	pass := []byte("crash-harness-passphrase")
	if err := os.WriteFile(filepath.Join(in, "pass.txt"), append(pass, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "LANG=C"}
	return &crashFixtures{in: in, pass: pass, env: env}
}

// replacer is a command that replaces an existing file with --force.
type replacer struct {
	name  string
	file  string // the file it replaces, in the work folder
	perm  fs.FileMode
	args  func(f *crashFixtures, out string, run int) []string
	valid func(f *crashFixtures, data []byte) error // a complete, usable file
}

var replacers = []replacer{
	{name: "key", file: "client.key", perm: 0o600,
		args: func(f *crashFixtures, out string, _ int) []string {
			return []string{"key", "--force", "--out", out, "--bits", "2048", "--passphrase-file", filepath.Join(f.in, "pass.txt")}
		},
		valid: func(f *crashFixtures, data []byte) error {
			key, _, err := keystore.ParsePrivateKey(data, func() ([]byte, error) { return f.pass, nil })
			if err == nil && key.N.BitLen() != 2048 {
				err = fmt.Errorf("a %d-bit key", key.N.BitLen())
			}
			return err
		}},
	{name: "csr", file: "client.csr", perm: 0o644,
		// A CSR for the same key and subject is byte-identical (RSA PKCS#1
		// v1.5 signatures are deterministic): the CN changes with each run so
		// that a replaced file can be told from an intact one.
		args: func(f *crashFixtures, out string, run int) []string {
			return []string{"csr", "--force", "--profile", "freja", "--key", filepath.Join(f.in, "key.pem"), "--out", out,
				"--org", "ACME AB", "--org-id", "556677-8881", "--common-name", "Signing service " + strconv.Itoa(run)}
		},
		valid: func(_ *crashFixtures, data []byte) error {
			req, err := csr.Parse(data)
			if err == nil {
				err = req.CheckSignature()
			}
			return err
		}},
	{name: "pkcs12", file: "client.p12", perm: 0o600,
		args: func(f *crashFixtures, out string, _ int) []string {
			return []string{"pkcs12", "--force", "--out", out, "--cert", filepath.Join(f.in, "cert.pem"), "--key", filepath.Join(f.in, "key.pem"),
				"--ca", filepath.Join(f.in, "issuing.pem"), "--ca", filepath.Join(f.in, "root.pem"), "--passphrase-file", filepath.Join(f.in, "pass.txt")}
		},
		valid: func(f *crashFixtures, data []byte) error {
			_, err := keystore.DecodePKCS12(data, string(f.pass))
			return err
		}},
}

// outcome is how one interrupted run ended.
type outcome struct {
	exit    int            // exit code, or -1 when ended by a signal
	signal  syscall.Signal // the signal that ended it, if any
	stderr  string
	elapsed time.Duration
}

// run starts the command, sends sig after delay (unless it has ended), and
// waits for it.
func run(t *testing.T, bin string, f *crashFixtures, dir string, args []string, sig syscall.Signal, delay time.Duration) outcome {
	t.Helper()
	c := exec.Command(bin, args...)
	c.Dir, c.Env = dir, f.env
	var stderr bytes.Buffer
	c.Stderr = &stderr
	start := time.Now()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(delay):
		_ = c.Process.Signal(sig) // it may have just ended
		select {
		case err = <-done:
		case <-time.After(60 * time.Second):
			_ = c.Process.Kill()
			t.Fatalf("caronboard %s did not end within a minute of %v", strings.Join(args, " "), sig)
		}
	}
	o := outcome{exit: c.ProcessState.ExitCode(), stderr: stderr.String(), elapsed: time.Since(start)}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			o.signal = ws.Signal()
		}
	} else if err != nil {
		t.Fatal(err)
	}
	return o
}

// typicalRuntime is the median of three uninterrupted runs.
func typicalRuntime(t *testing.T, bin string, f *crashFixtures, dir string, r replacer) time.Duration {
	t.Helper()
	var d []time.Duration
	for range 3 {
		o := run(t, bin, f, dir, r.args(f, r.file, -1), syscall.SIGKILL, time.Hour)
		if o.exit != 0 {
			t.Fatalf("caronboard %s failed: %s", r.name, o.stderr)
		}
		d = append(d, o.elapsed)
	}
	slices.Sort(d)
	return d[1]
}

// iterations is how many interrupted runs each command gets per signal.
func iterations() int {
	if n, err := strconv.Atoi(os.Getenv("CARONBOARD_CRASH_ITERATIONS")); err == nil && n > 0 {
		return n
	}
	return 30
}

// TestInterruptedReplace interrupts key --force, csr --force and
// pkcs12 --force over an existing good file with SIGKILL and with SIGINT at
// random moments (drawn from a seeded generator over the command's typical
// running time: the timing randomises, no assertion depends on it) and
// checks after each run that the file is either byte-for-byte the one
// before or a complete, valid new one with the right permissions, never
// truncated or missing; that SIGKILL leaves at most temporary files of the
// package's documented pattern (safefile.TempGlob, safe to delete: they are
// removed before the next run, as a user would); that SIGINT leaves none at
// all, exits non-zero unless it finished, and never reports "interrupted"
// after replacing the file.
func TestInterruptedReplace(t *testing.T) {
	bin := caronboardBin(t)
	for _, r := range replacers {
		for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGINT} {
			t.Run(r.name+"/"+sig.String(), func(t *testing.T) {
				t.Parallel()
				interruptReplace(t, bin, r, sig)
			})
		}
	}
}

func interruptReplace(t *testing.T, bin string, r replacer, sig syscall.Signal) {
	f := newCrashFixtures(t)
	dir := t.TempDir()
	typical := typicalRuntime(t, bin, f, dir, r) // also leaves a good file to replace
	temp := regexp.MustCompile(`^\.` + regexp.QuoteMeta(r.file) + `\.tmp-[0-9a-f]{16}$`)
	rng := rand.New(rand.NewPCG(uint64(len(r.name)), uint64(sig)))
	n := iterations()
	var finished, bySignal, byExit, replaced, intact, temps int
	for i := range n {
		before, err := os.ReadFile(filepath.Join(dir, r.file))
		if err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.Int64N(int64(typical) + 1))
		o := run(t, bin, f, dir, r.args(f, r.file, i), sig, delay)
		what := fmt.Sprintf("run %d (%v after %v): exit %d, signal %v, stderr %q", i, sig, delay, o.exit, o.signal, o.stderr)
		if strings.Contains(o.stderr, "panic") || strings.Contains(o.stderr, "goroutine ") {
			t.Fatalf("%s", what)
		}
		after, err := os.ReadFile(filepath.Join(dir, r.file))
		if err != nil {
			t.Fatalf("%s: the file is gone: %v", what, err)
		}
		if fi, err := os.Stat(filepath.Join(dir, r.file)); err != nil || fi.Mode().Perm() != r.perm {
			t.Fatalf("%s: mode %v, want %v", what, fi.Mode().Perm(), r.perm)
		}
		if bytes.Equal(after, before) {
			intact++
		} else {
			if err := r.valid(f, after); err != nil {
				t.Fatalf("%s: the file was replaced by an unusable one (%d bytes): %v", what, len(after), err)
			}
			replaced++
		}
		if o.exit == 0 {
			finished++
			if err := r.valid(f, after); err != nil {
				t.Fatalf("%s: finished, but the file is unusable: %v", what, err)
			}
		} else if o.signal != 0 {
			bySignal++
		} else {
			byExit++
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			switch name := e.Name(); {
			case name == r.file:
			case temp.MatchString(name) && sig == syscall.SIGKILL:
				if m, _ := filepath.Match(safefile.TempGlob, name); !m {
					t.Fatalf("%s: %s does not match safefile.TempGlob %q", what, name, safefile.TempGlob)
				}
				fi, err := e.Info()
				if err != nil || fi.Mode().Perm()&^r.perm != 0 {
					t.Fatalf("%s: the leftover temporary file %s has mode %v, wider than %v", what, name, fi.Mode().Perm(), r.perm)
				}
				temps++
				if err := os.Remove(filepath.Join(dir, name)); err != nil {
					t.Fatal(err)
				}
			default:
				t.Fatalf("%s: left %s behind", what, name)
			}
		}
		if sig == syscall.SIGINT {
			checkSIGINT(t, what, o, bytes.Equal(after, before))
		}
	}
	t.Logf("%s/%v: %d runs (typical run %v): %d finished, %d ended by the signal, %d exited 1 (interrupted); file intact %d, replaced by a valid new one %d; leftover temporary files (removed) %d",
		r.name, sig, n, typical.Round(time.Millisecond), finished, bySignal, byExit, intact, replaced, temps)
}

// checkSIGINT checks how a run ended by SIGINT: finished (exit 0), ended by
// the signal before caronboard could catch it, or exit 1 "interrupted"
// having written nothing.
func checkSIGINT(t *testing.T, what string, o outcome, intact bool) {
	t.Helper()
	switch {
	case o.exit == 0:
	case o.signal == syscall.SIGINT:
		if !intact {
			t.Fatalf("%s: ended by SIGINT before its handler ran, yet the file changed", what)
		}
	case o.exit == 1:
		if !strings.Contains(o.stderr, "caronboard: error: interrupted") {
			t.Fatalf("%s: exit 1 without saying it was interrupted", what)
		}
		if !intact {
			t.Fatalf("%s: says interrupted (nothing written), yet the file was replaced", what)
		}
	default:
		t.Fatalf("%s: unexpected end", what)
	}
}
