package cmd

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/internal/sandbox"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// NewDemoCmd rehearses the whole lifecycle offline against the sandbox.
func NewDemoCmd(a *App) *cobra.Command {
	var dir string
	var force bool
	c := &cobra.Command{
		Use:         "demo [--dir DIR [--force]]",
		Annotations: map[string]string{ownConfig: "true"},
		Short:       "Rehearse the whole lifecycle offline against the built-in sandbox",
		Long: `Run the whole client-certificate lifecycle on this machine, printing each command as
you would type it and what it answered:

  sandbox init → key → csr (CAR profile) → sandbox sign → cert verify → pkcs12 →
  sandbox serve (in-process, on a free loopback port) → ping → fetch a signed result →
  jws verify

It needs no network and no real CA. Without --dir it works in a temporary folder that
is removed at the end; with --dir the files stay there to look at. The passphrases are
written to files in that folder (demo material only). A --dir that already holds any
file the demo writes (client.key, client.p12, …) is refused, naming them, unless --force
is given: the demo never silently replaces a real key. It reads none of your settings:
not the default config file, not CARONBOARD_* or proxy variables, not your JWS signer
store, and it records no ping, so it runs the same on every machine.

Examples:
  caronboard demo
  caronboard demo --dir ./rehearsal
  caronboard demo --dir ./rehearsal --force    # run it again in the same folder

Exit codes: 0 every step worked, 1 a step failed, 2 usage error.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return demoRun(cmd.Context(), a, dir, force)
		},
	}
	c.Flags().StringVar(&dir, "dir", "", "keep the demo's files in this folder (created if missing)")
	c.Flags().BoolVar(&force, "force", false, "with --dir: replace the files an earlier demo left there")
	return c
}

// demoStep is one step of the demo, for the JSON result.
type demoStep struct {
	Name    string `json:"name"`
	Command string `json:"command,omitempty"`
	OK      bool   `json:"ok"`
}

// demo carries the state of one demo run.
type demo struct {
	a     *App
	ctx   context.Context
	dir   string
	steps []demoStep
}

func demoRun(ctx context.Context, a *App, dir string, force bool) error {
	keep := dir != ""
	if keep && !force {
		if err := checkDemoDir(dir); err != nil {
			return err
		}
	}
	if !keep {
		tmp, err := os.MkdirTemp("", "caronboard-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	d := &demo{a: a, ctx: ctx, dir: dir}
	a.Infof("caronboard demo: the whole lifecycle, offline, in %s\n", dir)
	err := d.run()
	a.SetResult(struct {
		Dir   string     `json:"dir"`
		Kept  bool       `json:"kept"`
		Steps []demoStep `json:"steps"`
	}{dir, keep, d.steps})
	if err != nil {
		return err
	}
	a.Infof("\nEvery step worked. ")
	if keep {
		a.Infof("The files are in %s.\n", dir)
	} else {
		a.Infof("The temporary folder was removed; run 'caronboard demo --dir DIR' to keep the files.\n")
	}
	return nil
}

// demoFiles are the names the demo writes in its folder.
var demoFiles = []string{"key-pass.txt", "p12-pass.txt", "sandbox", "client.key", "client.csr", "client.cer", "client.p12", "result.json"}

// checkDemoDir refuses a folder holding any file the demo would write: the
// demo replaces its files, and in a real folder they are the user's.
func checkDemoDir(dir string) error {
	var found []string
	for _, name := range demoFiles {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			found = append(found, name)
		}
	}
	if len(found) == 0 {
		return nil
	}
	return &Error{Code: codeExists, Err: safefile.ErrExists,
		Message: fmt.Sprintf("%s already holds %s, which the demo would replace", dir, strings.Join(found, ", ")),
		Hint:    "give a new or empty --dir; or, if these are an earlier demo's files, pass --force to replace them"}
}

// p joins a name to the demo folder.
func (d *demo) p(name string) string { return filepath.Join(d.dir, name) }

func (d *demo) run() error {
	for _, f := range []struct{ name, secret string }{{"key-pass.txt", "demo key passphrase"}, {"p12-pass.txt", "demo keystore passphrase"}} {
		if err := safefile.WriteFile(d.p(f.name), []byte(f.secret+"\n"), 0o600, true); err != nil {
			return err
		}
	}
	sb := d.p("sandbox")
	steps := []struct {
		title string
		args  []string
	}{
		{"Make a local CA and API server (the sandbox)", []string{"sandbox", "init", "--dir", sb, "--force"}},
		{"Generate the RSA-4096 key the CAR API requires", []string{"key", "--out", d.p("client.key"), "--passphrase-file", d.p("key-pass.txt"), "--force"}},
		{"Make the CSR for a bank with organisation code DEMO01", []string{"csr", "--profile", "car", "--key", d.p("client.key"), "--passphrase-file", d.p("key-pass.txt"), "--out", d.p("client.csr"), "--org-code", "DEMO01", "--role", "bank", "--force"}},
		{"The CA issues the certificate (here: the sandbox CA)", []string{"sandbox", "sign", "--dir", sb, "--csr", d.p("client.csr"), "--profile", "car", "--out", d.p("client.cer"), "--force"}},
		{"Check the certificate that came back", []string{"cert", "verify", "--cert", d.p("client.cer"), "--key", d.p("client.key"), "--passphrase-file", d.p("key-pass.txt"), "--ca", filepath.Join(sb, "ca.pem"), "--profile", "car"}},
		{"Build the PKCS#12 keystore the application loads", []string{"pkcs12", "--out", d.p("client.p12"), "--cert", d.p("client.cer"), "--key", d.p("client.key"), "--ca", filepath.Join(sb, "ca.pem"), "--key-passphrase-file", d.p("key-pass.txt"), "--passphrase-file", d.p("p12-pass.txt"), "--force"}},
	}
	for _, s := range steps {
		if err := d.sub(s.title, s.args, nil); err != nil {
			return err
		}
	}
	return d.serveAndPing(sb)
}

// serveAndPing starts the sandbox server in-process, pings it, fetches a
// signed result and verifies it.
func (d *demo) serveAndPing(sbDir string) error {
	sb, err := sandbox.Load(sbDir)
	if err != nil {
		return err
	}
	srv, err := sb.NewServer("127.0.0.1:0", 0, d.a.Now)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(d.ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	d.a.Infof("\n== Start the sandbox API server (in-process, on %s)\n", srv.Addr())
	d.a.Infof("$ caronboard sandbox serve --dir %s --addr %s   # the same by hand, in another terminal\n", shellWords([]string{sbDir}), srv.Addr())
	d.steps = append(d.steps, demoStep{Name: "sandbox serve", OK: true})

	if err := d.sub("Prove mutual TLS works, and see why when it does not", []string{"ping", "--env", "sandbox", "--addr", srv.Addr(), "--sandbox-dir", sbDir, "--p12", d.p("client.p12"), "--passphrase-file", d.p("p12-pass.txt")}, nil); err != nil {
		return err
	}
	result, err := fetchDemoResult(d.ctx, srv, d.p("client.p12"), d.p("p12-pass.txt"), sb)
	d.steps = append(d.steps, demoStep{Name: "fetch a signed result", OK: err == nil})
	if err != nil {
		return fmt.Errorf("fetching a signed result from the sandbox: %w", err)
	}
	if err := safefile.WriteFile(d.p("result.json"), result, 0o644, true); err != nil {
		return err
	}
	d.a.Infof("\n== Fetch an authentication result (Freja-like, signed by the sandbox signer) into %s\n", d.p("result.json"))
	d.printCurl(srv, sbDir, result)
	// Verify it as a relying party's backend must: bound to the authRef the request got, and fresh.
	var fetched struct {
		AuthRef string `json:"authRef"`
	}
	_ = json.Unmarshal(result, &fetched)
	return d.sub("Verify the signed result", []string{"jws", "verify", "--cert", filepath.Join(sbDir, "signer.pem"),
		"--expect-ref", fetched.AuthRef, "--max-age", "2m", "-"}, bytes.NewReader(result))
}

// sub runs one caronboard command as the user would type it, printing the
// command line and its output indented.
func (d *demo) sub(title string, args []string, stdin io.Reader) error {
	var out bytes.Buffer
	s := subcommand{args: args, in: stdin, out: &out, errOut: &out, getenv: demoGetenv(d.a.Getenv), noPingRecord: true,
		configDir: filepath.Join(d.dir, "no-user-config")}
	line := s.line()
	d.a.Infof("\n== %s\n$ %s\n", title, line)
	e := s.run(d.ctx, d.a)
	d.a.Infof("%s", indent(out.String()))
	d.steps = append(d.steps, demoStep{Name: title, Command: line, OK: e == nil})
	if e != nil {
		// A failing demo step is a bug of the demo, whatever the step's own code.
		return &Error{Code: codeDemoFailed, Message: "demo step failed: " + line, Err: e,
			Hint: "the output above says why; please report it, the demo should always work"}
	}
	return nil
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	return "    " + strings.ReplaceAll(s, "\n", "\n    ") + "\n"
}

// fetchDemoResult authenticates the sandbox's test user over mutual TLS with
// the demo's keystore and returns the Freja-like result the server signed.
func fetchDemoResult(ctx context.Context, srv *sandbox.Server, p12File, passFile string, sb *sandbox.Sandbox) ([]byte, error) {
	data, err := safefile.ReadFile(p12File, maxKeystoreSize)
	if err != nil {
		return nil, err
	}
	pass, err := safefile.ReadFile(passFile, maxPassphraseFile)
	if err != nil {
		return nil, err
	}
	c, err := keystore.DecodePKCS12(data, strings.TrimRight(string(pass), "\r\n"))
	if err != nil {
		return nil, err
	}
	cred := tls.Certificate{Certificate: [][]byte{c.Leaf.Raw}, PrivateKey: c.Key, Leaf: c.Leaf}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: sb.ClientTLSConfig(cred)}, Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	return sandbox.Authenticate(ctx, client, srv.URL())
}

// printCurl prints the two requests of the fetch as curl commands, so that
// the step can be repeated by hand against 'caronboard sandbox serve'. curl
// asks for the key's passphrase (the text in key-pass.txt) itself, so it
// never appears in a command line.
func (d *demo) printCurl(srv *sandbox.Server, sbDir string, result []byte) {
	var r struct {
		AuthRef string `json:"authRef"`
	}
	_ = json.Unmarshal(result, &r)
	if r.AuthRef == "" {
		r.AuthRef = "AUTHREF"
	}
	initForm, _, err := sandbox.AuthenticateForms(r.AuthRef)
	if err != nil {
		return
	}
	base := shellWords([]string{"curl", "--cacert", filepath.Join(sbDir, "ca.pem"), "--cert", d.p("client.cer"), "--key", d.p("client.key")})
	d.a.Infof("$ %s --data %s %s%s   # prints the authRef\n", base, initForm, srv.URL(), sandbox.PathInitAuthentication)
	// The authRef differs on every run: the second line builds its form from the one the first curl printed.
	d.a.Infof("$ %s --data-urlencode \"%s=$(printf '{\"authRef\":\"%%s\"}' AUTHREF | base64 -w0)\" %s%s -o %s   # AUTHREF: the one printed above\n",
		base, sandbox.ParamGetOneAuthResult, srv.URL(), sandbox.PathAuthGetOneResult, shellWords([]string{d.p("result.json")}))
}

// demoGetenv hides the user's CARONBOARD_* settings and proxy variables from
// the demo's steps: with its own (absent) config folder, this makes the
// rehearsal the same on every machine, whatever the user has configured.
func demoGetenv(getenv func(string) string) func(string) string {
	return func(name string) string {
		switch upper := strings.ToUpper(name); {
		case strings.HasPrefix(upper, "CARONBOARD_"), strings.HasSuffix(upper, "_PROXY"):
			return ""
		}
		return getenv(name)
	}
}
