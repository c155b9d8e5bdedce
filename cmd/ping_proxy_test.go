package cmd

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caronboard/caronboard/internal/sandbox"
	"github.com/caronboard/caronboard/internal/testnet"
)

const (
	proxyUser     = "bob"
	proxyPassword = "pr0xy-s3cret"
)

// tinyproxy starts Debian's tinyproxy in the foreground on a free loopback
// port with its own config file (extra lines appended), waits until it
// accepts connections by reading its log, and stops it with the test.
func tinyproxy(t *testing.T, listen string, extra ...string) string {
	t.Helper()
	bin, err := exec.LookPath("tinyproxy")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tinyproxy is not installed (.ci/run installs it): ", err)
		}
		t.Skip("tinyproxy is not installed (apt-get install -y tinyproxy): ", err)
	}
	l, err := net.Listen("tcp", net.JoinHostPort(listen, "0"))
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := filepath.Join(t.TempDir(), "tinyproxy.conf")
	lines := append([]string{fmt.Sprintf("Port %d", port), "Listen " + listen, "Timeout 30", "LogLevel Info",
		"MaxClients 20", "Allow 127.0.0.1", "Allow ::1"}, extra...)
	if err := os.WriteFile(conf, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-d", "-c", conf)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var logMu sync.Mutex
	var log strings.Builder
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		signalled := false
		for sc.Scan() {
			logMu.Lock()
			log.WriteString(sc.Text() + "\n")
			logMu.Unlock()
			if !signalled && strings.Contains(sc.Text(), "Accepting connections") {
				ready <- true
				signalled = true
			}
		}
		if !signalled {
			ready <- false
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logMu.Lock()
		defer logMu.Unlock()
		if t.Failed() {
			t.Logf("tinyproxy log:\n%s", log.String())
		}
	})
	if !<-ready {
		t.Fatalf("tinyproxy did not start:\n%s", log.String())
	}
	return "http://" + net.JoinHostPort(listen, fmt.Sprint(port))
}

// silentListener is a proxy URL whose listener accepts and never answers.
func silentListener(t *testing.T) string { return "http://" + testnet.SilentListener(t) }

// pingOutcome is what the proxy tests read from ping -o json.
type pingOutcome struct {
	OK    bool `json:"ok"`
	Error struct {
		Code, Message, Hint string
	} `json:"error"`
	Results []struct {
		Steps []struct {
			Name, Status, Message string
		} `json:"steps"`
		Proxy *struct {
			Proxy, Source, Bypassed, User string
		} `json:"proxy"`
		RemoteAddr string `json:"remote_addr"`
	} `json:"results"`
}

