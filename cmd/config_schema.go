package cmd

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// fileConfig is the config file, and the schema it is checked against: a key
// that is not a field here, a value of the wrong type and a value outside the
// field's accept form are all refused (see decodeConfig).
//
// To add a setting:
//   - add a field of type Setting[string], Setting[int], Setting[bool] or
//     Setting[time.Duration] with its key as the yaml tag, and, when only some
//     values are valid, an accept tag: "a|b|c" (one of), "LO..HI" (a whole
//     number in a range), ">0" (a positive duration), "/" (a path starting
//     with /) or "line" (one line of text, no control or bidi characters);
//   - a top-level key is the default of the flag of the same name: mark that
//     flag with markConfigurable (a test checks that the two lists agree),
//     unless its tag says flag:"-" (its command reads a.config.cfg itself);
//     an environment key is copied into Environment in envConfig.apply;
//   - add a row to the README's config table and to TestConfigSettings.
//
// Nested mappings are structs (or pointers to them); a mapping of names to
// settings is a map[string]*struct. Secrets never go here.
type fileConfig struct {
	Output       Setting[string]        `yaml:"output" accept:"text|json"`
	NoInput      Setting[bool]          `yaml:"no-input"`
	Quiet        Setting[bool]          `yaml:"quiet"`
	Profile      Setting[string]        `yaml:"profile" accept:"car|freja"`
	Bits         Setting[int]           `yaml:"bits" accept:"2048|3072|4096"`
	Org          Setting[string]        `yaml:"org"`
	OrgID        Setting[string]        `yaml:"org-id"`
	Country      Setting[string]        `yaml:"country"`
	Unit         Setting[string]        `yaml:"unit"`
	CommonName   Setting[string]        `yaml:"common-name"`
	OrgCode      Setting[string]        `yaml:"org-code"`
	Role         Setting[string]        `yaml:"role" accept:"bank|ctd|internal"`
	Timeout      Setting[time.Duration] `yaml:"timeout" accept:">0"`
	Proxy        Setting[string]        `yaml:"proxy" accept:"line" flag:"-"`                        // ping reads it (configProxy)
	JWSEnv       Setting[string]        `yaml:"jws-env" accept:"freja-prod|freja-test|any" flag:"-"` // jws verify reads it (jwsDefaultEnv)
	Environments map[string]*envConfig  `yaml:"environments"`
}

// envConfig is one environment, in configs/environments.yaml or under
// environments.NAME in the user's file, where each key set overrides the
// built-in environment's.
type envConfig struct {
	Description Setting[string] `yaml:"description" accept:"line"`
	Profile     Setting[string] `yaml:"profile" accept:"car|freja"`
	Host        Setting[string] `yaml:"host" accept:"line"`
	Port        Setting[int]    `yaml:"port" accept:"1..65535"`
	ServerName  Setting[string] `yaml:"server_name" accept:"line"`
	CA          Setting[string] `yaml:"ca" accept:"line"`
	Request     *requestConfig  `yaml:"request"`
	P12         Setting[string] `yaml:"p12" accept:"line"`
	Cert        Setting[string] `yaml:"cert" accept:"line"`
	Key         Setting[string] `yaml:"key" accept:"line"`
	Proxy       Setting[string] `yaml:"proxy" accept:"line"`

	line int // where its name was written (set by decodeConfig)
}

// requestConfig is the HTTP request ping sends over an established connection.
type requestConfig struct {
	Method      Setting[string] `yaml:"method" accept:"GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS"`
	Path        Setting[string] `yaml:"path" accept:"/"`
	ContentType Setting[string] `yaml:"content_type" accept:"line"`
	Body        Setting[string] `yaml:"body"`
}

// Setting is one value of the config file and the line it was written on
// (0: not set). It decodes one YAML scalar strictly: text for strings, a whole
// number for ints, true or false for bools, a Go duration ("10s") for
// durations; null, lists and mappings are refused.
type Setting[T string | int | bool | time.Duration] struct {
	Value T
	Line  int
}

// IsSet reports whether the file set this value.
func (s *Setting[T]) IsSet() bool { return s.Line > 0 }

// UnmarshalYAML decodes n; the yaml.Decoder calls it for every setting.
func (s *Setting[T]) UnmarshalYAML(n *yaml.Node) error {
	if err := s.decode(n); err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, err)}}
	}
	return nil
}

// decode parses n into s; the error says what the value is not.
func (s *Setting[T]) decode(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return fmt.Errorf("is not %s", s.form())
	}
	switch v := any(&s.Value).(type) {
	case *string:
		*v = n.Value
	case *int:
		i, err := strconv.Atoi(n.Value)
		if err != nil {
			return fmt.Errorf("is not %s", s.form())
		}
		*v = i
	case *bool:
		switch strings.ToLower(n.Value) {
		case "true":
			*v = true
		case "false":
			*v = false
		default:
			return fmt.Errorf("is not %s", s.form())
		}
	case *time.Duration:
		d, err := time.ParseDuration(n.Value)
		if err != nil {
			return fmt.Errorf("is not %s", s.form())
		}
		*v = d
	}
	s.Line = n.Line
	return nil
}

// form says in words what a value of type T looks like.
func (s *Setting[T]) form() string {
	switch any(s.Value).(type) {
	case int:
		return "a whole number"
	case bool:
		return "true or false"
	case time.Duration:
		return "a duration with a unit, e.g. 10s or 1m30s"
	}
	return "a text value"
}

// String is the value as a flag takes it.
func (s *Setting[T]) String() string {
	switch v := any(s.Value).(type) {
	case string:
		return v
	case time.Duration:
		return v.String()
	}
	return fmt.Sprint(s.Value)
}

// line is where the value was written.
func (s *Setting[T]) line() int { return s.Line }

// accepts reports whether the value fits the accept form (see fileConfig).
func (s *Setting[T]) accepts(accept string) bool {
	switch v := any(s.Value).(type) {
	case time.Duration:
		return accept != ">0" || v > 0
	case int:
		if lo, hi, ok := strings.Cut(accept, ".."); ok {
			l, _ := strconv.Atoi(lo)
			h, _ := strconv.Atoi(hi)
			return v >= l && v <= h
		}
	case string:
		switch accept {
		case "/":
			return strings.HasPrefix(v, "/") && termSafe(v, false) == v
		case "line":
			return termSafe(v, false) == v
		}
	}
	for _, a := range strings.Split(accept, "|") {
		if a == s.String() {
			return true
		}
	}
	return false
}

// setting is what the decoder needs of every Setting, whatever its type.
type setting interface {
	decode(n *yaml.Node) error
	accepts(accept string) bool
	form() string
	String() string
	IsSet() bool
	line() int
}

// acceptForm says in words which values the accept form allows.
func acceptForm(s setting, accept string) string {
	switch {
	case accept == "":
		return s.form()
	case accept == ">0":
		return "a positive " + strings.TrimPrefix(s.form(), "a ")
	case accept == "/":
		return "a path starting with /"
	case accept == "line":
		return "one line of text, without control characters"
	case strings.Contains(accept, ".."):
		lo, hi, _ := strings.Cut(accept, "..")
		return "a whole number from " + lo + " to " + hi
	}
	return "one of " + strings.ReplaceAll(accept, "|", ", ")
}
