package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"charm.land/huh/v2"
	"github.com/charmbracelet/colorprofile"
	"golang.org/x/term"
)

// Asker asks the questions of an interactive command (caronboard init). It is
// the only thing init knows about prompting, so tests can drive init through
// huh's accessible mode with their own streams.
type Asker interface {
	// Select asks to choose one option and returns its value.
	Select(q Question, options []Option) (string, error)
	// Input asks for one line of text, re-asking until q.Validate accepts it.
	// An empty answer means q.Default.
	Input(q Question) (string, error)
	// Secret asks for a secret without echo, re-asking until q.Validate
	// accepts it.
	Secret(q Question) (string, error)
	// Confirm asks a yes/no question.
	Confirm(q Question, def bool) (bool, error)
}

// Question is one prompt: a title, an optional explanation shown with it, a
// default answer and the rule the answer must pass (checked as it is typed).
type Question struct {
	Title    string
	Help     string
	Default  string
	Validate func(string) error
}

// Option is one choice of a Select.
type Option struct {
	Label string
	Value string
}

// errAborted is returned when the user leaves a form (Ctrl-C).
var errAborted = &Error{Code: codeInterrupted, Message: "interrupted: nothing more was asked or written",
	Hint: "run caronboard init again in the same folder: it continues from what exists"}

// huhAsker asks with charm.land/huh/v2, one small form per question: the full
// terminal UI, or in accessible mode plain line-by-line prompts that screen
// readers can follow.
type huhAsker struct {
	in         io.Reader
	out        io.Writer
	accessible bool
	// ctx is the command's: every question stops when it is done (Ctrl-C).
	ctx context.Context
}

// newHuhAsker returns an Asker reading in and writing its prompts to out.
// In accessible mode colour is stripped unless out is a terminal and NO_COLOR
// is unset; the terminal UI decides the same for itself (bubbletea reads
// NO_COLOR and probes out), and needs out unwrapped to draw at all.
func newHuhAsker(in io.Reader, out io.Writer, accessible bool, getenv func(string) string) *huhAsker {
	if accessible && !colorOn(out, getenv) {
		out = &colorprofile.Writer{Forward: out, Profile: colorprofile.NoTTY}
	}
	return &huhAsker{in: in, out: out, accessible: accessible}
}

func (h *huhAsker) run(field huh.Field, help string) error {
	if h.accessible && help != "" {
		fmt.Fprintln(h.out, help)
	}
	f := huh.NewForm(huh.NewGroup(field)).WithAccessible(h.accessible).
		WithInput(h.in).WithOutput(h.out).WithShowHelp(!h.accessible)
	ctx := h.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	var err error
	if h.accessible {
		err = h.runAccessible(ctx, f)
	} else {
		err = f.RunWithContext(ctx) // the terminal UI reads Ctrl-C as a key, and stops with ctx
	}
	if errors.Is(err, huh.ErrUserAborted) || ctx.Err() != nil {
		return errAborted
	}
	return err
}

// runAccessible runs a line-by-line form, which reads without looking at a
// context: in a goroutine, given up when ctx is done (Ctrl-C on a terminal in
// line mode sends SIGINT, which cancels it) after restoring the terminal's
// echo, which a secret question turns off.
func (h *huhAsker) runAccessible(ctx context.Context, f *huh.Form) error {
	var restore func()
	if in, ok := h.in.(*os.File); ok && term.IsTerminal(int(in.Fd())) {
		if st, err := term.GetState(int(in.Fd())); err == nil {
			restore = func() { _ = term.Restore(int(in.Fd()), st) }
		}
	}
	done := make(chan error, 1)
	go func() { done <- f.Run() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		if restore != nil {
			restore()
		}
		fmt.Fprintln(h.out)
		return ctx.Err()
	}
}

