package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// makeCSR asks for the subject (and, without a key, the new key's
// passphrase) and runs `caronboard csr` with the answers.
func (g *guide) makeCSR() error {
	args, err := g.askSubject()
	if err != nil {
		return err
	}
	p := g.state.profile()
	args = append([]string{"csr", "--profile", string(p), "--out", g.files.CSR}, args...)
	if p == csr.Freja {
		args = append(args, "--zip")
	}
	secrets := map[string]string{}
	if g.files.has(g.files.Key) {
		args = append(args, "--key", g.files.Key)
		pass, err := g.keyPassphrase()
		if err != nil {
			return err
		}
		secrets[envPassphrase] = pass
	} else {
		args = append(args, "--new-key", g.files.Key)
		pass, err := g.newPassphrase("Passphrase for the new key", "It encrypts "+g.files.Key+"; you need it for every later step. Nothing is shown as you type.")
		if err != nil {
			return err
		}
		g.remember(g.files.Key, pass)
		secrets[envPassphrase] = pass
	}
	ok, err := g.ask.Confirm(Question{Title: "Create the " + map[bool]string{true: "CSR", false: "key and CSR"}[g.files.has(g.files.Key)] + " now?"}, true)
	if err != nil {
		return err
	}
	if !ok {
		g.a.Infof("Nothing was written. Run caronboard init again when you are ready.\n")
		return nil
	}
	if err := saveInitState(g.dir, g.state); err != nil {
		return err
	}
	return g.sub("Create the key and CSR", args, secrets, "the one you typed, handed over in "+envPassphrase+" (never on the command line)")
}

// makeKeystore checks the issued certificate and builds the PKCS#12
// keystore, asking for the key's passphrase and a new one for the keystore.
func (g *guide) makeKeystore() error {
	f := g.files
	g.a.Infof("\nThe certificate is here: next, check it and build the keystore your application loads.\n")
	keyPass, err := g.keyPassphrase()
	if err != nil {
		return err
	}
	verifyArgs := []string{"cert", "verify", "--cert", f.Cert, "--key", f.Key, "--ca", f.CA, "--profile", string(f.profile), "--csr", f.CSR}
	p12Args := []string{"pkcs12", "--out", f.P12, "--cert", f.Cert, "--key", f.Key, "--ca", f.CA}
	if f.Bundle != "" {
		// The bundle holds the chain: pkcs12 checks the key and the chain
		// while building, and pkcs12 inspect checks the profile afterwards.
		verifyArgs = nil
		p12Args = []string{"pkcs12", "--out", f.P12, "--bundle", f.Bundle, "--key", f.Key}
	}
	if verifyArgs != nil {
		if err := g.sub("Check the certificate", verifyArgs, map[string]string{envPassphrase: keyPass}, "the key's, handed over in "+envPassphrase); err != nil {
			return err
		}
	}
	p12Pass, err := g.newPassphrase("Passphrase for the new keystore", "It protects "+f.P12+"; your application needs it to load the keystore.")
	if err != nil {
		return err
	}
	g.remember(f.P12, p12Pass)
	err = g.sub("Build the PKCS#12 keystore", p12Args, map[string]string{envKeyPassphrase: keyPass, envPassphrase: p12Pass},
		"the ones you typed, handed over in "+envKeyPassphrase+" and "+envPassphrase)
	if err != nil || f.Bundle == "" {
		return err
	}
	return g.sub("Check the keystore's certificate against the profile", []string{"pkcs12", "inspect", f.P12, "--profile", string(f.profile)},
		map[string]string{envPassphrase: p12Pass}, "the keystore's, handed over in "+envPassphrase)
}

// offerPing asks whether to test the connection now, and does.
func (g *guide) offerPing() error {
	args := g.pingArgs()
	help := "Runs: caronboard " + shellWords(args)
	if g.state.Env == "sandbox" {
		help += " (start 'caronboard sandbox serve' in another terminal first)"
	}
	ok, err := g.ask.Confirm(Question{Title: "Test the connection to " + g.state.Env + " now?", Help: help}, true)
	if err != nil || !ok {
		return err
	}
	pass, known := g.given[g.files.P12] // typed for the keystore a moment ago: not asked again
	if !known {
		if pass, err = g.ask.Secret(Question{Title: "Passphrase of " + g.files.P12, Validate: nonEmpty}); err != nil {
			return err
		}
	}
	return g.sub("Test the connection", args, map[string]string{envPassphrase: pass}, "the keystore's, handed over in "+envPassphrase)
}

// pingArgs is the ping command for the onboarding's environment.
func (g *guide) pingArgs() []string {
	args := []string{"ping", "--env", g.state.Env, "--p12", g.files.P12}
	if g.files.profile == csr.CAR && g.state.Env != "sandbox" {
		args = append(args, "--ca", g.files.CA)
	}
	return args
}

