package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestChecklistFrejaRP: each rule with a passing and a failing value, exit 0
// or 1 with the failing rule named in the JSON error's details.
func TestChecklistFrejaRP(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "logo.eps"), filepath.Join(dir, "logo.png")
	if err := os.WriteFile(good, []byte("%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 1 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("\x89PNG\r\n\x1a\nrest"), 0o644); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 21)
	tests := []struct {
		args []string
		code int
		rule string // the failing rule, for exit 1
	}{
		{[]string{"--display-name", "ACME", "--description", "Log in to ACME", "--url", "https://www.acme.se/", "--logo", good}, exitOK, ""},
		{[]string{"--display-name", long}, exitFailed, "display_name"},
		{[]string{"--description", strings.Repeat("d", 76)}, exitFailed, "description"},
		{[]string{"--url", "http://www.acme.se/"}, exitFailed, "url"},
		{[]string{"--logo", bad}, exitFailed, "logo"},
	}
	for _, tt := range tests {
		code, out, _ := runCB(t, append([]string{"checklist", "freja-rp", "-o", "json"}, tt.args...)...)
		var res struct {
			OK    bool
			Error struct {
				Code    string
				Details []Detail
			}
			Results []struct{ Rule, Status string }
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%v: %v\n%s", tt.args, err, out)
		}
		if code != tt.code || res.OK != (tt.code == exitOK) {
			t.Errorf("%v: exit %d: %s", tt.args, code, out)
		}
		if tt.rule != "" && (res.Error.Code != "freja_rp_rejected" || len(res.Error.Details) != 1 || res.Error.Details[0].Field != tt.rule) {
			t.Errorf("%v: error %+v", tt.args, res.Error)
		}
	}
}
