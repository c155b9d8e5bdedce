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

// startTmux runs caronboard (this test binary standing in for it) with args
// in a detached tmux session; the shell prints "cmd exited N" when it ends.
func startTmux(t *testing.T, home string, args ...string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed, and CI must run the terminal tests (.ci/run installs it)")
		}
		t.Skip("tmux not found: skipping the terminal test")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	s := &tmuxSession{t: t, socket: fmt.Sprintf("caronboard-test-%d-%s", os.Getpid(), strings.ReplaceAll(t.Name(), "/", "-"))}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	script := fmt.Sprintf(`env -u CI -u CARONBOARD_PASSPHRASE CARONBOARD_TEST_RUN_MAIN=1 HOME=%[1]q XDG_CONFIG_HOME=%[1]q/.config NO_COLOR=1 TERM=xterm-256color %[2]q %[3]s; echo "cmd exited $?"; read x`,
		home, exe, shellWords(args))
	s.tmux("new-session", "-d", "-s", "init", "-x", "160", "-y", "60", script)
	return s
}

// interruptAndWait sends Ctrl-C and waits (a bounded poll) for the process
// to be gone: the shell prints its exit status only after it ended. It must
// end within a second, not wait for Enter.
func (s *tmuxSession) interruptAndWait() string {
	s.t.Helper()
	s.keys("C-c")
	scr := s.waitFor("cmd exited", time.Second)
	if !strings.Contains(scr, "cmd exited 1") || !strings.Contains(scr, "interrupted") {
		s.t.Errorf("Ctrl-C did not end the command with exit 1 interrupted:\n%s", scr)
	}
	return scr
}

// Ctrl-C at a passphrase prompt (golang.org/x/term) ends the command at
// once: exit 1 "interrupted", no key written, echo back on.
func TestCtrlCAtPassphrasePrompt(t *testing.T) {
	for _, tc := range []struct {
		name, wait string
		before     []string
	}{
		{"first", "Enter passphrase for the new key", nil},
		{"repeat", "Repeat passphrase for the new key", []string{"half typed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			key := filepath.Join(home, "k.key")
			s := startTmux(t, home, "key", "--out", key, "--bits", "2048")
			s.waitFor("Enter passphrase for the new key", 20*time.Second)
			for _, k := range tc.before {
				s.keys("-l", k)
				s.keys("Enter")
			}
			s.waitFor(tc.wait, 10*time.Second)
			s.interruptAndWait()
			if exists(key) {
				t.Errorf("%s was written after Ctrl-C", key)
			}
			// The shell's read echoes again: the terminal was restored.
			s.keys("-l", "echo-is-back")
			s.waitFor("echo-is-back", 5*time.Second)
		})
	}
}

// Ctrl-C at init's questions: in the full-screen UI and in accessible mode
// (line by line, where the read itself does not see Ctrl-C), also at the
// secret question; nothing is written.
func TestCtrlCInInit(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		answers []string // typed before Ctrl-C, each followed by Enter
		wait    string
	}{
		{"terminal UI", nil, nil, "Which API?"},
		{"accessible", []string{"--accessible"}, nil, "Which API?"},
		{"accessible secret", []string{"--accessible"}, []string{"1", "2", "BANK01", ""}, "Passphrase for the new key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			dir := filepath.Join(home, "onboarding")
			s := startTmux(t, home, append([]string{"init", "--dir", dir}, tc.args...)...)
			s.waitFor("Which API?", 20*time.Second)
			for _, a := range tc.answers {
				if a != "" {
					s.keys("-l", a)
				}
				s.keys("Enter")
			}
			s.waitFor(tc.wait, 10*time.Second)
			s.interruptAndWait()
			for _, f := range []string{"client.key", "client.csr", initStateFile} {
				if exists(filepath.Join(dir, f)) {
					t.Errorf("%s was written after Ctrl-C", f)
				}
			}
		})
	}
}

// In the terminal UI a wrong passphrase of the existing key is asked again
// in an empty field: the right one typed next is accepted (issue 20: the
// hidden field kept the wrong text, so the right one failed too).
func TestInitWrongKeyPassphraseClears(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, "onboarding")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	copyFixture(t, dir, "keys/rsa4096-enc-pkcs8.pem", "client.key")
	s := startTmux(t, home, "init", "--dir", dir)
	s.waitFor("Which environment?", 20*time.Second)
	s.keys("Enter") // ci
	s.waitFor("Organisation code (CN)", 10*time.Second)
	s.keys("-l", "BANK01")
	s.keys("Enter")
	s.waitFor("Role (OU)", 10*time.Second)
	s.keys("Enter")
	s.waitFor("Passphrase of", 10*time.Second)
	s.keys("-l", "not the passphrase")
	s.keys("Enter")
	s.waitFor("wrong passphrase: type it again", 10*time.Second)
	s.keys("-l", "fixture-passphrase")
	s.keys("Enter")
	s.waitFor("Create the CSR now?", 10*time.Second)
	s.keys("Enter")
	scr := s.waitFor("cmd exited", 60*time.Second)
	if !strings.Contains(scr, "cmd exited 0") || !exists(filepath.Join(dir, "client.csr")) {
		t.Fatalf("init did not make the CSR with the right passphrase:\n%s", s.tmux("capture-pane", "-p", "-t", "init", "-S", "-200"))
	}
}
