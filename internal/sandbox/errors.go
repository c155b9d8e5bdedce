package sandbox

import (
	"errors"
	"fmt"
	"strings"

	"github.com/caronboard/caronboard/pkg/csr"
)

// Sentinel errors. Every error this package returns because of the sandbox
// folder, a CSR or an address wraps one of them.
var (
	// ErrNoSandbox means the folder holds no sandbox, or not all of its files.
	ErrNoSandbox = errors.New("no sandbox")
	// ErrExists means Init found sandbox files and was not told to replace them.
	ErrExists = errors.New("a sandbox already exists")
	// ErrDamaged means the sandbox files are there but do not fit together
	// (a key that is not the certificate's, a certificate not issued by its CA).
	ErrDamaged = errors.New("the sandbox is damaged")
	// ErrRejected means the sandbox CA refused a CSR (see RejectedError).
	ErrRejected = errors.New("certificate request rejected")
	// ErrExpired means a sandbox certificate is no longer (or not yet) valid.
	ErrExpired = errors.New("sandbox certificate not valid now")
	// ErrNotLoopback means a server address is not a loopback address.
	ErrNotLoopback = errors.New("not a loopback address")
)

// NoSandboxError says which files of a sandbox are missing. It wraps
// ErrNoSandbox.
type NoSandboxError struct {
	Dir string
	// Missing lists the missing file names (all of Files() when the folder
	// holds no sandbox at all).
	Missing []string
}

func (e *NoSandboxError) Error() string {
	if len(e.Missing) >= len(files) {
		return fmt.Sprintf("no sandbox in %s: run caronboard sandbox init", e.Dir)
	}
	return fmt.Sprintf("the sandbox in %s is incomplete (%s missing): run caronboard sandbox init --force",
		e.Dir, strings.Join(e.Missing, ", "))
}

// Unwrap returns ErrNoSandbox.
func (e *NoSandboxError) Unwrap() error { return ErrNoSandbox }

// ExistsError says that Init found an existing sandbox. It wraps ErrExists.
type ExistsError struct {
	Dir string
	// Present lists the sandbox files found.
	Present []string
}

func (e *ExistsError) Error() string {
	return fmt.Sprintf("a sandbox already exists in %s (%s): pass --force to replace it",
		e.Dir, strings.Join(e.Present, ", "))
}

// Unwrap returns ErrExists.
func (e *ExistsError) Unwrap() error { return ErrExists }

// RejectedError is the sandbox CA's refusal of a CSR that breaks the
// profile's rules, as the real CA would send it back. It wraps ErrRejected.
type RejectedError struct {
	Profile csr.Profile
	// Findings is everything csr.Lint found, warnings included; at least
	// one is an error.
	Findings []csr.Finding
}

// Errors returns the findings of severity error.
func (e *RejectedError) Errors() []csr.Finding {
	var out []csr.Finding
	for _, f := range e.Findings {
		if f.Severity == csr.SeverityError {
			out = append(out, f)
		}
	}
	return out
}

// Error lists every error finding as "field: message", the words of
// `caronboard csr inspect`.
func (e *RejectedError) Error() string {
	errs := e.Errors()
	msgs := make([]string, len(errs))
	for i, f := range errs {
		msgs[i] = f.Message
		if f.Field != "" {
			msgs[i] = f.Field + ": " + f.Message
		}
	}
	return fmt.Sprintf("the sandbox CA refuses the request: it breaks %d %s rule(s): %s",
		len(errs), e.Profile.DisplayName(), strings.Join(msgs, "; "))
}

// Unwrap returns ErrRejected.
func (e *RejectedError) Unwrap() error { return ErrRejected }

// damaged reports a sandbox whose files do not fit together.
func damaged(dir, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s: run caronboard sandbox init --force", ErrDamaged, dir, fmt.Sprintf(format, args...))
}
