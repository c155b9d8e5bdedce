package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/csr"
)

// configurable marks a flag whose value may also come from a CARONBOARD_*
// environment variable or the config file key of the same name (a field of
// fileConfig). Secrets are never configurable.
const configurable = "caronboard/config"

// markConfigurable lets the named flags of fs be set from env and config file.
func markConfigurable(fs *pflag.FlagSet, names ...string) {
	for _, n := range names {
		if err := fs.SetAnnotation(n, configurable, []string{"true"}); err != nil {
			panic(err) // a programming error: the flag does not exist
		}
	}
}

// configFile is the decoded config file of this run.
type configFile struct {
	path string // "" when there is none
	cfg  *fileConfig
}

// defaultConfigFile is caronboard/config.yaml in the user's config folder.
func (a *App) defaultConfigFile() string {
	dir, err := a.userConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "caronboard", "config.yaml")
}

// envVarName is the environment variable of a configurable flag.
func envVarName(flag string) string {
	return "CARONBOARD_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// loadConfig reads the config file, gives every configurable flag of the
// running command its value (resolve) and fills the App's global settings.
// The whole file is checked, also the keys this command does not use, and
// so are the environments it defines.
func (a *App) loadConfig(cmd *cobra.Command, explicit string) error {
	cf, err := a.readConfig(explicit)
	if err != nil {
		return err
	}
	a.config, a.sources = cf, map[string]string{}
	var setErr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if setErr == nil && f.Annotations[configurable] != nil {
			setErr = a.resolve(f, cf)
		}
	})
	if setErr != nil {
		return setErr
	}
	if _, err := a.environments(); err != nil {
		return err
	}
	return a.applyGlobals(cmd)
}

// resolve gives flag f its value with the precedence, in this one place:
// the flag as typed > CARONBOARD_* environment variable > config file > the
// flag's built-in default. It records where a value not typed came from, so
// that a later refusal can name it (blameSource).
func (a *App) resolve(f *pflag.Flag, cf *configFile) error {
	if f.Changed {
		return nil
	}
	field, ok := fieldByKey(reflect.TypeFor[fileConfig](), f.Name)
	if !ok {
		panic("configurable flag --" + f.Name + " has no fileConfig field") // a programming error
	}
	accept := field.Tag.Get("accept")
	env := envVarName(f.Name)
	if val := a.Getenv(env); val != "" {
		s := reflect.New(field.Type).Interface().(setting)
		bad := accept != "" && (s.decode(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: val}) != nil || !s.accepts(accept))
		if err := f.Value.Set(val); bad || err != nil {
			return &Error{Code: codeConfigInvalid, Message: fmt.Sprintf("%s=%q is not accepted", env, val),
				Hint: fmt.Sprintf("%s takes %s: fix or unset %s", f.Name, acceptForm(s, accept), env)}
		}
		a.sources[f.Name] = env
		return nil
	}
	s := reflect.ValueOf(cf.cfg).Elem().FieldByIndex(field.Index).Addr().Interface().(setting)
	if !s.IsSet() {
		return nil
	}
	if err := f.Value.Set(s.String()); err != nil {
		return configError(cf.path, []configProblem{{line: s.line(), key: f.Name, msg: "is not accepted: " + err.Error(), hint: f.Name + " takes " + acceptForm(s, accept)}})
	}
	a.sources[f.Name] = fmt.Sprintf("config file %s line %d", cf.path, s.line())
	return nil
}

// maxConfigSize bounds the config file; a real one is a few hundred bytes.
const maxConfigSize = 1 << 20

// readConfig reads and decodes the config file: --config, else
// CARONBOARD_CONFIG, else the default file. It reads through
// safefile.ReadFile, like every other input: a regular file of at most
// maxConfigSize bytes, so that a config path naming a FIFO, a device such as
// /dev/zero or a huge file is refused at once instead of blocking or
// exhausting memory. A missing file is fine unless it was named explicitly.
func (a *App) readConfig(explicit string) (*configFile, error) {
	if explicit == "" {
		explicit = a.Getenv("CARONBOARD_CONFIG")
	}
	file := explicit
	if file == "" && !a.noDefaultConfig {
		file = a.defaultConfigFile()
	}
	empty := &configFile{cfg: &fileConfig{}}
	if file == "" {
		return empty, nil
	}
	data, err := safefile.ReadFile(file, maxConfigSize)
	switch {
	case errors.Is(err, fs.ErrNotExist) && explicit == "":
		return empty, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, usageErr("check --config or CARONBOARD_CONFIG", "config file %s does not exist", file)
	case err != nil:
		return nil, &Error{Code: codeBadConfig, Message: "cannot use the config file: " + err.Error(),
			Hint: "give --config (or CARONBOARD_CONFIG) the path of the YAML config file, or remove it", Err: err}
	}
	cfg, err := decodeConfig(data, file)
	if err != nil {
		return nil, err
	}
	return &configFile{path: file, cfg: cfg}, nil
}

// applyGlobals copies the resolved global flags into the App.
func (a *App) applyGlobals(cmd *cobra.Command) error {
	fl := cmd.Flags()
	out, _ := fl.GetString("output")
	if out != "text" && out != "json" {
		return usageErr("use -o text or -o json", "unknown output format %q", out)
	}
	a.Output = out
	a.NoInput, _ = fl.GetBool("no-input")
	a.Quiet, _ = fl.GetBool("quiet")
	return nil
}

// blameSource adds to the error refusing a value where that value came from,
// when it was not typed as a flag: "(role comes from config file F line 3)".
// flags are the flags whose values err refuses.
func (a *App) blameSource(err error, flags ...string) error {
	var notes, names []string
	for _, name := range flags {
		if src := a.sources[name]; src != "" {
			notes = append(notes, name+" comes from "+src)
			names = append(names, name)
		}
	}
	if err == nil || len(notes) == 0 {
		return err
	}
	e := *classify(err)
	if e.Err == nil {
		e.Err = err
	}
	e.Message += " (" + strings.Join(notes, "; ") + ")"
	fix := "fix " + strings.Join(names, " and ") + " there, or pass --" + strings.Join(names, " and --") + "; "
	e.Hint = fix + e.Hint
	if len(e.Details) == 1 { // its hint is the one shown: it says it too
		e.Details = []Detail{e.Details[0]}
		e.Details[0].Hint = fix + e.Details[0].Hint
	}
	return &e
}

// blameFields is blameSource for a refused CSR subject: fieldFlag maps each
// subject field (csr.FieldError.Field) to the flag that sets it.
func (a *App) blameFields(err error, fieldFlag map[string]string) error {
	var ve *csr.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	seen := map[string]bool{}
	var flags []string
	for _, f := range ve.Fields {
		if name := fieldFlag[f.Field]; name != "" && !seen[name] {
			seen[name] = true
			flags = append(flags, name)
		}
	}
	sort.Strings(flags)
	return a.blameSource(err, flags...)
}
