// Package netproxy decides whether a connection goes through a proxy and
// opens it: the proxy settings of caronboard's commands and of the clients
// it generates, resolved in one place.
//
// Settings come, in this order of precedence, from a flag (--proxy URL,
// --proxy none, --no-proxy), the environment (HTTPS_PROXY, https_proxy, then
// ALL_PROXY, all_proxy) and the config file; NO_PROXY/no_proxy then decides
// per host, with the semantics of golang.org/x/net/http/httpproxy, which
// does the matching. Supported proxies are http:// (HTTP CONNECT, RFC 9110
// §9.3.6, with optional Basic authentication) and socks5:// (through
// golang.org/x/net/proxy).
//
// Credentials never come inside a URL (it would show in ps, shell history
// and logs): a URL with user information is refused, and the user name and
// password are given separately (Auth). No string this package returns,
// error or description, contains the password.
package netproxy

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/http/httpproxy"
)

// Sources of a proxy setting, for Choice.Source.
const (
	SourceFlag   = "--proxy"
	SourceNone   = "--no-proxy"
	SourceConfig = "config"
)

// Input is everything that may name a proxy for a connection.
type Input struct {
	// Flag is the value of --proxy: a URL, "none" to connect directly, or ""
	// when not given.
	Flag string
	// NoProxy is --no-proxy: connect directly whatever else says.
	NoProxy bool
	// Getenv reads the environment; nil means no environment.
	Getenv func(string) string
	// Config is the config file's proxy URL ("" for none, "none" to connect
	// directly) and ConfigKey the key it came from, for reports
	// ("environments.stage.proxy").
	Config, ConfigKey string
	// Auth is the proxy user and password, when given.
	Auth *Auth
}

// Auth is a proxy's Basic (HTTP) or username/password (SOCKS5) credential.
type Auth struct {
	User     string
	Password string
}

// Choice is the outcome for one destination: a proxy, or a direct
// connection and why.
type Choice struct {
	// URL is the proxy (scheme, host and port only), nil for a direct
	// connection.
	URL *url.URL `json:"-"`
	// Proxy is URL as text, without credentials ("" when direct).
	Proxy string `json:"proxy,omitempty"`
	// Source says where the setting came from: SourceFlag, SourceNone, the
	// environment variable's name, or "config KEY". Empty: nothing set.
	Source string `json:"source,omitempty"`
	// Bypassed says why a configured proxy is not used for this
	// destination: "NO_PROXY" (or "no_proxy"), or "loopback" (httpproxy
	// never proxies localhost and loopback addresses named by the
	// environment).
	Bypassed string `json:"bypassed,omitempty"`
	// Auth is the credential sent to the proxy; never marshalled.
	Auth *Auth `json:"-"`
	// User is Auth's user name, for reports.
	User string `json:"user,omitempty"`
}

// Direct reports whether the connection goes straight to the destination.
func (c *Choice) Direct() bool { return c == nil || c.URL == nil }

// Describe says in words which proxy is used and why, for reports.
func (c *Choice) Describe() string {
	switch {
	case c == nil || c.Source == "":
		return "no proxy set"
	case c.Source == SourceNone:
		return "direct: proxies turned off (--no-proxy or --proxy none)"
	case c.Bypassed == "loopback":
		return "direct: " + c.Source + " is set, but loopback destinations are never proxied"
	case c.Bypassed != "":
		return "direct: bypassed by " + c.Bypassed + " (the proxy from " + c.Source + " is not used for this host)"
	}
	s := c.Proxy + " (from " + c.Source + ")"
	if c.User != "" {
		s += " as user " + c.User
	}
	return s
}

// ErrCredentialsInURL: a proxy URL carries user:password.
var ErrCredentialsInURL = errors.New("the proxy URL contains a user name or password")

// ErrBadProxy: a proxy setting is not a usable proxy URL.
var ErrBadProxy = errors.New("not a usable proxy URL")

// SettingError is a proxy setting that cannot be used; it names its source
// and never repeats a credential.
type SettingError struct {
	Source string
	Reason string
	Hint   string
	Err    error
}

func (e *SettingError) Error() string {
	return "the proxy from " + e.Source + " " + e.Reason
}

// Unwrap returns ErrCredentialsInURL or ErrBadProxy.
func (e *SettingError) Unwrap() error { return e.Err }

