package cmd

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/viper"

	"github.com/caronboard/caronboard/configs"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// Environment is one place caronboard can connect to, from the embedded
// environments.yaml merged with the user's config file.
type Environment struct {
	Name        string     `mapstructure:"-" json:"name"`
	Description string     `mapstructure:"description" json:"description,omitempty"`
	Profile     string     `mapstructure:"profile" json:"profile,omitempty"`
	Host        string     `mapstructure:"host" json:"host"`
	Port        int        `mapstructure:"port" json:"port"`
	ServerName  string     `mapstructure:"server_name" json:"server_name,omitempty"`
	CA          string     `mapstructure:"ca" json:"ca,omitempty"`
	Request     EnvRequest `mapstructure:"request" json:"-"`
	// Default client credential for ping, from the user's config file.
	P12  string `mapstructure:"p12" json:"-"`
	Cert string `mapstructure:"cert" json:"-"`
	Key  string `mapstructure:"key" json:"-"`
	// Proxy is the environment's proxy URL (or "none"), from the config file.
	Proxy string `mapstructure:"proxy" json:"proxy,omitempty"`
}

// EnvRequest is the HTTP request ping sends over an established connection.
type EnvRequest struct {
	Method      string `mapstructure:"method"`
	Path        string `mapstructure:"path"`
	ContentType string `mapstructure:"content_type"`
	Body        string `mapstructure:"body"`
}

// Addr is host:port.
func (e *Environment) Addr() string { return net.JoinHostPort(e.Host, strconv.Itoa(e.Port)) }

// environments returns every known environment, the user's config file
// merged over the embedded definitions.
func (a *App) environments() (map[string]*Environment, error) {
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(configs.EnvironmentsYAML)); err != nil {
		return nil, fmt.Errorf("embedded environments.yaml: %w", err)
	}
	if a.config != nil {
		if user, ok := a.config.Get("environments").(map[string]any); ok {
			if err := v.MergeConfigMap(map[string]any{"environments": user}); err != nil {
				return nil, &Error{Code: "bad_config", Message: "environments in the config file: " + err.Error(), Hint: "fix the environments section of the config file", Exit: exitUsage, Err: err}
			}
		}
	}
	var envs map[string]*Environment
	if err := v.UnmarshalKey("environments", &envs); err != nil {
		return nil, &Error{Code: "bad_config", Message: "environments: " + err.Error(), Hint: "fix the environments section of the config file", Exit: exitUsage, Err: err}
	}
	for name, e := range envs {
		e.Name = name
		if e.ServerName == "" {
			e.ServerName = e.Host
		}
		if e.Request.Method == "" {
			e.Request.Method = "GET"
		}
		if e.Request.Path == "" {
			e.Request.Path = "/"
		}
	}
	return envs, nil
}

// environment returns one environment by name.
func (a *App) environment(name string) (*Environment, error) {
	envs, err := a.environments()
	if err != nil {
		return nil, err
	}
	e, ok := envs[name]
	if !ok {
		return nil, usageErr("known environments: "+strings.Join(envNames(envs), ", "), "unknown environment %q", name)
	}
	return e, nil
}

// envNames lists environment names, sorted.
func envNames(envs map[string]*Environment) []string {
	names := make([]string, 0, len(envs))
	for n := range envs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// errNoCA says that a CAR environment needs the CA root the partner received.
func errNoCA(e *Environment) *Error {
	return &Error{Code: "no_ca", Exit: exitFailed,
		Message: fmt.Sprintf("environment %s has no server CA configured", e.Name),
		Hint:    fmt.Sprintf("pass --ca ca.cer (the CAR CA root you received), or set environments.%s.ca in the config file", e.Name)}
}

// serverRoots loads the CA certificates an environment's server must chain
// to: --ca files when given, else the environment's own setting.
func (a *App) serverRoots(e *Environment, caFiles []string, sandboxDir string) ([]*x509.Certificate, string, error) {
	if len(caFiles) > 0 {
		certs, err := readCertFiles(caFiles)
		return certs, strings.Join(caFiles, ", "), err
	}
	switch {
	case e.CA == "":
		return nil, "", errNoCA(e)
	case e.CA == "sandbox":
		path := filepath.Join(sandboxDir, "ca.pem")
		certs, err := keystore.ReadCertificates(path)
		if err != nil {
			return nil, "", &Error{Code: "no_sandbox", Exit: exitFailed, Err: err,
				Message: "no sandbox CA at " + path, Hint: "run 'caronboard sandbox init' (and 'caronboard sandbox serve'), or pass --ca"}
		}
		return certs, path, nil
	case strings.HasPrefix(e.CA, "embedded:"):
		name := strings.TrimPrefix(e.CA, "embedded:")
		data, err := configs.Certs.ReadFile("certs/" + name)
		if err != nil {
			return nil, "", fmt.Errorf("environment %s: no embedded certificate %s", e.Name, name)
		}
		certs, err := keystore.ParseCertificates(data)
		return certs, "built-in " + name, err
	default:
		certs, err := keystore.ReadCertificates(expandHome(e.CA))
		return certs, e.CA, err
	}
}

// expandHome turns a leading ~/ into the home folder.
func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}

// defaultSandboxDir is caronboard/sandbox in the user's config folder.
func defaultSandboxDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "caronboard-sandbox"
	}
	return filepath.Join(dir, "caronboard", "sandbox")
}
