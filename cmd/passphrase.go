package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/caronboard/caronboard/internal/safefile"
)

// Environment variables that may carry secrets. They are read directly, never
// through the config file, and never echoed.
const (
	envPassphrase    = "CARONBOARD_PASSPHRASE"
	envKeyPassphrase = "CARONBOARD_KEY_PASSPHRASE"
)

// maxPassphraseFile bounds what a passphrase file may hold.
const maxPassphraseFile = 64 << 10

// Prompter asks for a secret without echo.
type Prompter interface {
	Password(prompt string) ([]byte, error)
}

// termPrompter reads a secret from a terminal with echo turned off.
type termPrompter struct {
	in  *os.File
	out io.Writer
}

func (p *termPrompter) Password(prompt string) ([]byte, error) {
	return p.PasswordContext(context.Background(), prompt)
}

// PasswordContext reads a secret, giving up at once when ctx is done (the
// first Ctrl-C: the terminal stays in its signal-generating mode, so it
// cancels the command's context) instead of waiting for Enter. The read
// runs in a goroutine; on cancellation the terminal's echo is restored here
// and the goroutine is left to the process's exit.
func (p *termPrompter) PasswordContext(ctx context.Context, prompt string) ([]byte, error) {
	fd := int(p.in.Fd())
	fmt.Fprint(p.out, prompt)
	defer fmt.Fprintln(p.out)
	state, err := term.GetState(fd)
	if err != nil {
		return nil, err
	}
	type answer struct {
		b   []byte
		err error
	}
	done := make(chan answer, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		done <- answer{b, err}
	}()
	select {
	case a := <-done:
		return a.b, a.err
	case <-ctx.Done():
		_ = term.Restore(fd, state)
		return nil, ctx.Err()
	}
}

// contextPrompter is a Prompter that stops asking when a context is done.
type contextPrompter interface {
	PasswordContext(ctx context.Context, prompt string) ([]byte, error)
}

// password asks the App's Prompter, under the command's context when the
// Prompter can use one.
func (a *App) password(prompt string) ([]byte, error) {
	if cp, ok := a.Prompter.(contextPrompter); ok && a.ctx != nil {
		return cp.PasswordContext(a.ctx, prompt)
	}
	return a.Prompter.Password(prompt)
}

// secretSpec says where one secret may come from, in order of precedence.
type secretSpec struct {
	what     string // "passphrase for the new key", used in prompts and errors
	file     string // value of the file flag; "-" is stdin
	fileFlag string // e.g. "--passphrase-file"
	envVar   string // e.g. CARONBOARD_PASSPHRASE
	confirm  bool   // ask twice when prompting (setting a new secret)
	noneFlag string // flag that explicitly allows no secret, for the hint ("" if none)
}

// errNoSecret is returned when no source gave a secret and none may be prompted for.
var errNoSecret = errors.New("no passphrase given")

// readSecret returns the secret from the file flag, the environment variable
// or, on a terminal, a prompt without echo. An empty secret is refused.
func (a *App) readSecret(s secretSpec) ([]byte, error) {
	hint := fmt.Sprintf("give it with %s FILE (- for stdin) or %s", s.fileFlag, s.envVar)
	if s.noneFlag != "" {
		hint += ", or pass " + s.noneFlag + " to store the key unencrypted"
	}
	var secret []byte
	switch {
	case s.file != "":
		b, err := a.readSecretFile(s.file)
		if err != nil {
			return nil, &Error{Code: codePassphraseFile, Message: fmt.Sprintf("cannot read %s: %v", s.fileFlag, err), Hint: "check the path given to " + s.fileFlag, Err: err}
		}
		secret = b
	case a.Getenv(s.envVar) != "":
		secret = []byte(a.Getenv(s.envVar))
	case a.CanPrompt():
		b, err := a.promptSecret(s)
		if err != nil {
			return nil, err
		}
		secret = b
	default:
		return nil, &Error{Code: codePassphraseRequired, Message: errNoSecret.Error() + " (" + s.what + ") and no terminal to ask on", Hint: hint, Err: errNoSecret}
	}
	if len(secret) == 0 {
		return nil, &Error{Code: codeEmptyPassphrase, Message: "the " + s.what + " is empty", Hint: hint}
	}
	return secret, nil
}

// readSecretFile reads a passphrase file ("-" = stdin) and trims one trailing
// newline (LF or CRLF), as `openssl -passin file:` does.
func (a *App) readSecretFile(name string) ([]byte, error) {
	var b []byte
	var err error
	if name == "-" {
		b, err = io.ReadAll(io.LimitReader(a.In, maxPassphraseFile+1))
		if err == nil && len(b) > maxPassphraseFile {
			err = safefile.ErrTooLarge
		}
	} else {
		b, err = safefile.ReadFile(name, maxPassphraseFile)
	}
	if err != nil {
		return nil, err
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i] // the first line is the passphrase
	}
	return bytes.TrimSuffix(b, []byte("\r")), nil
}

// promptSecret asks on the terminal, twice when setting a new secret.
func (a *App) promptSecret(s secretSpec) ([]byte, error) {
	first, err := a.password("Enter " + s.what + ": ")
	if err != nil {
		return nil, fmt.Errorf("reading the %s: %w", s.what, err)
	}
	if !s.confirm || len(first) == 0 {
		return first, nil
	}
	second, err := a.password("Repeat " + s.what + ": ")
	if err != nil {
		return nil, fmt.Errorf("reading the %s: %w", s.what, err)
	}
	if !bytes.Equal(first, second) {
		return nil, &Error{Code: codePassphraseMismatch, Message: "the two passphrases differ", Hint: "run the command again and type the same passphrase twice"}
	}
	return first, nil
}
