package netproxy

import (
	"errors"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	const dest = "api.e-faktura.com:443"
	tests := []struct {
		name                          string
		in                            Input
		env                           map[string]string
		dest                          string
		wantProxy, wantSource, wantBy string
		wantErr                       error
	}{
		{name: "nothing set"},
		{name: "flag", in: Input{Flag: "http://proxy:3128"}, wantProxy: "http://proxy:3128", wantSource: "--proxy"},
		{name: "flag without scheme", in: Input{Flag: "proxy:3128"}, wantProxy: "http://proxy:3128", wantSource: "--proxy"},
		{name: "flag without port", in: Input{Flag: "http://proxy"}, wantProxy: "http://proxy:80", wantSource: "--proxy"},
		{name: "socks5", in: Input{Flag: "socks5h://proxy"}, wantProxy: "socks5://proxy:1080", wantSource: "--proxy"},
		{name: "flag beats env", in: Input{Flag: "http://a:1"}, env: map[string]string{"HTTPS_PROXY": "http://b:2"}, wantProxy: "http://a:1", wantSource: "--proxy"},
		{name: "HTTPS_PROXY", env: map[string]string{"HTTPS_PROXY": "http://b:2", "ALL_PROXY": "http://c:3"}, wantProxy: "http://b:2", wantSource: "HTTPS_PROXY"},
		{name: "https_proxy", env: map[string]string{"https_proxy": "http://b:2"}, wantProxy: "http://b:2", wantSource: "https_proxy"},
		{name: "ALL_PROXY", env: map[string]string{"ALL_PROXY": "socks5://c:3"}, wantProxy: "socks5://c:3", wantSource: "ALL_PROXY"},
		{name: "HTTP_PROXY is for http only", env: map[string]string{"HTTP_PROXY": "http://b:2"}},
		{name: "env beats config", in: Input{Config: "http://c:3", ConfigKey: "proxy"}, env: map[string]string{"HTTPS_PROXY": "http://b:2"}, wantProxy: "http://b:2", wantSource: "HTTPS_PROXY"},
		{name: "config", in: Input{Config: "http://c:3", ConfigKey: "environments.api.proxy"}, wantProxy: "http://c:3", wantSource: "config environments.api.proxy"},
		{name: "config none", in: Input{Config: "none", ConfigKey: "proxy"}, wantSource: "config proxy"},
		{name: "--proxy none", in: Input{Flag: "none"}, env: map[string]string{"HTTPS_PROXY": "http://b:2"}, wantSource: "--no-proxy"},
		{name: "--no-proxy", in: Input{NoProxy: true, Config: "http://c:3"}, wantSource: "--no-proxy"},
		{name: "NO_PROXY domain", env: map[string]string{"HTTPS_PROXY": "http://b:2", "NO_PROXY": ".e-faktura.com"}, wantSource: "HTTPS_PROXY", wantBy: "NO_PROXY"},
		{name: "no_proxy", in: Input{Flag: "http://a:1"}, env: map[string]string{"no_proxy": "api.e-faktura.com"}, wantSource: "--proxy", wantBy: "no_proxy"},
		{name: "NO_PROXY other host", env: map[string]string{"HTTPS_PROXY": "http://b:2", "NO_PROXY": "example.org"}, wantProxy: "http://b:2", wantSource: "HTTPS_PROXY"},
		{name: "NO_PROXY *", in: Input{Flag: "http://a:1"}, env: map[string]string{"NO_PROXY": "*"}, wantSource: "--proxy", wantBy: "NO_PROXY"},
		{name: "env: loopback never proxied", env: map[string]string{"HTTPS_PROXY": "http://b:2"}, dest: "127.0.0.1:8443", wantSource: "HTTPS_PROXY", wantBy: "loopback"},
		{name: "flag: loopback proxied", in: Input{Flag: "http://a:1"}, dest: "127.0.0.1:8443", wantProxy: "http://a:1", wantSource: "--proxy"},
		{name: "flag: loopback in NO_PROXY", in: Input{Flag: "http://a:1"}, env: map[string]string{"NO_PROXY": "example.org, 127.0.0.1"}, dest: "127.0.0.1:8443", wantSource: "--proxy", wantBy: "NO_PROXY"},
		{name: "flag: loopback CIDR in NO_PROXY", in: Input{Flag: "http://a:1"}, env: map[string]string{"NO_PROXY": "127.0.0.0/8"}, dest: "127.0.0.1:8443", wantSource: "--proxy", wantBy: "NO_PROXY"},
		{name: "flag: ::1 in NO_PROXY", in: Input{Flag: "http://a:1"}, env: map[string]string{"NO_PROXY": "[::1]:8443"}, dest: "[::1]:8443", wantSource: "--proxy", wantBy: "NO_PROXY"},
		{name: "credentials in flag", in: Input{Flag: "http://bob:s3cret@proxy:3128"}, wantErr: ErrCredentialsInURL},
		{name: "credentials in env", env: map[string]string{"HTTPS_PROXY": "http://bob:s3cret@proxy:3128"}, wantErr: ErrCredentialsInURL},
		{name: "credentials in config", in: Input{Config: "bob:s3cret@proxy:3128", ConfigKey: "proxy"}, wantErr: ErrCredentialsInURL},
		{name: "https proxy", in: Input{Flag: "https://proxy:443"}, wantErr: ErrBadProxy},
		{name: "path", in: Input{Flag: "http://proxy:3128/x?s3cret"}, wantErr: ErrBadProxy},
		{name: "not a URL", in: Input{Flag: "http://s3cret@[::1"}, wantErr: ErrBadProxy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Getenv = func(k string) string { return tt.env[k] }
			d := tt.dest
			if d == "" {
				d = dest
			}
			c, err := Resolve(tt.in, d)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				var se *SettingError
				if !errors.As(err, &se) || se.Hint == "" || strings.Contains(err.Error(), "s3cret") {
					t.Errorf("error %q (hint %q) leaks the secret or has no hint", err, se.Hint)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Proxy != tt.wantProxy || c.Source != tt.wantSource || c.Bypassed != tt.wantBy {
				t.Errorf("got proxy %q source %q bypassed %q, want %q %q %q", c.Proxy, c.Source, c.Bypassed, tt.wantProxy, tt.wantSource, tt.wantBy)
			}
			if (c.URL == nil) != (tt.wantProxy == "") || c.Describe() == "" {
				t.Errorf("URL %v, describe %q", c.URL, c.Describe())
			}
		})
	}
}

func TestDescribeNeverShowsPassword(t *testing.T) {
	c, err := Resolve(Input{Flag: "http://proxy:3128", Auth: &Auth{User: "bob", Password: "s3cret"}}, "h:443")
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Describe(); strings.Contains(d, "s3cret") || !strings.Contains(d, "bob") {
		t.Errorf("describe %q", d)
	}
}