// Select implements Asker.
func (h *huhAsker) Select(q Question, options []Option) (string, error) {
	value := ""
	opts := make([]huh.Option[string], len(options))
	for i, o := range options {
		opts[i] = huh.NewOption(o.Label, o.Value)
		if o.Value == q.Default {
			value = q.Default
		}
	}
	if value == "" && len(options) > 0 {
		value = options[0].Value // no default, or one that is not an option
	}
	// A pointer value gives accessible mode its default (Enter keeps it).
	s := huh.NewSelect[string]().Title(q.Title).Options(opts...).Value(&value)
	if !h.accessible && q.Help != "" {
		s.Description(q.Help)
	}
	if err := h.run(s, q.Help); err != nil {
		return "", err
	}
	if !h.accessible {
		// The full-screen form clears itself when done: leave the answer
		// on the screen, as accessible mode does.
		for _, o := range options {
			if o.Value == value {
				fmt.Fprintf(h.out, "%s %s\n", q.Title, o.Label)
			}
		}
	}
	return value, nil
}

// Input implements Asker.
func (h *huhAsker) Input(q Question) (string, error) {
	return h.input(q, huh.EchoModeNormal)
}

// Secret implements Asker. On a terminal nothing typed is echoed; in
// accessible mode over a stream that is not a terminal (tests) there is no
// echo to turn off, and the answer is read as a line.
func (h *huhAsker) Secret(q Question) (string, error) {
	mode := huh.EchoModeNone
	if h.accessible && !isTerminal(h.in) {
		mode = huh.EchoModeNormal
	}
	return h.input(q, mode)
}

func (h *huhAsker) input(q Question, mode huh.EchoMode) (string, error) {
	// The default is the initial value: edited in place on the terminal UI,
	// kept with Enter in accessible mode (which shows it in the title). No
	// placeholder: bubbles' textinput can panic drawing one before it knows
	// the terminal's width.
	value := q.Default
	title := q.Title
	if h.accessible && q.Default != "" {
		title += " [" + q.Default + "]"
	}
	check := func(s string) error {
		if s == "" {
			s = q.Default
		}
		if q.Validate == nil {
			return nil
		}
		return q.Validate(s)
	}
	in := huh.NewInput().Title(title).Value(&value).Validate(check).EchoMode(mode)
	if !h.accessible && q.Help != "" {
		in.Description(q.Help)
	}
	if err := h.run(in, q.Help); err != nil {
		return "", err
	}
	if value == "" {
		value = q.Default
	}
	// Accessible mode gives up at end of input with whatever it had: check
	// again, so that a closed stream is an error and never a wrong answer.
	if err := check(value); err != nil {
		return "", &Error{Code: codeInputEnded, Err: errInputEnded,
			Message: fmt.Sprintf("%v (%s: %v)", errInputEnded, q.Title, err),
			Hint:    "answer every question; run caronboard init again to continue"}
	}
	return value, nil
}

// Confirm implements Asker.
func (h *huhAsker) Confirm(q Question, def bool) (bool, error) {
	value := def
	c := huh.NewConfirm().Title(q.Title).Value(&value)
	if !h.accessible && q.Help != "" {
		c.Description(q.Help)
	}
	if err := h.run(c, q.Help); err != nil {
		return false, err
	}
	return value, nil
}

// Password lets a huhAsker stand in as the App's Prompter (tests inject one
// there, and init then asks every question through it).
func (h *huhAsker) Password(prompt string) ([]byte, error) {
	s, err := h.Secret(Question{Title: strings.TrimSuffix(strings.TrimSpace(prompt), ":")})
	return []byte(s), err
}

// errInputEnded means the input closed before a valid answer was given.
var errInputEnded = errors.New("input ended before a valid answer")

// isTerminal reports whether r is a terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// problems turns a validation error from pkg/csr into the text shown under
// the field as it is typed: each problem with its hint.
func problems(err error) error {
	if err == nil {
		return nil
	}
	var lines []string
	for _, d := range classify(err).Details {
		line := d.Message
		if d.Hint != "" {
			line += " (" + d.Hint + ")"
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return err
	}
	return errors.New(strings.Join(lines, "; "))
}
