package cmd

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/pkg/netproxy"
	"github.com/caronboard/caronboard/pkg/verify"
)

// PingOptions are the inputs of `caronboard ping`.
type PingOptions struct {
	Env            string
	All            bool
	P12            string
	Cert           string
	Key            string
	CA             []string
	Addr           string
	ServerName     string
	Timeout        time.Duration
	PassphraseFile string
	SandboxDir     string
	// Profile limits --all to the environments of one API: car or freja.
	Profile string

	// Proxy settings: --proxy URL|none, --no-proxy, --proxy-user with the
	// password from --proxy-password-file or CARONBOARD_PROXY_PASSWORD.
	Proxy             string
	NoProxy           bool
	ProxyUser         string
	ProxyPasswordFile string
	// IPv4 and IPv6 force an address family.
	IPv4, IPv6 bool
	// Alias and KeyPassphraseFile apply to --p12 (any keystore: PKCS#12 or
	// Java JKS); NoPassphrase to --p12 or --key.
	Alias             string
	KeyPassphraseFile string
	NoPassphrase      bool
}

// envProxyPassword holds the proxy user's password (never a flag).
const envProxyPassword = "CARONBOARD_PROXY_PASSWORD"

// NewPingCmd proves mTLS connectivity to an environment and diagnoses failures.
func NewPingCmd(a *App, runF func(context.Context, *PingOptions) error) *cobra.Command {
	opts := &PingOptions{}
	c := &cobra.Command{
		Use:   "ping (--env NAME | --all) [--p12 FILE | --cert FILE --key FILE] [--ca FILE] [--addr HOST:PORT]",
		Short: "Prove mutual TLS to an environment works, and say why when it does not",
		Long: `Connect to an environment step by step and report each step with its duration:

  resolve             the host's addresses, IPv4 and IPv6 (--ipv4 or --ipv6 forces one)
  proxy               with a proxy: which one and why (--proxy, HTTPS_PROXY or ALL_PROXY,
                      the config file; or bypassed by NO_PROXY), its address and its
                      answer to CONNECT. The API then sees the proxy's outgoing address:
                      that address, not this computer's, goes on the CAR allow-list
  tcp                 without a proxy: the connection (Go's dialer races IPv6 and IPv4,
                      the address used is shown), and the local source address: the IP
                      address the CAR allow-list needs
  tls                 TLS 1.2 or later, the cipher suite, and the server's chain verified
                      against the environment's CA only (never the system's roots)
  client_certificate  whether the server asked for a client certificate, the CA names it
                      accepts, and whether ours chains to one of them
  http                one HTTP request over the connection: under TLS 1.3 a server rejects
                      a client certificate only after the handshake, so only the answer
                      proves it was accepted. A Freja {"code","message"} error body over an
                      accepted connection is success for connectivity, and is shown.

Failures have stable codes (JSON error.code) and a hint: dns, tcp_refused, tcp_timeout
(often: the source address is not allow-listed), tls_timeout, tls_protocol,
server_untrusted (wrong --ca or wrong environment), client_cert_missing,
client_cert_rejected (with the server's alert), client_cert_expired, http,
proxy_refused, proxy_timeout, proxy_auth_required (give --proxy-user), proxy_denied
(the proxy's policy blocks the host or port), proxy_protocol (not an HTTP proxy).

Proxies: --proxy URL (http:// for CONNECT, or socks5://) wins over HTTPS_PROXY/https_proxy,
then ALL_PROXY/all_proxy, then the config file's environments.NAME.proxy and proxy;
NO_PROXY/no_proxy lists hosts reached directly (Go's golang.org/x/net/http/httpproxy
rules; loopback addresses are proxied only by --proxy or the config file). --proxy none
or --no-proxy connects directly. Never put user:password in the URL (it shows in ps and
shell history): give --proxy-user NAME, and the password with --proxy-password-file,
CARONBOARD_PROXY_PASSWORD or at the prompt.

Environments: api, stage and ci (E-faktura CAR: pass the CAR CA root you received with
--ca or set it in the config file), freja-test and freja-prod (their server roots are
built in), sandbox (127.0.0.1:8443, see 'caronboard sandbox'). The config file can add
environments and set a default credential for each. --all probes every environment at
once; it takes about as long as the slowest one. --profile car|freja limits it to that
API's environments. Under --all an environment without a credential (no --p12 or
--cert/--key, and no environments.NAME.p12 or cert/key in the config file) is skipped,
not failed; the summary counts ok, failed and skipped apart.

The credential: --p12, a PKCS#12 or Java (JKS) keystore recognised by its content, with
its passphrase from --passphrase-file, CARONBOARD_PASSPHRASE or, after the empty
passphrase was tried, a prompt (--no-passphrase: it has none); --alias picks the key
entry of a keystore with several, and --key-passphrase-file gives a Java key entry's own
passphrase. Or --cert and --key (the key's passphrase from the same sources).

Examples:
  caronboard ping --env stage --p12 client.p12 --ca ca.cer
  caronboard ping --env freja-test --cert rp.cer --key rp.key
  caronboard ping --env sandbox --p12 client.jks --alias new --passphrase-file pass.txt
  caronboard ping --all -o json
  caronboard ping --all --profile freja --cert rp.cer --key rp.key
  caronboard ping --env stage --p12 client.p12 --proxy http://proxy.bank.example:3128
  caronboard ping --env api --proxy-user svc-einvoice --proxy-password-file ~/.proxy-pass

Exit codes: 0 connected and accepted, 1 a probe failed, 2 usage error.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return pingRun(cmd, a, opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Env, "env", "", "environment to probe: api, stage, ci, freja-test, freja-prod, sandbox or one from the config file")
	f.BoolVar(&opts.All, "all", false, "probe every environment at once")
	f.StringVar(&opts.Profile, "profile", "", "with --all: only the environments of this API, car or freja")
	f.StringVar(&opts.P12, "p12", "", "client credential as PKCS#12")
	f.StringVar(&opts.Cert, "cert", "", "client certificate (with --key)")
	f.StringVar(&opts.Key, "key", "", "client private key (with --cert)")
	f.StringArrayVar(&opts.CA, "ca", nil, "CA certificate the server must chain to (overrides the environment's)")
	f.StringVar(&opts.Addr, "addr", "", "connect to this host:port instead of the environment's")
	f.StringVar(&opts.ServerName, "server-name", "", "expect this name in the server certificate (and send it as SNI)")
	f.DurationVar(&opts.Timeout, "timeout", 10*time.Second, "time allowed for the whole probe")
	f.StringVar(&opts.PassphraseFile, "passphrase-file", "", "passphrase of --p12 or --key (- for stdin)")
	f.StringVar(&opts.Alias, "alias", "", "the key entry of --p12 to use, in a keystore with several")
	f.StringVar(&opts.KeyPassphraseFile, "key-passphrase-file", "", "passphrase of the key entry in --p12 when it differs from the keystore's (Java keystores)")
	f.BoolVar(&opts.NoPassphrase, "no-passphrase", false, "--p12 or --key has no passphrase: do not ask (an encrypted key is refused)")
	f.StringVar(&opts.SandboxDir, "sandbox-dir", "", "sandbox folder, for --env sandbox (default: caronboard/sandbox in the user config folder)")
	f.StringVar(&opts.Proxy, "proxy", "", "connect through this proxy (http://HOST:PORT or socks5://HOST:PORT), or none")
	f.BoolVar(&opts.NoProxy, "no-proxy", false, "connect directly, whatever HTTPS_PROXY or the config file say")
	f.StringVar(&opts.ProxyUser, "proxy-user", "", "proxy user name (password from --proxy-password-file, "+envProxyPassword+" or a prompt)")
	f.StringVar(&opts.ProxyPasswordFile, "proxy-password-file", "", "file holding the proxy user's password (- for stdin)")
	f.BoolVar(&opts.IPv4, "ipv4", false, "connect over IPv4 only")
	f.BoolVar(&opts.IPv6, "ipv6", false, "connect over IPv6 only")
	c.MarkFlagsMutuallyExclusive("proxy", "no-proxy")
	c.MarkFlagsMutuallyExclusive("ipv4", "ipv6")
	markConfigurable(f, "timeout")
	_ = c.RegisterFlagCompletionFunc("env", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		envs, err := a.environments()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return envNames(envs), cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

func (o *PingOptions) validate() error {
	switch {
	case (o.Env == "") == !o.All:
		return usageErr("for example: caronboard ping --env stage --p12 client.p12", "give exactly one of --env NAME and --all")
	case o.P12 != "" && (o.Cert != "" || o.Key != ""):
		return usageErr("use --p12, or --cert with --key", "--p12 cannot be combined with --cert/--key")
	case (o.Cert == "") != (o.Key == ""):
		return usageErr("give both --cert and --key", "--cert and --key go together")
	case o.Profile != "" && !o.All:
		return usageErr("--profile picks the environments of --all; --env names one already", "--profile needs --all")
	case o.Profile != "" && o.Profile != "car" && o.Profile != "freja":
		return usageErr("use --profile car or --profile freja", "unknown profile %q", o.Profile)
	case o.All && (o.Addr != "" || o.ServerName != ""):
		return usageErr("--addr and --server-name apply to one environment: use them with --env", "--addr and --server-name cannot be used with --all")
	case o.P12 == "" && (o.Alias != "" || o.KeyPassphraseFile != ""):
		return usageErr("use them with --p12 FILE", "--alias and --key-passphrase-file apply to --p12")
	case o.NoPassphrase && o.PassphraseFile != "":
		return usageErr("give one of them", "--no-passphrase and --passphrase-file cannot be combined")
	case o.Timeout <= 0:
		return usageErr("for example --timeout 10s", "--timeout must be positive")
	case o.ProxyPasswordFile != "" && o.ProxyUser == "":
		return usageErr("give the user with --proxy-user NAME", "--proxy-password-file needs --proxy-user")
	case o.ProxyUser != "" && (o.NoProxy || strings.EqualFold(o.Proxy, "none")):
		return usageErr("drop --proxy-user, or name the proxy", "--proxy-user cannot be used without a proxy")
	case o.ProxyPasswordFile != "" && o.ProxyPasswordFile == o.PassphraseFile && o.ProxyPasswordFile == "-":
		return usageErr("give one of them in a file", "--proxy-password-file and --passphrase-file cannot both read stdin")
	}
	if o.Proxy != "" && !strings.EqualFold(o.Proxy, "none") {
		if _, err := netproxy.Parse(o.Proxy, netproxy.SourceFlag); err != nil {
			return proxySettingErr(err)
		}
	}
	return nil
}

func pingRun(cmd *cobra.Command, a *App, opts *PingOptions) error {
	sandboxDir := opts.SandboxDir
	if sandboxDir == "" {
		sandboxDir = a.defaultSandboxDir()
	}
	var envs []*Environment
	if opts.All {
		all, err := a.environments()
		if err != nil {
			return err
		}
		for _, n := range envNames(all) {
			if opts.Profile == "" || all[n].Profile == opts.Profile {
				envs = append(envs, all[n])
			}
		}
	} else {
		e, err := a.environment(opts.Env)
		if err != nil {
			return err
		}
		envs = []*Environment{e}
	}
	var targets []verify.Target
	var skipped []pingSkip
	var probed []*Environment
	for _, e := range envs {
		t, err := a.target(e, opts, sandboxDir)
		if err != nil {
			if !opts.All {
				return err
			}
			ce := classify(err)
			skipped = append(skipped, pingSkip{Env: e.Name, Reason: ce.Message, Hint: ce.Hint})
			continue
		}
		targets = append(targets, t)
		probed = append(probed, e)
	}
	if err := a.proxies(opts, probed, targets); err != nil {
		return err
	}
	clients, files, targets, skipped, err := a.clientCredentials(cmd.Context(), opts, probed, targets, skipped)
	if err != nil {
		return err
	}
	if opts.All && len(targets) == 0 {
		res := &pingResult{Results: []*verify.ProbeResult{}, Skipped: skipped}
		a.SetResult(res)
		res.printTable(a)
		return errNothingToProbe(skipped)
	}
	po := verify.ProbeOptions{Timeout: opts.Timeout, Now: a.Now}
	switch {
	case opts.IPv4:
		po.Family = verify.IPv4
	case opts.IPv6:
		po.Family = verify.IPv6
	}
	results := probeEach(cmd.Context(), targets, clients, po)
	if !a.noPingRecord {
		recordPing(a, results, clients, files)
	}
	if !opts.All {
		for _, w := range results[0].Warnings {
			a.Warn(w)
		}
	}
	res := &pingResult{Results: results, Skipped: skipped}
	a.SetResult(res)
	if opts.All {
		res.printTable(a)
	} else {
		printProbe(a, results[0])
	}
	return res.verdict()
}
