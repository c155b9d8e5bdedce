package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// configProblem is one thing wrong in a config file.
type configProblem struct {
	line int
	key  string // the key's path, e.g. environments.stage.request
	msg  string // what is wrong, after the key
	hint string // what is accepted there
}

// configError turns the problems found in file into one usage error naming
// the file, the line, the key and what is accepted; each is also a detail.
func configError(file string, ps []configProblem) *Error {
	e := &Error{Code: codeConfigInvalid}
	more := len(ps) - maxConfigProblems
	if more > 0 {
		ps = ps[:maxConfigProblems]
	}
	var keys []string
	for _, p := range ps {
		at := "config file " + file
		if p.line > 0 {
			at += " line " + strconv.Itoa(p.line)
		}
		msg := at + ": " + strings.TrimSpace(p.key+" "+p.msg)
		if p.key == "" && !strings.HasPrefix(p.msg, "the ") {
			msg = at + " " + p.msg // "config file F holds more than one YAML document"
		}
		e.Details = append(e.Details, Detail{Field: p.key, Message: msg, Hint: p.hint})
		keys = append(keys, p.key)
	}
	e.Message, e.Hint = e.Details[0].Message, e.Details[0].Hint
	if len(ps) > 1 {
		if more > 0 {
			keys = append(keys, fmt.Sprintf("and %d more", more))
		}
		e.Message = fmt.Sprintf("config file %s has %d problems (%s)", file, len(ps)+max(more, 0), strings.Join(keys, ", "))
		e.Hint = "fix each key named above, as its hint says"
	}
	return e
}

// decodeConfig decodes a YAML config file strictly into a fileConfig. The
// file is first walked against fileConfig's fields (walkConfig), which
// names every unknown key, wrong type and bad value with its line and what is
// accepted there; then it is decoded by a yaml.Decoder with KnownFields(true),
// which fills the struct and refuses any key the struct does not have. YAML
// anchors and aliases are refused, so no alias expansion can blow up. An
// empty file is an empty config. The error is an *Error (codeConfigInvalid).
func decodeConfig(data []byte, file string) (*fileConfig, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cfg := &fileConfig{}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF):
		return cfg, nil
	case err != nil:
		return nil, configError(file, []configProblem{yamlProblem(err)})
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		p := configProblem{line: extra.Line, msg: "holds more than one YAML document", hint: "keep one document: remove the second ---"}
		if err != nil {
			p = yamlProblem(err)
		}
		return nil, configError(file, []configProblem{p})
	}
	if len(doc.Content) == 0 {
		return cfg, nil
	}
	root := doc.Content[0]
	var ps []configProblem
	walkConfig(root, reflect.TypeFor[fileConfig](), "", &ps)
	if len(ps) > 0 {
		return nil, configError(file, ps)
	}
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	if err := strict.Decode(cfg); err != nil {
		// walkConfig and fileConfig disagree; still a refusal, never a silent drop.
		return nil, configError(file, []configProblem{yamlProblem(err)})
	}
	noteEnvLines(root, cfg)
	return cfg, nil
}

// noteEnvLines records the line of each environment's name, and gives an
// environment written without settings ("stage:") an empty envConfig.
func noteEnvLines(root *yaml.Node, cfg *fileConfig) {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "environments" {
			continue
		}
		envs := root.Content[i+1]
		for j := 0; j+1 < len(envs.Content); j += 2 {
			name := envs.Content[j].Value
			if cfg.Environments[name] == nil {
				cfg.Environments[name] = &envConfig{}
			}
			cfg.Environments[name].line = envs.Content[j].Line
		}
	}
}

// yamlProblem turns a YAML syntax or decode error into a problem.
func yamlProblem(err error) configProblem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msg = strings.Join(te.Errors, "; ")
	}
	msg = termSafe(strings.ReplaceAll(strings.TrimPrefix(msg, "unmarshal errors:\n  "), "\n", " "), false)
	return configProblem{msg: "is not valid YAML: " + msg, hint: "the config file is YAML (key: value, two spaces per level, no tabs); fix or remove it"}
}

// envNameRE is the form of an environment name: it is used as a file name
// (ping records) and printed on terminals.
var envNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// maxConfigEntries bounds the entries of one mapping: a real file has a
// dozen settings and a few environments, and yaml.v3's decoder checks a
// mapping's keys for duplicates in quadratic time.
const maxConfigEntries = 256

// maxConfigProblems bounds the problems listed in one error.
const maxConfigProblems = 20

