package cmd

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caronboard/caronboard/internal/safefile"
)

// A step run in process fails with its own code, which init's error keeps
// (init -o json reports "exists", "wrong_passphrase", … rather than a generic
// step failure), with the cause reachable through errors.Is.
func TestSubcommandKeepsStepCode(t *testing.T) {
	t.Parallel()
	a, _, _ := testApp(nil)
	dir := t.TempDir()
	existing := filepath.Join(dir, "client.key")
	if err := os.WriteFile(existing, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	s := subcommand{args: []string{"key", "--out", existing, "--no-passphrase"}, out: &out, errOut: &out, getenv: a.Getenv}
	e := s.run(context.Background(), a)
	if e == nil || e.Code != codeExists {
		t.Fatalf("got %v, want code exists\n%s", e, out.String())
	}
	if !strings.Contains(out.String(), "caronboard: error: ") {
		t.Errorf("the step's own error was not printed: %q", out.String())
	}
	step := stepError("Make the key", s.line(), e, "fix it")
	if step.Code != codeExists || !errors.Is(step, safefile.ErrExists) || step.Exit() != exitFailed {
		t.Errorf("step error %+v lost the step's code or cause", step)
	}
	if !strings.Contains(step.Message, "caronboard key --out ") {
		t.Errorf("message %q does not name the command", step.Message)
	}
}

// --debug prints the cause chain, down to the standard library's error.
func TestDebugPrintsCauses(t *testing.T) {
	t.Parallel()
	a, _, errOut := testApp(nil)
	missing := filepath.Join(t.TempDir(), "missing.pem")
	code := Run(context.Background(), a, []string{"csr", "inspect", missing, "--debug"})
	if code != exitFailed {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	got := errOut.String()
	for _, want := range []string{"caronboard: debug: error code file_not_found, exit 1", "cause: *fs.PathError", "cause: syscall.Errno: no such file or directory"} {
		if !strings.Contains(got, want) {
			t.Errorf("stderr lacks %q:\n%s", want, got)
		}
	}
	a, _, errOut = testApp(nil)
	Run(context.Background(), a, []string{"csr", "inspect", missing})
	if strings.Contains(errOut.String(), "debug:") {
		t.Errorf("causes printed without --debug:\n%s", errOut)
	}
}