// Resolve decides how to reach dest (host:port, the server behind the
// proxy).
func Resolve(in Input, dest string) (*Choice, error) {
	getenv := in.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if in.NoProxy || strings.EqualFold(in.Flag, "none") {
		return &Choice{Source: SourceNone}, nil
	}
	raw, source := in.Flag, SourceFlag
	if raw == "" {
		raw, source = envAny(getenv, "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")
	}
	fromEnv := raw != ""
	if raw == "" && in.Config != "" {
		raw, source = in.Config, SourceConfig+" "+in.ConfigKey
		if strings.EqualFold(raw, "none") {
			return &Choice{Source: source}, nil
		}
	}
	if raw == "" {
		return &Choice{}, nil
	}
	fromEnv = fromEnv && source != SourceFlag
	u, err := Parse(raw, source)
	if err != nil {
		return nil, err
	}
	c := &Choice{URL: u, Proxy: u.String(), Source: source, Auth: in.Auth}
	if in.Auth != nil {
		c.User = in.Auth.User
	}
	noProxy, noProxyName := envAny(getenv, "NO_PROXY", "no_proxy")
	use, err := useProxy(u, noProxy, dest)
	if err != nil {
		return nil, &SettingError{Source: source, Reason: "cannot be applied to " + dest + ": " + err.Error(),
			Hint: "check the destination address", Err: ErrBadProxy}
	}
	if !use {
		loopback, _ := useProxy(u, "", dest)
		loopback = !loopback
		switch {
		case !loopback || listsLoopback(noProxy, dest):
			c.Bypassed = noProxyName
		case fromEnv:
			c.Bypassed = "loopback"
		default:
			// A proxy named explicitly (flag or config) is used for
			// loopback destinations too, as curl -x does.
			return c, nil
		}
		c.URL, c.Proxy, c.Auth, c.User = nil, "", nil, ""
	}
	return c, nil
}

// listsLoopback reports whether noProxy names the loopback destination dest
// (which httpproxy never proxies, so it cannot say): "*", the host, the
// host:port, or a CIDR range holding it.
func listsLoopback(noProxy, dest string) bool {
	host, port, _ := net.SplitHostPort(dest)
	ip := net.ParseIP(host)
	for _, e := range strings.Split(noProxy, ",") {
		e = strings.ToLower(strings.TrimSpace(e))
		if _, n, err := net.ParseCIDR(e); err == nil && ip != nil && n.Contains(ip) {
			return true
		}
		if h, p, err := net.SplitHostPort(e); err == nil {
			if p != port {
				continue
			}
			e = h
		}
		if e == "*" || strings.Trim(e, "[]") == strings.ToLower(host) {
			return true
		}
	}
	return false
}

// useProxy asks httpproxy whether dest goes through the proxy under
// noProxy.
func useProxy(proxy *url.URL, noProxy, dest string) (bool, error) {
	cfg := httpproxy.Config{HTTPSProxy: proxy.String(), NoProxy: noProxy}
	got, err := cfg.ProxyFunc()(&url.URL{Scheme: "https", Host: dest})
	return got != nil, err
}

func envAny(getenv func(string) string, names ...string) (string, string) {
	for _, n := range names {
		if v := getenv(n); v != "" {
			return v, n
		}
	}
	return "", ""
}

// Parse reads a proxy URL as httpproxy does ("host:port" means
// http://host:port) and checks it: http:// or socks5:// (socks5h:// is the
// same here: the proxy always resolves the name), a host, no credentials,
// no path. The error names source and never repeats raw, which may hold a
// password.
func Parse(raw, source string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		u, err = url.Parse("http://" + raw)
	}
	if err != nil {
		return nil, &SettingError{Source: source, Reason: "is not a URL", Err: ErrBadProxy,
			Hint: "give it as http://HOST:PORT (or socks5://HOST:PORT)"}
	}
	if u.User != nil {
		return nil, &SettingError{Source: source, Reason: "contains a user name or password, which caronboard refuses: it would show in ps, shell history and logs",
			Err:  ErrCredentialsInURL,
			Hint: "remove user:password@ from the URL; give the user with --proxy-user NAME and the password with --proxy-password-file FILE or CARONBOARD_PROXY_PASSWORD"}
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme == "socks5h" {
		u.Scheme = "socks5"
	}
	if u.Scheme != "http" && u.Scheme != "socks5" {
		return nil, &SettingError{Source: source, Reason: fmt.Sprintf("has the scheme %q, which caronboard does not support", u.Scheme), Err: ErrBadProxy,
			Hint: "use an http:// (CONNECT) or socks5:// proxy"}
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Hostname() == "" {
		return nil, &SettingError{Source: source, Reason: "is not of the form " + u.Scheme + "://HOST:PORT", Err: ErrBadProxy,
			Hint: "give only the proxy's host and port, e.g. http://proxy.example.com:3128"}
	}
	if u.Port() == "" {
		port := "80"
		if u.Scheme == "socks5" {
			port = "1080"
		}
		u.Host = net.JoinHostPort(u.Hostname(), port)
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}
