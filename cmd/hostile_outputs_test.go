//go:build unix

package cmd

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestHostileOutputs points the commands that write at places they must not
// write: a folder, a missing folder, a FIFO, a symbolic link and an existing
// file without --force. Nothing may be created or changed.
func TestHostileOutputs(t *testing.T) {
	f := newHostileFixtures(t)
	work, _ := hostileWorkdir(t)
	for _, name := range []string{"exists.key", "exists.csr", "exists.p12", "exists.cer"} {
		if err := os.WriteFile(name, []byte("precious\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir("folder", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo("fifo", 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("exists.key", "link"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("nowhere", "dangling"); err != nil {
		t.Fatal(err)
	}
	writers := map[string]func(out string) []string{
		"key": func(out string) []string {
			return []string{"key", "--out", out, "--bits", "2048", "--passphrase-file", f.path["newpass"]}
		},
		"csr": func(out string) []string {
			return []string{"csr", "--profile", "freja", "--key", f.path["key"], "--out", out, "--org", "ACME AB", "--org-id", "556677-8881"}
		},
		"csr-new-key": func(out string) []string {
			return []string{"csr", "--profile", "freja", "--new-key", out, "--bits", "2048", "--passphrase-file", f.path["newpass"],
				"--out", "fresh.csr", "--org", "ACME AB", "--org-id", "556677-8881"}
		},
		"pkcs12": func(out string) []string {
			return []string{"pkcs12", "--out", out, "--cert", f.path["cert"], "--key", f.path["key"], "--ca", f.path["ca"], "--passphrase-file", f.path["newpass"]}
		},
		"sandbox-sign": func(out string) []string {
			return []string{"sandbox", "sign", "--csr", f.path["csr"], "--profile", "freja", "--out", out, "--dir", f.sb.Dir}
		},
	}
	targets := map[string]struct {
		out, want string
		force     bool
	}{
		"folder":            {"folder", "not_a_file", true},
		"missing-folder":    {"no/such/folder/out", "", false},
		"file-as-folder":    {"exists.key/out", "bad_path", false},
		"exists":            {"exists.key", "exists", false},
		"fifo":              {"fifo", "exists", false},
		"fifo-force":        {"fifo", "not_a_file", true},
		"symlink-force":     {"link", "not_a_file", true},
		"dangling-symlink":  {"dangling", "exists", false},
		"empty-name-folder": {"folder/", "", true},
	}
	var cases []hostileCase
	for w, args := range writers {
		for name, tg := range targets {
			a := args(tg.out)
			if tg.force {
				a = append(a, "--force")
			}
			cases = append(cases, hostileCase{name: w + "/" + name, args: a, want: tg.want})
		}
	}
	// csr --zip also writes OUT.zip: when that one cannot be written, the
	// CSR is not written either.
	zipTargets := map[string]func(string) error{
		"folder":  func(p string) error { return os.Mkdir(p, 0o755) },
		"fifo":    func(p string) error { return syscall.Mkfifo(p, 0o600) },
		"exists":  func(p string) error { return os.WriteFile(p, []byte("precious\n"), 0o600) },
		"symlink": func(p string) error { return os.Symlink("exists.key", p) },
	}
	for name, mk := range zipTargets {
		out := "zip-" + name + ".csr"
		if err := mk(out + ".zip"); err != nil {
			t.Fatal(err)
		}
		a := []string{"csr", "--profile", "freja", "--key", f.path["key"], "--out", out, "--zip", "--org", "ACME AB", "--org-id", "556677-8881"}
		cases = append(cases, hostileCase{name: "csr-zip/" + name, args: a})
		if name != "exists" {
			cases = append(cases, hostileCase{name: "csr-zip/" + name + "-force", args: append(a, "--force"), want: "not_a_file"})
		}
	}
	runHostileCases(t, cases, nil, work)
}

// TestHostileConfigFiles points --config and CARONBOARD_CONFIG at every kind
// of bad file. A FIFO once blocked every command and /dev/zero was read
// until memory ran out: both are refused at once now, like any input file.
func TestHostileConfigFiles(t *testing.T) {
	f := newHostileFixtures(t)
	work, _ := hostileWorkdir(t)
	dir := t.TempDir()
	mk := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zero, loop := filepath.Join(dir, "zero"), filepath.Join(dir, "loop")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("loop", loop); err != nil {
		t.Fatal(err)
	}
	big := mk("big.yaml", nil)
	if err := os.Truncate(big, 50<<20); err != nil {
		t.Fatal(err)
	}
	garbage := make([]byte, 2048)
	_, _ = rand.Read(garbage)
	bomb := "a: &a [x, x, x, x, x, x, x, x, x]\n"
	for i, prev := 0, "a"; i < 9; i++ {
		name := string(rune('b' + i))
		bomb += name + ": &" + name + " [" + strings.Repeat("*"+prev+", ", 8) + "*" + prev + "]\n"
		prev = name
	}
	inspect := []string{"csr", "inspect", f.path["csr"], "--profile", "freja"}
	key := []string{"key", "--out", "new.key", "--passphrase-file", f.path["newpass"]}
	ping := []string{"ping", "--env", "api", "--addr", closedPort(t), "--timeout", "1s"}
	files := map[string]struct {
		path, want string
		args       []string
	}{
		"fifo":               {fifo, "bad_config", inspect},
		"dev-zero":           {zero, "bad_config", inspect},
		"symlink-loop":       {loop, "bad_config", inspect},
		"folder":             {dir, "bad_config", inspect},
		"50MB":               {big, "bad_config", inspect},
		"missing":            {filepath.Join(dir, "missing.yaml"), "usage", inspect},
		"garbage":            {mk("garbage.yaml", garbage), codeConfigInvalid, inspect},
		"not-yaml":           {mk("tabs.yaml", []byte("bits:\t4096\n  - x\n:")), codeConfigInvalid, inspect},
		"alias-bomb":         {mk("bomb.yaml", []byte(bomb)), codeConfigInvalid, inspect},
		"bits-not-a-number":  {mk("bits.yaml", []byte("bits: lots\n")), codeConfigInvalid, key},
		"bits-a-list":        {mk("bitslist.yaml", []byte("bits: [2048, 4096]\n")), codeConfigInvalid, key},
		"quiet-not-a-bool":   {mk("quiet.yaml", []byte("quiet: maybe\n")), codeConfigInvalid, inspect},
		"environments-list":  {mk("envs.yaml", []byte("environments: [1, 2]\n")), codeConfigInvalid, ping},
		"env-port-text":      {mk("port.yaml", []byte("environments:\n  api:\n    port: https\n")), codeConfigInvalid, ping},
		"env-request-a-list": {mk("request.yaml", []byte("environments:\n  api:\n    request: [GET, /]\n")), codeConfigInvalid, ping},
	}
	var cases []hostileCase
	for name, c := range files {
		cases = append(cases,
			hostileCase{name: "flag/" + name, args: append([]string{"--config", c.path}, c.args...), want: c.want},
			hostileCase{name: "env/" + name, args: c.args, env: map[string]string{"CARONBOARD_CONFIG": c.path}, want: c.want})
	}
	cases = append(cases, hostileCase{name: "flag/empty-accepted", args: append([]string{"--config", mk("empty.yaml", nil)}, inspect...), accept: true})
	runHostileCases(t, cases, nil, work, dir)
}