// TestPingThroughTinyproxy runs 'caronboard ping' against the sandbox
// server over TLS 1.2 and 1.3 through a real tinyproxy, with and without
// BasicAuth, through one whose policy allows only port 443, and through
// addresses that are not working proxies; NO_PROXY bypasses, and --proxy
// wins over HTTPS_PROXY, which wins over the config file. The password is
// asserted absent from every output.
func TestPingThroughTinyproxy(t *testing.T) {
	home := isolateConfig(t)
	_ = home
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	sb, err := sandbox.Init(context.Background(), filepath.Join(dir, "sb"), now, false)
	if err != nil {
		t.Fatal(err)
	}
	cert, key := sandboxClient(t, sb, now, dir)
	open := tinyproxy(t, "127.0.0.1")
	authed := tinyproxy(t, "127.0.0.1", "BasicAuth "+proxyUser+" "+proxyPassword)
	only443 := tinyproxy(t, "127.0.0.1", "ConnectPort 443")
	silent := silentListener(t)
	refused := "http://" + freeLoopbackPort(t)
	passFile := filepath.Join(dir, "proxy-pass")
	wrongFile := filepath.Join(dir, "wrong-pass")
	os.WriteFile(passFile, []byte(proxyPassword+"\n"), 0o600)
	os.WriteFile(wrongFile, []byte("wr0ng-s3cret\n"), 0o600)
	cfgRefused := filepath.Join(dir, "refused.yaml")
	os.WriteFile(cfgRefused, []byte("proxy: "+refused+"\n"), 0o600)
	cfgOpen := filepath.Join(dir, "open.yaml")
	os.WriteFile(cfgOpen, []byte("proxy: "+open+"\n"), 0o600)
	cfgEnv := filepath.Join(dir, "env.yaml")
	os.WriteFile(cfgEnv, []byte("proxy: "+open+"\nenvironments:\n  sandbox:\n    proxy: "+refused+"\n"), 0o600)

	for _, max := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		srv, err := sb.NewServer("127.0.0.1:0", max, func() time.Time { return now })
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ctx) }()
		base := []string{"ping", "--env", "sandbox", "--addr", srv.Addr(), "--sandbox-dir", sb.Dir, "--timeout", "5s", "-o", "json", "--cert", cert, "--key", key}
		tests := []struct {
			name       string
			args       []string
			env        map[string]string
			wantExit   int
			wantCode   string
			wantSource string // the proxy report's source ("" for none)
			wantBypass string
		}{
			{"through tinyproxy", []string{"--proxy", open}, nil, exitOK, "", "--proxy", ""},
			{"BasicAuth, no user", []string{"--proxy", authed}, nil, exitFailed, "proxy_auth_required", "--proxy", ""},
			{"BasicAuth, password from the environment", []string{"--proxy", authed, "--proxy-user", proxyUser}, map[string]string{envProxyPassword: proxyPassword}, exitOK, "", "--proxy", ""},
			{"BasicAuth, password file", []string{"--proxy", authed, "--proxy-user", proxyUser, "--proxy-password-file", passFile}, nil, exitOK, "", "--proxy", ""},
			{"BasicAuth, wrong password", []string{"--proxy", authed, "--proxy-user", proxyUser, "--proxy-password-file", wrongFile}, nil, exitFailed, "proxy_auth_required", "--proxy", ""},
			{"policy allows 443 only", []string{"--proxy", only443}, nil, exitFailed, "proxy_denied", "--proxy", ""},
			{"nothing listens", []string{"--proxy", refused}, nil, exitFailed, "proxy_refused", "--proxy", ""},
			{"never answers", []string{"--proxy", silent, "--timeout", "500ms"}, nil, exitFailed, "proxy_timeout", "--proxy", ""},
			{"not a proxy", []string{"--proxy", "http://" + srv.Addr()}, nil, exitFailed, "proxy_protocol", "--proxy", ""},
			{"NO_PROXY bypasses", []string{"--proxy", authed}, map[string]string{"NO_PROXY": "localhost,127.0.0.1"}, exitOK, "", "--proxy", "NO_PROXY"},
			{"--proxy beats HTTPS_PROXY", []string{"--proxy", open}, map[string]string{"HTTPS_PROXY": refused}, exitOK, "", "--proxy", ""},
			{"--no-proxy beats HTTPS_PROXY", []string{"--no-proxy"}, map[string]string{"HTTPS_PROXY": refused}, exitOK, "", "--no-proxy", ""},
			{"config proxy", []string{"--config", cfgOpen}, nil, exitOK, "", "config proxy", ""},
			{"environments.NAME.proxy beats proxy", []string{"--config", cfgEnv}, nil, exitFailed, "proxy_refused", "config environments.sandbox.proxy", ""},
			{"HTTPS_PROXY beats config", []string{"--config", cfgRefused}, map[string]string{"HTTPS_PROXY": open}, exitOK, "", "HTTPS_PROXY", "loopback"},
			{"--proxy beats config", []string{"--config", cfgRefused, "--proxy", open}, nil, exitOK, "", "--proxy", ""},
			{"credentials in the URL", []string{"--proxy", "http://" + proxyUser + ":" + proxyPassword + "@" + strings.TrimPrefix(open, "http://")}, nil, exitUsage, "proxy_credentials_in_url", "", ""},
			{"credentials in HTTPS_PROXY", nil, map[string]string{"HTTPS_PROXY": "http://" + proxyUser + ":" + proxyPassword + "@127.0.0.1:1"}, exitUsage, "proxy_credentials_in_url", "", ""},
		}
		for _, tt := range tests {
			t.Run(tls.VersionName(max)+"/"+tt.name, func(t *testing.T) {
				a, out, errOut := testApp(tt.env)
				a.Now = func() time.Time { return now }
				a.NoInput = true
				code := Run(context.Background(), a, append(append([]string{}, base...), tt.args...))
				assertNoProxySecret(t, out.String()+errOut.String()+recordedPings(t))
				var got pingOutcome
				if err := json.Unmarshal(out.Bytes(), &got); err != nil {
					t.Fatalf("not one JSON object: %v\n%s", err, out)
				}
				if code != tt.wantExit || got.Error.Code != tt.wantCode {
					t.Fatalf("exit %d code %q (%s), want %d %q\n%s", code, got.Error.Code, got.Error.Message, tt.wantExit, tt.wantCode, out)
				}
				if tt.wantCode != "" && got.Error.Hint == "" {
					t.Errorf("no hint: %s", out)
				}
				if tt.wantExit == exitUsage {
					return
				}
				r := got.Results[0]
				if r.Proxy == nil || r.Proxy.Source != tt.wantSource || r.Proxy.Bypassed != tt.wantBypass {
					t.Fatalf("proxy report %+v, want source %q bypassed %q", r.Proxy, tt.wantSource, tt.wantBypass)
				}
				var names []string
				for _, s := range r.Steps {
					names = append(names, s.Name)
				}
				if len(names) < 2 || names[1] != "proxy" {
					t.Errorf("steps %q: want proxy after resolve", names)
				}
				// The checklist learns that the API saw the proxy's address.
				if rec := recordedPings(t); (tt.wantBypass == "" && tt.wantSource != "--no-proxy") != strings.Contains(rec, `"proxy": "http://127.0.0.1:`) {
					t.Errorf("ping record %s", rec)
				}
			})
		}
		t.Run(tls.VersionName(max)+"/BasicAuth, password at the prompt", func(t *testing.T) {
			a, out, errOut := testApp(nil)
			a.Now = func() time.Time { return now }
			a.Prompter = &fakePrompter{answers: []string{proxyPassword}}
			code := Run(context.Background(), a, append(append([]string{}, base...), "--proxy", authed, "--proxy-user", proxyUser))
			assertNoProxySecret(t, out.String()+errOut.String()+recordedPings(t))
			if code != exitOK {
				t.Fatalf("exit %d:\n%s%s", code, out, errOut)
			}
		})
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Serve: %v", err)
		}
	}
}

