package cmd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Text output wraps to the terminal's width at spaces: caronboard in an
// 80-column tmux pane, its screen captured with wrapped lines joined (-J),
// so that a line the terminal had to wrap would show as one long line.
// TestScripts/wrap checks that a pipe gets the same lines whole.
func TestOutputWrapsToTerminal(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed, and CI must run the terminal test (.ci/run installs it)")
		}
		t.Skip("tmux not found: skipping the terminal wrapping test")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	dir := filepath.Join(home, "w")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	copyKeyAs(t, "../testdata/keys/rsa2048-pkcs8.pem", filepath.Join(dir, "rp.key"))
	s := &tmuxSession{t: t, socket: fmt.Sprintf("caronboard-wrap-%d", os.Getpid())}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	script := fmt.Sprintf(`cd %[3]q; env -u CI CARONBOARD_TEST_RUN_MAIN=1 HOME=%[1]q XDG_CONFIG_HOME=%[1]q/.config NO_COLOR=1 TERM=xterm-256color %[2]q csr --profile freja --key rp.key --out rp.csr --org 'ACME (Sverige) A.B.' --org-id 556677-8888; env -u CI CARONBOARD_TEST_RUN_MAIN=1 HOME=%[1]q XDG_CONFIG_HOME=%[1]q/.config NO_COLOR=1 TERM=xterm-256color %[2]q checklist --profile freja --env freja-test --dir .; echo "all exited"; read x`,
		home, exe, dir)
	s.tmux("new-session", "-d", "-s", "init", "-x", "80", "-y", "50", script)
	s.waitFor("all exited", 30*time.Second)
	scr := s.tmux("capture-pane", "-p", "-J", "-t", "init", "-S", "-200")
	for _, want := range []string{"does not check out", "Bolagsverket", "Onboarding checklist", "Next:"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the screen does not show %q:\n%s", want, scr)
		}
	}
	wrapped := false
	for _, line := range strings.Split(scr, "\n") {
		line = strings.TrimRight(line, " ")
		if visibleWidth(line) > 80 && !isCommandLine(strings.TrimLeft(line, " ")) {
			t.Errorf("a line wider than the 80-column terminal (wrapped by the terminal, not by caronboard):\n%q", line)
		}
		if strings.HasPrefix(line, "                   ") && !strings.Contains(line, "$") {
			wrapped = true // a hanging-indent continuation line
		}
	}
	if !wrapped {
		t.Errorf("no continuation line: nothing was wrapped:\n%s", scr)
	}
}
