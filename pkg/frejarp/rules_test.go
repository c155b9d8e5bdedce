package frejarp

import (
	"strings"
	"testing"
)

func TestTextRules(t *testing.T) {
	tests := []struct {
		name  string
		check func(string) Result
		in    string
		want  Status
		msg   string
	}{
		{"display name at the limit", CheckDisplayName, strings.Repeat("a", 20), Pass, "20 of at most 20"},
		{"display name one over", CheckDisplayName, strings.Repeat("a", 21), Fail, "21 characters; Freja allows at most 20"},
		{"display name counts characters, not bytes", CheckDisplayName, "Åre Skidö Bolag AB", Pass, "18 of"},
		{"display name with Swedish letters over", CheckDisplayName, "Räksmörgåsfabriken AB", Fail, "21 characters"},
		{"display name empty", CheckDisplayName, "   ", Fail, "empty"},
		{"display name with a tab", CheckDisplayName, "ACME\tAB", Fail, "control characters"},
		{"display name not UTF-8", CheckDisplayName, "ACME \xff", Fail, "UTF-8"},
		{"display name with a trailing space", CheckDisplayName, "ACME AB ", Warn, "spaces at the start or end"},
		{"description at the limit", CheckDescription, strings.Repeat("d", 75), Pass, "75 of at most 75"},
		{"description one over", CheckDescription, strings.Repeat("d", 76), Fail, "76 characters; Freja allows at most 75"},
		{"description with a line break", CheckDescription, "one\ntwo", Fail, "control characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.check(tt.in)
			if r.Status != tt.want || !strings.Contains(r.Message, tt.msg) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Message, tt.want, tt.msg)
			}
			if r.Status != Pass && r.Hint == "" {
				t.Error("no hint")
			}
		})
	}
}

func TestURLRule(t *testing.T) {
	long := "https://www.example.se/" + strings.Repeat("p", MaxURL-len("https://www.example.se/"))
	tests := []struct {
		in   string
		want Status
		msg  string
	}{
		{"https://www.example.se/", Pass, "valid https address"},
		{"HTTPS://WWW.EXAMPLE.SE/om-oss?x=1#top", Pass, "valid"},
		{"https://räksmörgås.se/", Pass, "valid"},
		{"https://www.example.se:8443/", Pass, "valid"},
		{long, Pass, "100 of at most 100"},
		{long + "p", Fail, "101 characters; Freja allows at most 100"},
		{"http://www.example.se/", Fail, "uses http, not https"},
		{"www.example.se", Fail, "no scheme"},
		{"https:www.example.se", Fail, "no host name"},
		{"https://", Fail, "no host name"},
		{"https://user:secret@www.example.se/", Fail, "user name or password"},
		{"https://192.0.2.10/", Fail, "IP address"},
		{"https://[2001:db8::1]/", Fail, "IP address"},
		{"https://localhost/", Fail, "not a public domain name"},
		{"https://intranet/", Fail, "not a public domain name"},
		{"https://exa_mple.se/", Fail, "not a valid domain name"},
		{"https://-bad.example.se/", Fail, "not a valid domain name"},
		{"https://www.example.se/a page", Fail, "contains spaces"},
		{"https://www.example.se:99999/", Fail, "port"},
		{"", Fail, "empty"},
		{"https://www.exa\x01mple.se/", Fail, "control characters"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r := CheckURL(tt.in)
			if r.Status != tt.want || !strings.Contains(r.Message, tt.msg) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Message, tt.want, tt.msg)
			}
			if r.Status == Fail && r.Hint == "" {
				t.Error("no hint")
			}
		})
	}
}
