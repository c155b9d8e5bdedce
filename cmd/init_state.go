package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/csr"
)

// initStateFile keeps init's answers (no secrets) in the working folder, so
// that a later run continues instead of asking again.
const initStateFile = "caronboard-init.json"

// initState is what init remembers about a working folder.
type initState struct {
	Profile string `json:"profile"`
	Env     string `json:"env"`
}

func (s initState) profile() csr.Profile { return csr.Profile(s.Profile) }

func loadInitState(dir string) (initState, bool, error) {
	var s initState
	data, err := safefile.ReadFile(filepath.Join(dir, initStateFile), 64<<10)
	if errors.Is(err, fs.ErrNotExist) {
		return s, false, nil
	}
	if err != nil {
		return s, false, err
	}
	if err := json.Unmarshal(data, &s); err != nil || (s.Profile != "car" && s.Profile != "freja") || s.Env == "" {
		return s, false, &Error{Code: codeBadState,
			Message: fmt.Sprintf("%s is damaged", filepath.Join(dir, initStateFile)),
			Hint:    "delete it and run init again: it asks for the API and environment, and keeps the key and CSR that exist"}
	}
	return s, true, nil
}

func saveInitState(dir string, s initState) error {
	data, _ := json.MarshalIndent(s, "", "  ")
	return safefile.WriteFile(filepath.Join(dir, initStateFile), append(data, '\n'), 0o644, true)
}

// initFiles are the files of one onboarding, by fixed names in the working
// folder: client.* for CAR, rp.* for Freja.
type initFiles struct {
	profile csr.Profile
	env     string
	Key     string
	CSR     string
	Zip     string // Freja: the CSR zipped for partner support
	Cert    string // the issued certificate (CAR client.cer; Freja rp.cer)
	CA      string // the CA certificate(s) it chains to
	Bundle  string // Freja: the ZIP partner support sent, if one is there
	P12     string
	present map[string]bool
}

// filePrefix is the base name of a profile's files.
func filePrefix(p csr.Profile) string {
	if p == csr.Freja {
		return "rp"
	}
	return "client"
}

// findFiles names the onboarding's files and looks which exist.
func findFiles(dir, sandboxDir string, s initState) initFiles {
	p := s.profile()
	base := filepath.Join(dir, filePrefix(p))
	f := initFiles{profile: p, env: s.Env, Key: base + ".key", CSR: base + ".csr", Cert: base + ".cer",
		CA: filepath.Join(dir, "ca.cer"), P12: base + ".p12", present: map[string]bool{}}
	if p == csr.Freja {
		f.Zip = f.CSR + ".zip"
	}
	if s.Env == "sandbox" {
		f.CA = filepath.Join(sandboxDir, "ca.pem")
	}
	for _, path := range []string{f.Key, f.CSR, f.Zip, f.Cert, f.CA, f.P12} {
		if path != "" && exists(path) {
			f.present[path] = true
		}
	}
	if p == csr.Freja && s.Env != "sandbox" {
		f.Bundle = findBundle(dir, f.Zip)
	}
	return f
}

// findBundle returns the first ZIP in dir other than the zipped CSR: the one
// Freja partner support sent back.
func findBundle(dir, csrZip string) string {
	matches, _ := filepath.Glob(filepath.Join(dir, "*.zip"))
	sort.Strings(matches)
	for _, m := range matches {
		if m != csrZip {
			return m
		}
	}
	return ""
}

func (f initFiles) has(path string) bool { return path != "" && f.present[path] }

// certReady reports whether what the CA sends back is in the folder.
func (f initFiles) certReady() bool {
	if f.Bundle != "" {
		return true
	}
	return f.has(f.Cert) && f.has(f.CA)
}

