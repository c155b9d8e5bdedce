package cmd

import (
	"errors"

	"github.com/caronboard/caronboard/pkg/netproxy"
	"github.com/caronboard/caronboard/pkg/verify"
)

// proxies decides, per target, whether and through which proxy it is
// reached (flag > environment > config), and reads the proxy password once
// when a user is given.
func (a *App) proxies(opts *PingOptions, envs []*Environment, targets []verify.Target) error {
	in := netproxy.Input{Flag: opts.Proxy, NoProxy: opts.NoProxy, Getenv: a.Getenv}
	if opts.ProxyUser != "" {
		pass, err := a.readSecret(secretSpec{what: "password of the proxy user " + opts.ProxyUser,
			file: opts.ProxyPasswordFile, fileFlag: "--proxy-password-file", envVar: envProxyPassword})
		if err != nil {
			return err
		}
		in.Auth = &netproxy.Auth{User: opts.ProxyUser, Password: string(pass)}
	}
	byName := map[string]*Environment{}
	for _, e := range envs {
		byName[e.Name] = e
	}
	for i := range targets {
		in := in
		in.Config, in.ConfigKey = a.configProxy(byName[targets[i].Name])
		c, err := netproxy.Resolve(in, targets[i].Addr)
		if err != nil {
			return proxySettingErr(err)
		}
		if in.Auth != nil && c.Direct() && c.Source == "" {
			return usageErr("name the proxy with --proxy URL or HTTPS_PROXY", "--proxy-user is given, but no proxy is set")
		}
		targets[i].Proxy = c
	}
	return nil
}

// configProxy is the config file's proxy for e: environments.NAME.proxy,
// else the top-level proxy key.
func (a *App) configProxy(e *Environment) (string, string) {
	if e != nil && e.Proxy != "" {
		return e.Proxy, "environments." + e.Name + ".proxy"
	}
	if a.config != nil {
		if v := a.config.GetString("proxy"); v != "" {
			return v, "proxy"
		}
	}
	return "", ""
}

// proxySettingErr turns a proxy setting that cannot be used into a usage
// error that names its source, never its credentials.
func proxySettingErr(err error) error {
	var se *netproxy.SettingError
	if !errors.As(err, &se) {
		return err
	}
	code := "bad_proxy"
	if errors.Is(err, netproxy.ErrCredentialsInURL) {
		code = "proxy_credentials_in_url"
	}
	return &Error{Code: code, Message: se.Error(), Hint: se.Hint, Exit: exitUsage, Err: err}
}
