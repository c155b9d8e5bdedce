package cmd

import (
	"strings"
	"testing"
)

func TestWrapText(t *testing.T) {
	long := "caronboard: hint: compare the number with Bolagsverket's register (bolagsverket.se) or your registration certificate; a mistyped digit anywhere makes the check fail"
	tests := []struct {
		name, in string
		width    int
		want     string
	}{
		{"no width: unchanged", long, 0, long},
		{"short line", "done", 80, "done"},
		{"hanging indent after the label", long, 60,
			"caronboard: hint: compare the number with Bolagsverket's\n" +
				"                  register (bolagsverket.se) or your\n" +
				"                  registration certificate; a mistyped digit\n" +
				"                  anywhere makes the check fail"},
		{"leading spaces kept as indent", "          plain.key: it is not encrypted and anyone who can read it can use it", 40,
			"          plain.key: it is not encrypted\n          and anyone who can read it can\n          use it"},
		{"a word wider than the line stays whole", "see https://example.org/a/very/long/path/that/does/not/fit/anywhere ok", 30,
			"see\nhttps://example.org/a/very/long/path/that/does/not/fit/anywhere\nok"},
		{"commands are not wrapped", "  caronboard truststore --env sandbox --out /tmp/dm/truststore.pem --sandbox-dir /tmp/dm/sandbox", 40,
			"  caronboard truststore --env sandbox --out /tmp/dm/truststore.pem --sandbox-dir /tmp/dm/sandbox"},
		{"colour takes no width", "\x1b[32mdone\x1b[0m  twelve chars", 18, "\x1b[32mdone\x1b[0m  twelve chars"},
		{"second column", "  open    Freja eID Test root imported as trusted into the application's trust store", 60,
			"  open    Freja eID Test root imported as trusted into the\n          application's trust store"},
		{"several lines", "a b c d e f\nshort", 5, "a b c\nd e f\nshort"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wrapToWidth(tt.in, tt.width)
			if got != tt.want {
				t.Errorf("wrapToWidth(%q, %d) =\n%s\nwant\n%s", tt.in, tt.width, got, tt.want)
			}
			if tt.width > 0 {
				for _, line := range strings.Split(got, "\n") {
					if visibleWidth(line) > tt.width && strings.Contains(strings.TrimSpace(line), " ") && !isCommandLine(strings.TrimLeft(line, " ")) {
						t.Errorf("line wider than %d: %q", tt.width, line)
					}
				}
			}
			if strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(tt.in), " ") {
				t.Errorf("words changed: %q", got)
			}
		})
	}
}
