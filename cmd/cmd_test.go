package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// testApp is an App with captured streams and an empty environment.
func testApp(env map[string]string) (*App, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	a := &App{
		In: strings.NewReader(""), Out: &out, ErrOut: &errOut,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) },
		Output: "text",
	}
	return a, &out, &errOut
}

func TestCSRFlagValidation(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string // "" means the flags are accepted
	}{
		{"freja with key", []string{"--profile", "freja", "--key", "k", "--out", "o", "--org", "A", "--org-id", "1"}, ""},
		{"car with new key", []string{"--profile", "car", "--new-key", "k", "--out", "o", "--org-code", "B", "--role", "bank"}, ""},
		{"no profile", []string{"--key", "k", "--out", "o"}, "--profile is required"},
		{"unknown profile", []string{"--profile", "x", "--key", "k", "--out", "o"}, "unknown profile"},
		{"no out", []string{"--profile", "car", "--key", "k"}, "--out is required"},
		{"no key", []string{"--profile", "car", "--out", "o"}, "exactly one of --key and --new-key"},
		{"both keys", []string{"--profile", "car", "--out", "o", "--key", "a", "--new-key", "b"}, "exactly one of --key and --new-key"},
		{"bits without new key", []string{"--profile", "car", "--out", "o", "--key", "a", "--bits", "4096"}, "--bits needs --new-key"},
		{"no-passphrase with key", []string{"--profile", "freja", "--out", "o", "--key", "a", "--no-passphrase", "--org", "A", "--org-id", "1"}, ""},
		{"no-passphrase with passphrase file", []string{"--profile", "car", "--out", "o", "--key", "a", "--no-passphrase", "--passphrase-file", "p"}, "cannot be used together"},
		{"out is key", []string{"--profile", "car", "--out", "a", "--key", "a"}, "--out must not name the key file"},
		{"car flag on freja", []string{"--profile", "freja", "--out", "o", "--key", "a", "--role", "bank"}, "--role is not a freja flag"},
		{"freja flag on car", []string{"--profile", "car", "--out", "o", "--key", "a", "--unit", "x"}, "--unit is not a car flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _, _ := testApp(nil)
			ran := false
			c := NewCSRCmd(a, func(context.Context, *CSROptions) error { ran = true; return nil })
			c.SetArgs(tt.args)
			c.SetOut(&bytes.Buffer{})
			c.SetErr(&bytes.Buffer{})
			err := c.Execute()
			if tt.wantErr == "" {
				if err != nil || !ran {
					t.Fatalf("want accepted, got err=%v ran=%v", err, ran)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Exit() != exitUsage || !strings.Contains(e.Message, tt.wantErr) {
				t.Fatalf("want usage error %q, got %v", tt.wantErr, err)
			}
			if ran {
				t.Fatal("run function called despite a usage error")
			}
		})
	}
}

func TestKeyFlagValidation(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"--out", "k"}, ""},
		{[]string{"--out", "k", "--bits", "3072"}, ""},
		{[]string{"--bits", "2048"}, "--out is required"},
		{[]string{"--out", "k", "--bits", "1024"}, "1024"},
		{[]string{"--out", "k", "--bits", "8192"}, "8192"},
		{[]string{"--out", "k", "--passphrase-file", "p", "--no-passphrase"}, "cannot be used together"},
	}
	for _, tt := range tests {
		a, _, _ := testApp(nil)
		c := NewKeyCmd(a, func(context.Context, *KeyOptions) error { return nil })
		c.SetArgs(tt.args)
		err := c.Execute()
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%v: got %v, want %q", tt.args, err, tt.wantErr)
		}
	}
}

func TestRunJSONErrorIsOneObject(t *testing.T) {
	a, out, errOut := testApp(nil)
	code := Run(context.Background(), a, []string{"key", "--bogus", "-o", "json"})
	if code != exitUsage {
		t.Fatalf("exit %d, want %d", code, exitUsage)
	}
	var obj struct {
		OK    bool `json:"ok"`
		Error struct{ Code, Message, Hint string }
	}
	dec := json.NewDecoder(out)
	if err := dec.Decode(&obj); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	if dec.More() {
		t.Fatalf("more than one JSON value on stdout: %s", out)
	}
	if obj.OK || obj.Error.Code != "usage" || obj.Error.Hint == "" {
		t.Fatalf("unexpected object %+v", obj)
	}
	if errOut.Len() != 0 {
		t.Fatalf("stderr not empty in JSON mode: %q", errOut)
	}
}

func TestReadSecretSources(t *testing.T) {
	spec := secretSpec{what: "passphrase", fileFlag: "--passphrase-file", envVar: envPassphrase}
	a, _, _ := testApp(map[string]string{envPassphrase: "from-env"})
	got, err := a.readSecret(spec)
	if err != nil || string(got) != "from-env" {
		t.Fatalf("env: got %q, %v", got, err)
	}

	a, _, _ = testApp(nil)
	a.In = strings.NewReader("from-stdin\r\n")
	spec.file = "-"
	got, err = a.readSecret(spec)
	if err != nil || string(got) != "from-stdin" {
		t.Fatalf("stdin with CRLF: got %q, %v", got, err)
	}

	a, _, _ = testApp(nil)
	spec.file = ""
	if _, err := a.readSecret(spec); err == nil || !strings.Contains(classify(err).Hint, "--passphrase-file") {
		t.Fatalf("no source: want an error whose hint names the flag, got %v", err)
	}
}

// fakePrompter answers prompts from a list.
type fakePrompter struct{ answers []string }

func (f *fakePrompter) Password(string) ([]byte, error) {
	if len(f.answers) == 0 {
		return nil, errors.New("no more answers")
	}
	s := f.answers[0]
	f.answers = f.answers[1:]
	return []byte(s), nil
}

func TestPromptAsksTwiceAndRefusesMismatch(t *testing.T) {
	spec := secretSpec{what: "passphrase", fileFlag: "--passphrase-file", envVar: envPassphrase, confirm: true}
	a, _, _ := testApp(nil)
	a.Prompter = &fakePrompter{answers: []string{"one", "two"}}
	if _, err := a.readSecret(spec); err == nil || classify(err).Code != "passphrase_mismatch" {
		t.Fatalf("want mismatch, got %v", err)
	}
	a.Prompter = &fakePrompter{answers: []string{"same", "same"}}
	if got, err := a.readSecret(spec); err != nil || string(got) != "same" {
		t.Fatalf("got %q, %v", got, err)
	}
	a.Prompter = &fakePrompter{answers: []string{""}}
	if _, err := a.readSecret(spec); err == nil || classify(err).Code != "empty_passphrase" {
		t.Fatalf("want empty refused, got %v", err)
	}
	a.NoInput = true
	a.Prompter = &fakePrompter{answers: []string{"x", "x"}}
	if _, err := a.readSecret(spec); err == nil {
		t.Fatal("--no-input must not prompt")
	}
}

func TestWantsJSON(t *testing.T) {
	for args, want := range map[string]bool{
		"key -o json": true, "key --output=json": true, "key -ojson": true, "key --output json": true,
		"key -o text": false, "key -- -o json": false, "key": false,
	} {
		if got := wantsJSON(strings.Fields(args)); got != want {
			t.Errorf("wantsJSON(%q) = %v, want %v", args, got, want)
		}
	}
}