// TestPingTinyproxyIPv6 pings the sandbox server on [::1], directly with
// --ipv6 and through a tinyproxy listening on ::1; --ipv4 refuses the
// IPv6 address as a dns failure.
func TestPingTinyproxyIPv6(t *testing.T) {
	if l, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skip("this machine has no ::1: ", err)
	} else {
		l.Close()
	}
	isolateConfig(t)
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	sb, err := sandbox.Init(context.Background(), filepath.Join(dir, "sb"), now, false)
	if err != nil {
		t.Fatal(err)
	}
	cert, key := sandboxClient(t, sb, now, dir)
	srv, err := sb.NewServer("[::1]:0", 0, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	proxy6 := tinyproxy(t, "::1")
	base := []string{"ping", "--env", "sandbox", "--addr", srv.Addr(), "--sandbox-dir", sb.Dir, "--timeout", "5s", "-o", "json", "--cert", cert, "--key", key}
	for _, tt := range []struct {
		name     string
		args     []string
		wantCode string
	}{
		{"direct, --ipv6", []string{"--ipv6"}, ""},
		{"direct, --ipv4", []string{"--ipv4"}, "dns"},
		{"through tinyproxy on ::1", []string{"--ipv6", "--proxy", proxy6}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, out, _ := testApp(nil)
			a.Now = func() time.Time { return now }
			a.NoInput = true
			Run(context.Background(), a, append(append([]string{}, base...), tt.args...))
			var got pingOutcome
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatalf("not one JSON object: %v\n%s", err, out)
			}
			if got.Error.Code != tt.wantCode || got.OK != (tt.wantCode == "") {
				t.Fatalf("code %q, want %q:\n%s", got.Error.Code, tt.wantCode, out)
			}
			if tt.wantCode == "" && tt.args[len(tt.args)-1] == "--ipv6" && got.Results[0].RemoteAddr != srv.Addr() {
				t.Errorf("remote %q, want %q", got.Results[0].RemoteAddr, srv.Addr())
			}
		})
	}
}

// recordedPings is the text of every ping record kept for the checklist.
func recordedPings(t *testing.T) string {
	t.Helper()
	dir, err := (&App{}).pingRecordDir()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	var all strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(data)
	}
	return all.String()
}

// assertNoProxySecret fails when the proxy password, or the Basic
// credential made from it, shows in text.
func assertNoProxySecret(t *testing.T, text string) {
	t.Helper()
	basic := base64.StdEncoding.EncodeToString([]byte(proxyUser + ":" + proxyPassword))
	for _, s := range []string{proxyPassword, "wr0ng-s3cret", basic} {
		if strings.Contains(text, s) {
			t.Errorf("output shows a proxy credential %q:\n%s", s, text)
		}
	}
}

func freeLoopbackPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestPingProxyFlagValidation(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string // "" means accepted
	}{
		{"proxy", []string{"--proxy", "http://proxy:3128"}, ""},
		{"proxy with user", []string{"--proxy", "proxy:3128", "--proxy-user", "bob", "--proxy-password-file", "p"}, ""},
		{"password file without user", []string{"--proxy-password-file", "p"}, "--proxy-password-file needs --proxy-user"},
		{"user without proxy", []string{"--no-proxy", "--proxy-user", "bob"}, "--proxy-user cannot be used without a proxy"},
		{"user with proxy none", []string{"--proxy", "none", "--proxy-user", "bob"}, "--proxy-user cannot be used without a proxy"},
		{"credentials in the URL", []string{"--proxy", "http://bob:" + proxyPassword + "@proxy:3128"}, "contains a user name or password"},
		{"https proxy", []string{"--proxy", "https://proxy:443"}, "does not support"},
		{"proxy and no-proxy", []string{"--proxy", "http://p:1", "--no-proxy"}, "none of the others"},
		{"ipv4 and ipv6", []string{"--ipv4", "--ipv6"}, "none of the others"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _, _ := testApp(nil)
			ran := false
			c := NewPingCmd(a, func(context.Context, *PingOptions) error { ran = true; return nil })
			c.SetArgs(append([]string{"--env", "stage"}, tt.args...))
			c.SetOut(&bytes.Buffer{})
			c.SetErr(&bytes.Buffer{})
			err := c.Execute()
			if tt.wantErr == "" {
				if err != nil || !ran {
					t.Fatalf("want accepted, got err=%v ran=%v", err, ran)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || ran {
				t.Fatalf("want error %q, got %v (ran %v)", tt.wantErr, err, ran)
			}
			assertNoProxySecret(t, err.Error())
			var e *Error
			if errors.As(err, &e) && (e.Exit() != exitUsage || e.Hint == "") {
				t.Errorf("error %+v: want a usage error with a hint", e)
			}
		})
	}
}
