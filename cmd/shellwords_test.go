package cmd

import (
	"os/exec"
	"strings"
	"testing"
)

// The quoted line, run by bash, gives back exactly the values: nothing is
// split, expanded, substituted or run.
func TestShellWordsBash(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	values := []string{
		"plain", "", " ", "two words", "O=Acme; rm -rf ~", "a&b", "a|b", "(sub)", "$(id)", "`id`", "${HOME}",
		"line1\nline2", "tab\there", "it's", `"dq"`, `back\slash`, "*", "?", "[a]", "~", "~root", "#comment",
		"a>b", "a<b", "!event", "{a,b}", "åäö", "–dash", "'", "''", "\\'", "-n", "--flag=x y", "%s", "\r", "a;b&&c||d",
	}
	line := shellWords(values)
	out, err := exec.Command(bash, "-c", `printf '%s\n' `+line).Output()
	if err != nil {
		t.Fatalf("bash: %v (line %q)", err, line)
	}
	if got, want := string(out), strings.Join(values, "\n")+"\n"; got != want {
		t.Errorf("bash gave back\n%q\nwant\n%q\n(line %q)", got, want, line)
	}
}

func TestShellWordPlain(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"key.pem", "--out", "dir/a_b-c.p12", "user@host:443", "a=b,c+d%"} {
		if got := shellWord(s); got != s {
			t.Errorf("shellWord(%q) = %q, want it unquoted", s, got)
		}
	}
}