// summary lists what exists, one line each.
func (f initFiles) summary() string {
	var b strings.Builder
	line := func(path, what string) {
		if f.has(path) {
			fmt.Fprintf(&b, "  found %-24s %s\n", filepath.Base(path), what)
		}
	}
	line(f.Key, "private key")
	line(f.CSR, "certificate signing request")
	line(f.Cert, "issued certificate")
	if f.Bundle != "" {
		fmt.Fprintf(&b, "  found %-24s %s\n", filepath.Base(f.Bundle), "certificate ZIP from Freja partner support")
	}
	if f.env != "sandbox" {
		line(f.CA, "CA certificate")
	}
	line(f.P12, "PKCS#12 keystore")
	if b.Len() == 0 {
		return ""
	}
	return "\n" + b.String()
}

// chooseDir asks for the working folder (unless --dir was given), creates it
// if missing and refuses a file.
func (g *guide) chooseDir() error {
	dir := g.opts.Dir
	if !g.opts.dirSet {
		ans, err := g.ask.Input(Question{
			Title:   "Working folder",
			Help:    "The key, CSR, certificate and keystore are kept here; run init here again to continue.",
			Default: ".",
			Validate: func(s string) error {
				if fi, err := os.Stat(s); err == nil && !fi.IsDir() {
					return fmt.Errorf("%s is a file: give a folder", s)
				}
				return nil
			},
		})
		if err != nil {
			return err
		}
		dir = ans
	}
	dir = expandHome(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return failErr(codeDir, "choose a folder you can write to", err)
	}
	g.dir = dir
	return nil
}

// loadOrAsk reads the folder's saved answers, or recognises an earlier
// onboarding from its files, or asks for the API and environment. It reports
// whether this continues an earlier run.
func (g *guide) loadOrAsk() (bool, error) {
	s, ok, err := loadInitState(g.dir)
	if err != nil || ok {
		g.state = s
		return ok, err
	}
	profile := g.opts.Profile
	for _, p := range csr.Profiles {
		base := filepath.Join(g.dir, filePrefix(p))
		if exists(base+".key") || exists(base+".csr") {
			profile = string(p)
			g.a.Infof("Found %s files in %s: continuing the %s onboarding.\n", filePrefix(p), g.dir, p.DisplayName())
		}
	}
	if profile == "" {
		if profile, err = g.askProfile(); err != nil {
			return false, err
		}
	}
	env, err := g.askEnv(csr.Profile(profile))
	if err != nil {
		return false, err
	}
	g.state = initState{Profile: profile, Env: env}
	return false, nil
}

func (g *guide) askProfile() (string, error) {
	return g.ask.Select(Question{Title: "Which API?", Default: g.opts.Profile}, []Option{
		{Label: "CAR — the E-faktura CAR API (banks, CTDs): RSA 4096, organisation code and role", Value: "car"},
		{Label: "Freja — the Freja eID relying-party API: organisation number and legal name", Value: "freja"},
	})
}

func (g *guide) askEnv(p csr.Profile) (string, error) {
	envs, err := g.a.environments()
	if err != nil {
		return "", err
	}
	var opts []Option
	for _, name := range envNames(envs) {
		e := envs[name]
		if e.Profile == string(p) && name != "sandbox" {
			opts = append(opts, Option{Label: fmt.Sprintf("%s — %s (%s)", name, e.Description, e.Addr()), Value: name})
		}
	}
	// Test environments first, production last, then the local rehearsal.
	sort.SliceStable(opts, func(i, j int) bool { return envRank(opts[i].Value) < envRank(opts[j].Value) })
	opts = append(opts, Option{Label: "sandbox — rehearse on this machine: the local sandbox plays the CA and the API", Value: "sandbox"})
	def := g.opts.Env
	if _, ok := envs[def]; !ok {
		def = ""
	}
	return g.ask.Select(Question{Title: "Which environment?", Default: def,
		Help: "The environment decides where the connection test goes; the certificate request is the same."}, opts)
}

// envRank orders environments: test ones first, production last.
func envRank(name string) int {
	switch name {
	case "api", "freja-prod":
		return 2
	case "stage":
		return 1
	}
	return 0
}