// keyPassphrase asks for the passphrase of the existing key (if it is
// encrypted) and checks it against the key. A wrong one is asked again in a
// new, empty field: the terminal UI's hidden field would otherwise keep the
// wrong text, and the right passphrase typed after it would fail too.
func (g *guide) keyPassphrase() (string, error) {
	data, err := safefile.ReadFile(g.files.Key, keystore.MaxInputSize)
	if err != nil {
		return "", err
	}
	if !keystore.IsEncrypted(data) {
		return "", nil
	}
	if pass, ok := g.given[g.files.Key]; ok {
		return pass, nil // typed earlier in this run
	}
	help := ""
	for tries := 1; ; tries++ {
		s, err := g.ask.Secret(Question{Title: "Passphrase of " + g.files.Key, Help: help, Validate: nonEmpty})
		if err != nil {
			return "", err
		}
		_, _, err = keystore.ParsePrivateKey(data, func() ([]byte, error) { return []byte(s), nil })
		switch {
		case err == nil:
			g.remember(g.files.Key, s)
			return s, nil
		case !errors.Is(err, keystore.ErrWrongPassphrase):
			return "", err
		case tries == maxPassphraseTries:
			return "", &Error{Code: codeWrongPassphrase, Err: err,
				Message: fmt.Sprintf("wrong passphrase for %s, %d times", g.files.Key, tries),
				Hint:    "find the passphrase the key was made with and run caronboard init again: it continues from here"}
		}
		help = "wrong passphrase: type it again"
	}
}

// remember keeps a passphrase typed in this run for file, so that it is not
// asked again.
func (g *guide) remember(file, pass string) {
	if g.given == nil {
		g.given = map[string]string{}
	}
	g.given[file] = pass
}

// maxPassphraseTries is how often init asks for an existing key's passphrase.
const maxPassphraseTries = 5

// newPassphrase asks for a new passphrase twice, until both agree.
func (g *guide) newPassphrase(title, help string) (string, error) {
	for tries := 0; ; tries++ {
		first, err := g.ask.Secret(Question{Title: title, Help: help, Validate: nonEmpty})
		if err != nil {
			return "", err
		}
		second, err := g.ask.Secret(Question{Title: "Repeat it", Validate: nonEmpty})
		if err != nil {
			return "", err
		}
		if first == second {
			return first, nil
		}
		if tries == 2 {
			return "", &Error{Code: codePassphraseMismatch, Message: "the two passphrases differ", Hint: "run init again and type the same passphrase twice"}
		}
		g.a.Infof("The two passphrases differ: type them again.\n")
	}
}

func nonEmpty(s string) error {
	if s == "" {
		return errors.New("the passphrase is empty: type one (it is not shown)")
	}
	return nil
}

// sub runs one caronboard command as the user would type it, secrets in
// its environment (never in its arguments), printing the command line and
// its output indented.
func (g *guide) sub(title string, args []string, secrets map[string]string, secretNote string) error {
	if g.opts.configFile != "" {
		args = append(args, "--config", g.opts.configFile)
	}
	out := io.Writer(&indentWriter{w: g.a.Out})
	if g.a.JSON() || g.a.Quiet {
		out = &indentWriter{w: g.a.ErrOut}
	}
	s := subcommand{args: args, out: out, errOut: &indentWriter{w: g.a.ErrOut}, noNextSteps: true,
		getenv: func(k string) string {
			if v, ok := secrets[k]; ok {
				return v
			}
			if k == envPassphrase || k == envKeyPassphrase {
				return ""
			}
			return g.a.Getenv(k)
		}}
	line := s.line()
	g.a.Infof("\n== %s\n$ %s\n", title, line)
	if len(secrets) > 0 {
		g.a.Infof("  # passphrase: %s\n", secretNote)
	}
	if e := s.run(g.ctx, g.a); e != nil {
		return stepError(title, line, e, "the output above says why; fix it and run caronboard init again: it continues from here")
	}
	g.done = append(g.done, title)
	return nil
}

// indentWriter indents every line written through it by four spaces.
type indentWriter struct {
	w       io.Writer
	midLine bool
}

func (iw *indentWriter) Write(p []byte) (int, error) {
	var b bytes.Buffer
	for _, c := range p {
		if !iw.midLine && c != '\n' {
			b.WriteString("    ")
		}
		b.WriteByte(c)
		iw.midLine = c != '\n'
	}
	_, err := iw.w.Write(b.Bytes())
	return len(p), err
}

// describeStep says what init did in this run, for the JSON result.
func (g *guide) describeSteps() []string {
	if len(g.done) == 0 {
		return []string{}
	}
	return g.done
}
