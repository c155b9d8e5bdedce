package frejarp

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The limits of the Freja eID production checklist, in characters.
const (
	MaxDisplayName = 20
	MaxDescription = 75
	MaxURL         = 100
)

// Status is the outcome of one rule.
type Status string

// Outcomes. Only Fail breaks a rule.
const (
	Pass Status = "pass"
	Warn Status = "warn"
	Fail Status = "fail"
)

// Rule IDs, as reported in Result.Rule.
const (
	RuleDisplayName = "display_name"
	RuleDescription = "description"
	RuleURL         = "url"
	RuleLogo        = "logo"
)

// Result is the verdict on one requirement.
type Result struct {
	Rule    string `json:"rule"`
	Status  Status `json:"status"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

// CheckDisplayName checks the name Freja shows for the relying party: at
// most 20 characters.
func CheckDisplayName(s string) Result {
	return checkText(RuleDisplayName, "display name", s, MaxDisplayName)
}

// CheckDescription checks the short description: at most 75 characters.
func CheckDescription(s string) Result {
	return checkText(RuleDescription, "description", s, MaxDescription)
}

// checkText applies the rules every text shares and the length limit.
func checkText(rule, what, s string, max int) Result {
	r := Result{Rule: rule}
	if bad := textProblem(s); bad != "" {
		r.Status, r.Message, r.Hint = Fail, fmt.Sprintf("the %s %s", what, bad), "type it again as plain text"
		return r
	}
	n := utf8.RuneCountInString(s)
	if n > max {
		r.Status = Fail
		r.Message = fmt.Sprintf("the %s is %d characters; Freja allows at most %d", what, n, max)
		r.Hint = fmt.Sprintf("shorten it by %d character(s)", n-max)
		return r
	}
	r.Status, r.Message = Pass, fmt.Sprintf("the %s is %d of at most %d characters", what, n, max)
	if strings.TrimSpace(s) != s {
		r.Status, r.Hint = Warn, "remove the spaces at the start or end: they count as characters and show in the app"
		r.Message += ", with spaces at the start or end"
	}
	return r
}

// textProblem says what makes s unusable as text, or "".
func textProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8 text"
	case strings.TrimSpace(s) == "":
		return "is empty"
	case strings.ContainsFunc(s, unicode.IsControl):
		return "contains control characters (a tab or line break, for example)"
	}
	return ""
}

// CheckURL checks the relying party's URL: at most 100 characters and a
// valid https URL of a public host.
func CheckURL(s string) Result {
	r := Result{Rule: RuleURL}
	if bad := textProblem(s); bad != "" {
		r.Status, r.Message, r.Hint = Fail, "the URL "+bad, "give the address of your public web site, e.g. https://www.example.se/"
		return r
	}
	if n := utf8.RuneCountInString(s); n > MaxURL {
		r.Status = Fail
		r.Message = fmt.Sprintf("the URL is %d characters; Freja allows at most %d", n, MaxURL)
		r.Hint = "give a shorter address, such as the start page of the site"
		return r
	}
	if msg, hint := urlProblem(s); msg != "" {
		r.Status, r.Message, r.Hint = Fail, msg, hint
		return r
	}
	r.Status = Pass
	r.Message = fmt.Sprintf("the URL is a valid https address, %d of at most %d characters", utf8.RuneCountInString(s), MaxURL)
	return r
}

// urlProblem says what is wrong with an https URL, and the fix.
func urlProblem(s string) (msg, hint string) {
	const example = "for example https://www.example.se/"
	if strings.ContainsAny(s, " \t") {
		return "the URL contains spaces", "remove them, or write them as %20"
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "the URL is not valid: " + strings.TrimPrefix(err.Error(), "parse "), example
	case u.Scheme == "":
		return "the URL has no scheme", "start it with https://, " + example
	case u.Scheme != "https":
		return fmt.Sprintf("the URL uses %s, not https", u.Scheme), "Freja shows it in its app: give the https address, " + example
	case u.Opaque != "" || u.Host == "":
		return "the URL has no host name", example
	case u.User != nil:
		return "the URL contains a user name or password", "remove the part before @"
	}
	host := u.Hostname()
	switch {
	case net.ParseIP(host) != nil:
		return "the URL's host is an IP address", "give the organisation's public web address by name, " + example
	case !strings.Contains(strings.Trim(host, "."), "."):
		return fmt.Sprintf("the URL's host %q is not a public domain name", host), example
	case !validHostname(host):
		return fmt.Sprintf("the URL's host %q is not a valid domain name", host), example
	}
	if p := u.Port(); p != "" && !validPort(p) {
		return "the URL's port is not valid", "leave the port out for https"
	}
	return "", ""
}

// validPort reports whether p is a port number from 1 to 65535.
func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535
}

// validHostname checks DNS label syntax (letters, digits and hyphens, which
// may not start or end a label; non-ASCII letters are allowed for
// internationalised names).
func validHostname(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	return true
}