// walkConfig checks node n against type t (fileConfig or one of its parts)
// and appends every problem to ps.
func walkConfig(n *yaml.Node, t reflect.Type, path string, ps *[]configProblem) {
	if isAlias(n, path, ps) {
		return
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := reflect.New(t).Interface().(setting); ok {
		walkSetting(n, s, "", path, ps)
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // an empty section is no section
	}
	if n.Kind != yaml.MappingNode {
		msg := "is not a mapping"
		if path == "" {
			msg = "the top level is not a mapping of settings (key: value)"
		}
		*ps = append(*ps, configProblem{line: n.Line, key: path, msg: msg, hint: mappingHint(t, path)})
		return
	}
	if len(n.Content)/2 > maxConfigEntries {
		*ps = append(*ps, configProblem{line: n.Line, key: path, msg: fmt.Sprintf("has %d entries", len(n.Content)/2),
			hint: fmt.Sprintf("caronboard reads at most %d keys or environments in one mapping", maxConfigEntries)})
		return
	}
	seen := map[string]int{}
	folded := map[string]string{} // lower-case name -> name, for a map's keys
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := k.Value
		key := joinKey(path, showKey(name))
		if k.Kind != yaml.ScalarNode {
			*ps = append(*ps, configProblem{line: k.Line, key: path, msg: "has a key that is not a name", hint: mappingHint(t, path)})
			continue
		}
		if first, dup := seen[name]; dup {
			*ps = append(*ps, configProblem{line: k.Line, key: key, msg: fmt.Sprintf("is written twice (first on line %d)", first), hint: "keep one of them"})
			continue
		}
		seen[name] = k.Line
		if t.Kind() == reflect.Map {
			if p, ok := checkEnvName(k, key, folded); !ok {
				*ps = append(*ps, p)
				continue
			}
			walkConfig(v, t.Elem(), key, ps)
			continue
		}
		f, ok := fieldByKey(t, name)
		if !ok {
			*ps = append(*ps, configProblem{line: k.Line, key: key, msg: "is not a setting" + suggest(name, yamlKeys(t)), hint: mappingHint(t, path)})
			continue
		}
		if s, ok := reflect.New(f.Type).Interface().(setting); ok {
			walkSetting(v, s, f.Tag.Get("accept"), key, ps)
			continue
		}
		walkConfig(v, f.Type, key, ps)
	}
}

// isAlias reports (and appends a problem) when n is or defines a YAML alias.
func isAlias(n *yaml.Node, key string, ps *[]configProblem) bool {
	if n.Kind != yaml.AliasNode && n.Anchor == "" {
		return false
	}
	*ps = append(*ps, configProblem{line: n.Line, key: key, msg: "uses a YAML anchor or alias (& or *)",
		hint: "write the value out in full: the config file takes no anchors, aliases or merge keys"})
	return true
}

// walkSetting checks one value against its type and accept form.
func walkSetting(n *yaml.Node, s setting, accept, key string, ps *[]configProblem) {
	if isAlias(n, key, ps) {
		return
	}
	hint := leafName(key) + " takes " + acceptForm(s, accept)
	if err := s.decode(n); err != nil {
		var msg string
		switch {
		case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
			msg = "has no value"
		case n.Kind == yaml.SequenceNode:
			msg = "is a list, not " + s.form()
		case n.Kind == yaml.MappingNode:
			msg = "is a mapping, not " + s.form()
		default:
			msg = quoteValue(n.Value) + " " + err.Error()
		}
		*ps = append(*ps, configProblem{line: n.Line, key: key, msg: msg, hint: hint})
		return
	}
	if accept != "" && !s.accepts(accept) {
		*ps = append(*ps, configProblem{line: n.Line, key: key, msg: quoteValue(n.Value) + " is not accepted", hint: hint})
	}
}

// checkEnvName checks the name of an environment (a key of environments)
// and that it does not differ only in case from one before it; folded maps
// the lower-case form of each name before it to the name.
func checkEnvName(k *yaml.Node, key string, folded map[string]string) (configProblem, bool) {
	name := k.Value
	if !envNameRE.MatchString(name) {
		return configProblem{line: k.Line, key: key, msg: "is not a usable environment name",
			hint: "an environment name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"}, false
	}
	lower := strings.ToLower(name)
	if other, ok := folded[lower]; ok && other != name {
		return configProblem{line: k.Line, key: key, msg: fmt.Sprintf("differs from environment %q only in case", other),
			hint: "environment names are case-sensitive: give the two different names, or merge them"}, false
	}
	folded[lower] = name
	return configProblem{}, true
}
