package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func gendocs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// One man page per command and the four completion scripts, from the tree.
func TestWritesPagesAndCompletions(t *testing.T) {
	dir := t.TempDir()
	man, compl := filepath.Join(dir, "man"), filepath.Join(dir, "completions")
	code, out, errOut := gendocs(t, "--version", "1.2.3", "--completions", compl, man)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, page := range []string{"caronboard.1", "caronboard-init.1", "caronboard-csr.1", "caronboard-csr-inspect.1", "caronboard-ping.1", "caronboard-completion-bash.1"} {
		data, err := os.ReadFile(filepath.Join(man, page))
		if err != nil {
			t.Errorf("%s: %v", page, err)
			continue
		}
		if !strings.Contains(string(data), ".TH ") || !strings.Contains(string(data), "caronboard 1.2.3") {
			t.Errorf("%s is not a man page of version 1.2.3:\n%.300s", page, data)
		}
		if st, _ := os.Stat(filepath.Join(man, page)); st.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, want 0644", page, st.Mode().Perm())
		}
	}
	if _, err := os.Stat(filepath.Join(man, "caronboard-docs.1")); err == nil {
		t.Error("a page for the removed docs command")
	}
	for name, want := range map[string]string{"caronboard.bash": "__start_caronboard", "_caronboard": "#compdef caronboard", "caronboard.fish": "complete -c caronboard", "caronboard.ps1": "Register-ArgumentCompleter"} {
		data, err := os.ReadFile(filepath.Join(compl, name))
		if err != nil || !strings.Contains(string(data), want) {
			t.Errorf("%s lacks %q (%v)", name, want, err)
		}
	}
	if !strings.Contains(out, "man pages to "+man) || !strings.Contains(out, "4 completion scripts") {
		t.Errorf("stdout: %q", out)
	}
}

// An existing page is kept without --force, and then nothing at all is
// written; with --force it is replaced.
func TestRefusesExistingFilesWithoutForce(t *testing.T) {
	man := t.TempDir()
	mine := filepath.Join(man, "caronboard-ping.1")
	if err := os.WriteFile(mine, []byte("my own page\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := gendocs(t, man)
	if code != 1 || !strings.Contains(errOut, "caronboard-ping.1 already exists") || !strings.Contains(errOut, "--force") {
		t.Fatalf("exit %d, stderr %q: want 1, the file named and the --force hint", code, errOut)
	}
	if data, _ := os.ReadFile(mine); string(data) != "my own page\n" {
		t.Errorf("existing page replaced: %q", data)
	}
	if _, err := os.Stat(filepath.Join(man, "caronboard.1")); err == nil {
		t.Error("other pages written although one was refused")
	}
	if code, _, errOut := gendocs(t, "--force", man); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, errOut)
	}
	if data, _ := os.ReadFile(mine); !strings.Contains(string(data), ".TH ") {
		t.Errorf("--force did not replace the page: %q", data)
	}
}

// A symbolic link where a page goes is never written through, with or
// without --force: the file it points at stays as it was.
func TestNeverWritesThroughSymlinks(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	man := filepath.Join(dir, "man")
	if err := os.Mkdir(man, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(man, "caronboard.1")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{man}, {"--force", man}} {
		if code, _, errOut := gendocs(t, args...); code != 1 || !strings.Contains(errOut, "caronboard.1") {
			t.Errorf("%v: exit %d, stderr %q: want 1 naming caronboard.1", args, code, errOut)
		}
		if data, _ := os.ReadFile(victim); string(data) != "precious\n" {
			t.Fatalf("%v: wrote through the symlink: %q", args, data)
		}
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"a", "b"}, {"--bogus", "a"}} {
		if code, _, _ := gendocs(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
