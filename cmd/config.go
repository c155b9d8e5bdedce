package cmd

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/caronboard/caronboard/pkg/keystore"
)

// configurable marks a flag whose value may also come from a CARONBOARD_*
// environment variable or the config file. Secrets are never configurable.
const configurable = "caronboard/config"

// markConfigurable lets the named flags of fs be set from env and config file.
func markConfigurable(fs *pflag.FlagSet, names ...string) {
	for _, n := range names {
		if err := fs.SetAnnotation(n, configurable, []string{"true"}); err != nil {
			panic(err) // a programming error: the flag does not exist
		}
	}
}

// defaultConfigFile is caronboard/config.yaml in the user's config folder.
func defaultConfigFile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "caronboard", "config.yaml")
}

// loadConfig resolves every configurable flag of the running command with the
// precedence flag > CARONBOARD_* environment variable > config file > default,
// then fills the App's global settings. Each flag is bound once, here.
func (a *App) loadConfig(cmd *cobra.Command, explicit string) error {
	v := viper.New()
	if explicit == "" {
		explicit = a.Getenv("CARONBOARD_CONFIG")
	}
	file, required := explicit, explicit != ""
	if file == "" {
		file = defaultConfigFile()
	}
	if file != "" {
		v.SetConfigFile(file)
		v.SetConfigType("yaml")
		if err := readConfigFile(v, file, required); err != nil {
			return err
		}
	}
	var setErr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if setErr != nil || f.Annotations[configurable] == nil {
			return
		}
		envName := "CARONBOARD_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if val := a.Getenv(envName); val != "" && !f.Changed {
			if err := f.Value.Set(val); err != nil {
				setErr = usageErr("fix or unset "+envName, "%s=%q: %v", envName, val, err)
			}
			return
		}
		if !f.Changed && v.IsSet(f.Name) {
			if err := f.Value.Set(v.GetString(f.Name)); err != nil {
				setErr = usageErr("fix "+f.Name+" in "+v.ConfigFileUsed(), "config %s=%q: %v", f.Name, v.GetString(f.Name), err)
			}
		}
	})
	if setErr != nil {
		return setErr
	}
	a.config = v
	return a.applyGlobals(cmd)
}

// maxConfigSize bounds the config file; a real one is a few hundred bytes.
const maxConfigSize = 1 << 20

// readConfigFile reads the YAML config file into v. It reads through
// keystore.ReadFile, like every other input: a regular file of at most
// maxConfigSize bytes, so that a config path naming a FIFO, a device such as
// /dev/zero or a huge file is refused at once instead of blocking or
// exhausting memory. A missing file is fine unless it was named explicitly.
func readConfigFile(v *viper.Viper, file string, required bool) error {
	data, err := keystore.ReadFile(file, maxConfigSize)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !required:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return usageErr("check --config or CARONBOARD_CONFIG", "config file %s does not exist", file)
	case err != nil:
		return &Error{Code: "bad_config", Message: "cannot use the config file: " + err.Error(),
			Hint: "give --config (or CARONBOARD_CONFIG) the path of the YAML config file, or remove it", Exit: exitUsage, Err: err}
	}
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return &Error{Code: "bad_config", Message: "cannot read config file " + file + ": " + err.Error(),
			Hint: "the config file is YAML; fix or remove it", Exit: exitUsage, Err: err}
	}
	return nil
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
