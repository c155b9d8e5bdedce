package cmd

import (
	"context"
	"strings"
	"testing"
)

// Dynamic completion: what the shell scripts of `caronboard completion …`
// ask `caronboard __complete …` for when the user presses Tab.
func TestFlagValueCompletion(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"csr", "--profile", ""}, []string{"car", "freja"}},
		{[]string{"csr", "--role", ""}, []string{"bank", "ctd", "internal"}},
		{[]string{"csr", "inspect", "x.csr", "--profile", ""}, []string{"car", "freja"}},
		{[]string{"cert", "verify", "--profile", "f"}, []string{"freja"}},
		{[]string{"pkcs12", "inspect", "x.p12", "--profile", ""}, []string{"car", "freja"}},
		{[]string{"sandbox", "sign", "--profile", ""}, []string{"car", "freja"}},
		{[]string{"init", "--role", ""}, []string{"bank", "ctd", "internal"}},
		{[]string{"ping", "--env", ""}, []string{"api", "ci", "freja-prod", "freja-test", "sandbox", "stage"}},
		{[]string{"init", "--env", ""}, []string{"api", "ci", "freja-prod", "freja-test", "sandbox", "stage"}},
		{[]string{"jws", "verify", "--env", ""}, []string{"freja-prod", "freja-test", "any"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			a, out, _ := testApp(nil)
			if code := Run(context.Background(), a, append([]string{"__complete"}, tt.args...)); code != exitOK {
				t.Fatalf("exit %d", code)
			}
			var got []string
			for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
				if strings.HasPrefix(line, ":") { // the directive
					if line != ":4" {
						t.Errorf("directive %s, want :4 (no file completion)", line)
					}
					continue
				}
				value, _, _ := strings.Cut(line, "\t")
				got = append(got, value)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("completions %q, want %q", got, tt.want)
			}
		})
	}
}

// The completion scripts are there for every shell cobra supports.
func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		a, out, _ := testApp(nil)
		if code := Run(context.Background(), a, []string{"completion", shell}); code != exitOK || !strings.Contains(out.String(), "caronboard") {
			t.Errorf("completion %s: exit %d, %d bytes", shell, code, out.Len())
		}
	}
}
