package cmd

import (
	"errors"

	"github.com/caronboard/caronboard/pkg/netproxy"
	"github.com/caronboard/caronboard/pkg/verify"
)

// proxies decides, per target, whether and through which proxy it is
// reached (flag > environment > config), and reads the proxy password once
// when a user is given and some target goes through a proxy.
func (a *App) proxies(opts *PingOptions, envs []*Environment, targets []verify.Target) error {
	in := netproxy.Input{Flag: opts.Proxy, NoProxy: opts.NoProxy, Getenv: a.Getenv}
	byName := map[string]*Environment{}
	for _, e := range envs {
		byName[e.Name] = e
	}
	var proxied []*netproxy.Choice
	set := false
	for i := range targets {
		in := in
		in.Config, in.ConfigKey = a.configProxy(byName[targets[i].Name])
		c, err := netproxy.Resolve(in, targets[i].Addr)
		if err != nil {
			return proxySettingErr(err)
		}
		if !c.Direct() {
			proxied = append(proxied, c)
		}
		set = set || (c.Source != "" && c.Source != netproxy.SourceNone)
		targets[i].Proxy = c
	}
	if opts.ProxyUser == "" || len(proxied) == 0 {
		if opts.ProxyUser != "" && len(targets) > 0 && !set {
			return usageErr("name the proxy with --proxy URL or HTTPS_PROXY", "--proxy-user is given, but no proxy is set")
		}
		return nil
	}
	// The password is read once, and only when a proxy will get it.
	pass, err := a.readSecret(secretSpec{what: "password of the proxy user " + opts.ProxyUser,
		file: opts.ProxyPasswordFile, fileFlag: "--proxy-password-file", envVar: envProxyPassword})
	if err != nil {
		return err
	}
	auth := &netproxy.Auth{User: opts.ProxyUser, Password: string(pass)}
	for _, c := range proxied {
		c.Auth, c.User = auth, auth.User
	}
	return nil
}

// configProxy is the config file's proxy for e: environments.NAME.proxy,
// else the top-level proxy key.
func (a *App) configProxy(e *Environment) (string, string) {
	if e != nil && e.Proxy != "" {
		return e.Proxy, "environments." + e.Name + ".proxy"
	}
	if a.config != nil && a.config.cfg.Proxy.IsSet() {
		return a.config.cfg.Proxy.Value, "proxy"
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
	code := codeBadProxy
	if errors.Is(err, netproxy.ErrCredentialsInURL) {
		code = codeProxyCredsInURL
	}
	return &Error{Code: code, Message: se.Error(), Hint: se.Hint, Err: err}
}
