package cmd

import (
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/caronboard/caronboard/configs"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// Environment is one place caronboard can connect to, from the embedded
// environments.yaml merged with the user's config file (envConfig.apply).
type Environment struct {
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Profile     string     `json:"profile,omitempty"`
	Host        string     `json:"host"`
	Port        int        `json:"port"`
	ServerName  string     `json:"server_name,omitempty"`
	CA          string     `json:"ca,omitempty"`
	Request     EnvRequest `json:"-"`
	// Default client credential for ping, from the user's config file.
	P12  string `json:"-"`
	Cert string `json:"-"`
	Key  string `json:"-"`
	// Proxy is the environment's proxy URL (or "none"), from the config file.
	Proxy string `json:"proxy,omitempty"`

	// from says where each key set by the user's config file was written
	// ("ca" -> "config file F line 4"), for messages refusing its value.
	from map[string]string
}

// EnvRequest is the HTTP request ping sends over an established connection.
type EnvRequest struct {
	Method      string
	Path        string
	ContentType string
	Body        string
}

// Addr is host:port.
func (e *Environment) Addr() string { return net.JoinHostPort(e.Host, strconv.Itoa(e.Port)) }

// source says where the user's config file set key ("" when it did not).
func (e *Environment) source(key string) string { return e.from[key] }

// blame adds to err, which refuses the value of key, the config file line
// that set it: "environments.stage.ca from config file F line 4: …".
func (e *Environment) blame(err error, key string) error {
	if src := e.source(key); err != nil && src != "" {
		return fmt.Errorf("environments.%s.%s from %s: %w", e.Name, key, src, err)
	}
	return err
}

// apply copies every key c sets into e; file names the config file they come
// from ("" for the built-in environments). A new environment key goes here.
func (c *envConfig) apply(e *Environment, file string) {
	take(e, file, "description", &e.Description, &c.Description)
	take(e, file, "profile", &e.Profile, &c.Profile)
	take(e, file, "host", &e.Host, &c.Host)
	take(e, file, "port", &e.Port, &c.Port)
	take(e, file, "server_name", &e.ServerName, &c.ServerName)
	take(e, file, "ca", &e.CA, &c.CA)
	take(e, file, "p12", &e.P12, &c.P12)
	take(e, file, "cert", &e.Cert, &c.Cert)
	take(e, file, "key", &e.Key, &c.Key)
	take(e, file, "proxy", &e.Proxy, &c.Proxy)
	if r := c.Request; r != nil {
		take(e, file, "request.method", &e.Request.Method, &r.Method)
		take(e, file, "request.path", &e.Request.Path, &r.Path)
		take(e, file, "request.content_type", &e.Request.ContentType, &r.ContentType)
		take(e, file, "request.body", &e.Request.Body, &r.Body)
	}
}

// take copies s into dst when it is set, and records where it came from.
func take[T string | int | bool | time.Duration](e *Environment, file, key string, dst *T, s *Setting[T]) {
	if !s.IsSet() {
		return
	}
	*dst = s.Value
	if file != "" {
		if e.from == nil {
			e.from = map[string]string{}
		}
		e.from[key] = fmt.Sprintf("config file %s line %d", file, s.Line)
	}
}

// builtinEnvironments are configs/environments.yaml, decoded as strictly as
// a user's file.
var builtinEnvironments = sync.OnceValues(func() (map[string]*envConfig, error) {
	cfg, err := decodeConfig(configs.EnvironmentsYAML, "built-in environments.yaml")
	if err != nil {
		return nil, fmt.Errorf("embedded environments.yaml: %w", err)
	}
	return cfg.Environments, nil
})

// environments returns every known environment: the user's config file
// merged key by key over the built-in definitions. Names are exactly as
// written (case-sensitive). A new environment needs a host and a port.
func (a *App) environments() (map[string]*Environment, error) {
	base, err := builtinEnvironments()
	if err != nil {
		return nil, err
	}
	envs := make(map[string]*Environment, len(base))
	for name, c := range base {
		e := &Environment{Name: name}
		c.apply(e, "")
		envs[name] = e
	}
	if a.config != nil && a.config.cfg != nil {
		var ps []configProblem
		builtin := envNames(envs)
		folded := make(map[string]string, len(builtin))
		for _, n := range builtin {
			folded[strings.ToLower(n)] = n
		}
		user := a.config.cfg.Environments
		for _, name := range sortedKeys(user) {
			c, key := user[name], "environments."+name
			e, known := envs[name]
			if !known {
				if other := folded[strings.ToLower(name)]; other != "" {
					ps = append(ps, configProblem{line: c.line, key: key, msg: fmt.Sprintf("differs from the built-in environment %q only in case", other),
						hint: fmt.Sprintf("environment names are case-sensitive: write %s to change the built-in one, or choose another name", other)})
					continue
				}
				e = &Environment{Name: name}
				envs[name] = e
			}
			c.apply(e, a.config.path)
			if e.Host == "" || e.Port == 0 {
				ps = append(ps, configProblem{line: c.line, key: key, msg: "is a new environment without host and port",
					hint: "give a new environment at least host and port (and ca, the server's CA), or name a known one: " + strings.Join(builtin, ", ")})
			}
		}
		if len(ps) > 0 {
			return nil, configError(a.config.path, ps)
		}
	}
	for _, e := range envs {
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

// foldMatch returns the name in envs that equals name but for case.
func foldMatch(envs map[string]*Environment, name string) string {
	for other := range envs {
		if other != name && strings.EqualFold(other, name) {
			return other
		}
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// environment returns one environment by its exact name. A name that
// differs from a known one only in case is refused naming the right one.
func (a *App) environment(name string) (*Environment, error) {
	envs, err := a.environments()
	if err != nil {
		return nil, err
	}
	e, ok := envs[name]
	if !ok {
		if other := foldMatch(envs, name); other != "" {
			return nil, usageErr("environment names are case-sensitive: use --env "+other, "unknown environment %q (did you mean %q?)", name, other)
		}
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
	return &Error{Code: codeNoCA,
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
			return nil, "", &Error{Code: codeNoSandbox, Err: err,
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
		return certs, e.CA, e.blame(err, "ca")
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
func (a *App) defaultSandboxDir() string {
	dir, err := a.userConfigDir()
	if err != nil {
		return "caronboard-sandbox"
	}
	return filepath.Join(dir, "caronboard", "sandbox")
}
