package cmd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/internal/keygen"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// TestMain lets the test binary stand in for caronboard itself, so that the
// tmux test runs the real entry point in a real terminal.
func TestMain(m *testing.M) {
	if os.Getenv("CARONBOARD_TEST_RUN_MAIN") == "1" {
		os.Exit(Main())
	}
	// New RSA keys come from a pre-generated pool: generating them was most
	// of this package's test time.
	if err := keygen.UsePool(filepath.Join("..", "testdata", "keypool")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// tmuxSession drives one program in a detached tmux session on a private
// server socket.
type tmuxSession struct {
	t      *testing.T
	socket string
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-t", "init") }

// waitFor polls the screen until it shows want (a bounded loop: no sleep
// stands in for synchronisation), and returns the screen.
func (s *tmuxSession) waitFor(want string, timeout time.Duration) string {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		scr := s.screen()
		if strings.Contains(scr, want) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never showed %q; it shows:\n%s", want, scr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *tmuxSession) keys(keys ...string) {
	s.tmux(append([]string{"send-keys", "-t", "init"}, keys...)...)
}

// The real terminal UI end to end: caronboard init in tmux, answered with
// keystrokes; the passphrase is never shown, and the key and CSR are made.
func TestInitTerminalUI(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed, and CI must run the terminal UI test (.ci/run installs it)")
		}
		t.Skip("tmux not found: skipping the terminal UI test")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	dir := filepath.Join(home, "onboarding")
	s := &tmuxSession{t: t, socket: fmt.Sprintf("caronboard-test-%d", os.Getpid())}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	script := fmt.Sprintf(`env -u CI CARONBOARD_TEST_RUN_MAIN=1 HOME=%[1]q XDG_CONFIG_HOME=%[1]q/.config NO_COLOR=1 TERM=xterm-256color %[2]q init --dir %[3]q; echo "init exited $?"; read x`,
		home, exe, dir)
	s.tmux("new-session", "-d", "-s", "init", "-x", "160", "-y", "60", script)

	s.waitFor("Which API?", 20*time.Second)
	s.keys("Enter") // CAR, the first
	s.waitFor("Which environment?", 10*time.Second)
	s.keys("Down") // ci → stage
	s.waitFor("> stage", 10*time.Second)
	s.keys("Enter")
	s.waitFor("Which environment? stage — ", 10*time.Second) // the chosen value stays on the screen
	s.waitFor("Organisation code (CN)", 10*time.Second)
	s.keys("-l", "BANK01 ") // a trailing space: refused as it is typed
	s.keys("Enter")
	s.waitFor("CN ends with a space (remove the space at the end)", 10*time.Second)
	s.keys("BSpace")
	s.keys("Enter")
	s.waitFor("Role (OU)", 10*time.Second)
	s.keys("Enter") // bank
	s.waitFor("Passphrase for the new key", 10*time.Second)
	s.keys("-l", "tmux secret")
	s.keys("Enter")
	s.waitFor("Repeat it", 10*time.Second)
	s.keys("-l", "tmux secret")
	s.keys("Enter")
	s.waitFor("Create the key and CSR now?", 10*time.Second)
	s.keys("Enter") // Yes
	s.waitFor("init exited", 60*time.Second)
	scr := s.tmux("capture-pane", "-p", "-t", "init", "-S", "-200") // with the scrollback
	if !strings.Contains(scr, "init exited 0") {
		t.Fatalf("init failed:\n%s", scr)
	}
	if strings.Contains(scr, "tmux secret") || strings.Contains(scr, "*****") {
		t.Errorf("the passphrase was echoed:\n%s", scr)
	}
	for _, want := range []string{"Subject: C=SE, O=E-fakturabolaget, OU=bank, CN=BANK01", "$ caronboard csr --profile car", "Onboarding checklist", "caronboard ping --env stage"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the screen does not show %q:\n%s", want, scr)
		}
	}
	for _, f := range []string{"client.key", "client.csr", initStateFile} {
		if !exists(filepath.Join(dir, f)) {
			t.Errorf("%s was not written", f)
		}
	}
}

// The full-screen UI asks each passphrase once per run: the key's, the new
// keystore's (with its repetition), and not the keystore's again for the
// connection test.
func TestInitTerminalUIAsksOnce(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed, and CI must run the terminal UI test (.ci/run installs it)")
		}
		t.Skip("tmux not found: skipping the terminal UI test")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	isolateConfig(t)
	home := os.Getenv("HOME")
	cfg, _ := os.UserConfigDir()
	if err := os.MkdirAll(filepath.Join(cfg, "caronboard"), 0o700); err != nil {
		t.Fatal(err)
	}
	// ci on a closed loopback port: the connection test fails fast, offline.
	if err := os.WriteFile(filepath.Join(cfg, "caronboard", "config.yaml"), []byte("environments:\n  ci:\n    host: 127.0.0.1\n    port: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pki := filepath.Join("..", "testdata", "pki")
	writeEncryptedKey(t, filepath.Join(pki, "car-bank.key.pem"), filepath.Join(dir, "client.key"), "key pass")
	if r := runInitAccessible(t, []string{"", "BANK01", "1", "key pass", "y"}, "--dir", dir); r.code != exitOK {
		t.Fatalf("CSR failed:\n%s", r)
	}
	copyFile(t, filepath.Join(pki, "car-bank.pem"), filepath.Join(dir, "client.cer"))
	copyFile(t, filepath.Join(pki, "car-ca.pem"), filepath.Join(dir, "ca.cer"))

	s := &tmuxSession{t: t, socket: fmt.Sprintf("caronboard-once-%d", os.Getpid())}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	script := fmt.Sprintf(`env -u CI CARONBOARD_TEST_RUN_MAIN=1 HOME=%[1]q XDG_CONFIG_HOME=%[4]q NO_COLOR=1 TERM=xterm-256color %[2]q init --dir %[3]q; echo "init exited $?"; read x`,
		home, exe, dir, os.Getenv("XDG_CONFIG_HOME"))
	s.tmux("new-session", "-d", "-s", "init", "-x", "160", "-y", "60", script)
	s.waitFor("Passphrase of "+filepath.Join(dir, "client.key"), 20*time.Second)
	s.keys("-l", "key pass")
	s.keys("Enter")
	s.waitFor("Passphrase for the new keystore", 20*time.Second)
	s.keys("-l", "p12 pass")
	s.keys("Enter")
	s.waitFor("Repeat it", 10*time.Second)
	s.keys("-l", "p12 pass")
	s.keys("Enter")
	s.waitFor("Test the connection to ci now?", 30*time.Second)
	s.keys("Enter") // yes
	s.waitFor("init exited", 30*time.Second)
	scr := s.tmux("capture-pane", "-p", "-J", "-t", "init", "-S", "-300")
	if strings.Contains(scr, "Passphrase of "+filepath.Join(dir, "client.p12")) {
		t.Errorf("the keystore's passphrase was asked again for the connection test:\n%s", scr)
	}
	for _, want := range []string{"== Test the connection", "refused the connection"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the screen does not show %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "key pass") || strings.Contains(scr, "p12 pass") {
		t.Errorf("a passphrase was echoed:\n%s", scr)
	}
}

// writeEncryptedKey writes the key of src to dst, encrypted with pass.
func writeEncryptedKey(t *testing.T, src, dst, pass string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := keystore.ParsePrivateKey(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := keystore.EncodePrivateKey(key, []byte(pass))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, enc, 0o600); err != nil {
		t.Fatal(err)
	}
}
