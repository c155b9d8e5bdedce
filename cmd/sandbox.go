package cmd

import (
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/internal/sandbox"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// NewSandboxCmd groups the local stand-ins for the CA and the API.
func NewSandboxCmd(a *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "sandbox",
		Short: "A local CA and mTLS API server to rehearse the lifecycle offline",
		Long: `The sandbox plays the CA and the API on this machine, so the whole lifecycle can be
rehearsed without the real hosts: 'sandbox init' makes a CA (RSA-4096, C=SE,
O=caronboard sandbox) that issues both CAR- and Freja-profile certificates, a server
certificate for localhost and a Freja-like JWS signer; 'sandbox sign' issues a
client certificate from a CSR as the real CA would; 'sandbox serve' runs an HTTPS
server on loopback that demands a sandbox-issued client certificate and returns
Freja-like signed results. The files live in --dir (default: caronboard/sandbox in
the user config folder). Sandbox material is for testing only.

Examples:
  caronboard sandbox init
  caronboard sandbox sign --csr client.csr --profile car --out client.cer
  caronboard sandbox serve &
  SB=$(caronboard sandbox path)
  caronboard ping --env sandbox --cert client.cer --key client.key

Exit codes: 0 success, 1 the step failed, 2 usage error.`,
	}
	c.AddCommand(newSandboxInitCmd(a), newSandboxSignCmd(a), newSandboxServeCmd(a), newSandboxPathCmd(a))
	return c
}

func sandboxDirFlag(c *cobra.Command, dir *string) {
	c.Flags().StringVar(dir, "dir", "", "sandbox folder (default: caronboard/sandbox in the user config folder)")
}

func (a *App) orDefaultSandbox(dir string) string {
	if dir == "" {
		return a.defaultSandboxDir()
	}
	return dir
}

func newSandboxInitCmd(a *App) *cobra.Command {
	var dir string
	var force bool
	c := &cobra.Command{
		Use:   "init [--dir DIR] [--force]",
		Short: "Create the sandbox CA, server certificate and JWS signer",
		Long: `Create the sandbox: ca.pem (an RSA-4096 root, O=caronboard sandbox, for both profiles), server.pem (localhost,
127.0.0.1, ::1), signer.pem (a Freja-like RSA-2048 JWS signing certificate under its
own root), with their keys (unencrypted, 0600: test material).

Examples:
  caronboard sandbox init
  caronboard sandbox init --dir ./sandbox --force

Exit codes: 0 created, 1 failed (e.g. a sandbox exists; --force replaces it), 2 usage error.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sb, err := sandbox.Init(cmd.Context(), a.orDefaultSandbox(dir), a.Now(), force)
			if err != nil {
				return err
			}
			res := struct {
				Dir    string `json:"dir"`
				CA     string `json:"ca"`
				Server string `json:"server"`
				Signer string `json:"signer"`
			}{sb.Dir, sb.Path(sandbox.CAFile), sb.Path(sandbox.ServerFile), sb.Path(sandbox.SignerFile)}
			a.SetResult(res)
			a.Infof("Created the sandbox in %s\n  CA:         %s\n  server:     %s\n  JWS signer: %s\n", res.Dir, res.CA, res.Server, res.Signer)
			return nil
		},
	}
	sandboxDirFlag(c, &dir)
	c.Flags().BoolVar(&force, "force", false, "replace an existing sandbox")
	return c
}

func newSandboxSignCmd(a *App) *cobra.Command {
	var dir, csrFile, profile, out string
	var force bool
	c := &cobra.Command{
		Use:   "sign --csr FILE --profile car|freja --out FILE [--dir DIR]",
		Short: "Issue a client certificate from a CSR, as the real CA would",
		Long: `Issue a client certificate from a CSR with the sandbox CA, as the real CA would:
the CSR must pass the profile's rules (the same messages as 'csr inspect'); for CAR the
CA sets C=SE and O=E-fakturabolaget itself; clientAuth; valid for one year.

Examples:
  caronboard sandbox sign --csr client.csr --profile car --out client.cer

Exit codes: 0 issued, 1 the CSR was refused or a file could not be read/written, 2 usage error.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if csrFile == "" || out == "" || profile == "" {
				return usageErr("for example: caronboard sandbox sign --csr client.csr --profile car --out client.cer", "--csr, --profile and --out are required")
			}
			p, err := csr.ParseProfile(profile)
			if err != nil {
				return usageErr("use --profile car or --profile freja", "unknown profile %q", profile)
			}
			if err := safefile.CheckWritable(out, force); err != nil {
				return err
			}
			sb, err := sandbox.Load(a.orDefaultSandbox(dir))
			if err != nil {
				return err
			}
			data, err := safefile.ReadFile(csrFile, keystore.MaxInputSize)
			if err != nil {
				return fmt.Errorf("reading the CSR: %w", err)
			}
			req, err := csr.Parse(data)
			if err != nil {
				return fmt.Errorf("%s: %w", csrFile, err)
			}
			cert, err := sb.Sign(req, p, a.Now())
			if err != nil {
				return err
			}
			if err := a.writeFile(cmd.Context(), out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o644, force); err != nil {
				return err
			}
			res := struct {
				File     string    `json:"file"`
				Subject  string    `json:"subject"`
				NotAfter time.Time `json:"not_after"`
				CA       string    `json:"ca"`
			}{out, csr.FormatName(cert.RawSubject), cert.NotAfter, sb.Path(sandbox.CAFile)}
			a.SetResult(res)
			a.Infof("Issued %s\n  subject: %s\n  valid until %s\n  CA: %s\n", res.File, res.Subject, res.NotAfter.UTC().Format(time.RFC3339), res.CA)
			return nil
		},
	}
	sandboxDirFlag(c, &dir)
	f := c.Flags()
	f.StringVar(&csrFile, "csr", "", "the CSR to sign (required)")
	f.StringVar(&profile, "profile", "", "car or freja (required)")
	registerProfileCompletion(c)
	f.StringVar(&out, "out", "", "file to write the certificate to (required)")
	f.BoolVar(&force, "force", false, "replace an existing file")
	return c
}

func newSandboxServeCmd(a *App) *cobra.Command {
	var dir, addr, tlsMax string
	c := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8443] [--tls-max 1.2|1.3] [--dir DIR]",
		Short: "Run the sandbox mTLS API server on loopback until interrupted",
		Long: `Run an HTTPS server that requires a client certificate issued by the sandbox CA.
GET / answers with the client's identity; the Freja-like endpoints
(/authentication/1.0/initAuthentication, /authentication/1.0/getOneResult) return results
whose details are JWS signed by the sandbox signer, to rehearse 'caronboard jws verify'.
Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.

Examples:
  caronboard sandbox serve
  caronboard sandbox serve --addr 127.0.0.1:9443 --tls-max 1.2
  caronboard ping --env sandbox --addr 127.0.0.1:9443 --cert client.cer --key client.key

When the port is taken (address_in_use), choose another with --addr and tell ping:
--addr on each ping, or once in the config file (environments: sandbox: port: 9443).

Exit codes: 0 stopped cleanly, 1 could not start, 2 usage error.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			max, err := parseTLSMax(tlsMax)
			if err != nil {
				return err
			}
			sb, err := sandbox.Load(a.orDefaultSandbox(dir))
			if err != nil {
				return err
			}
			srv, err := sb.NewServer(addr, max, a.Now)
			if errors.Is(err, syscall.EADDRINUSE) {
				return errAddrInUse(addr, err)
			}
			if err != nil {
				return err
			}
			if !a.JSON() {
				fmt.Fprintf(a.ErrOut, "Sandbox API listening on https://%s (CA %s); Ctrl-C stops it\n", srv.Addr(), sb.Path(sandbox.CAFile))
			}
			return srv.Serve(cmd.Context())
		},
	}
	sandboxDirFlag(c, &dir)
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8443", "address to listen on (loopback)")
	c.Flags().StringVar(&tlsMax, "tls-max", "1.3", "highest TLS version: 1.2 or 1.3")
	return c
}

// parseTLSMax reads --tls-max.
func parseTLSMax(s string) (uint16, error) {
	switch s {
	case "1.3", "":
		return tls.VersionTLS13, nil
	case "1.2":
		return tls.VersionTLS12, nil
	}
	return 0, usageErr("use --tls-max 1.2 or 1.3", "unknown TLS version %q", s)
}

// errAddrInUse says how to run the sandbox server on another port and how
// ping then finds it.
func errAddrInUse(addr string, err error) *Error {
	host, port, _ := net.SplitHostPort(addr)
	other := "9443"
	if port == "9443" {
		other = "10443"
	}
	alt := net.JoinHostPort(host, other)
	return &Error{Code: codeAddressInUse, Err: err,
		Message: fmt.Sprintf("cannot listen on %s: another program (perhaps another 'caronboard sandbox serve') already uses it", addr),
		Hint: fmt.Sprintf("stop that program, or choose another port: caronboard sandbox serve --addr %s; "+
			"then ping finds it with caronboard ping --env sandbox --addr %s, "+
			"or set it once in the config file: environments: sandbox: port: %s", alt, alt, other)}
}

func newSandboxPathCmd(a *App) *cobra.Command {
	var dir string
	return withSandboxDir(&cobra.Command{
		Use:   "path [--dir DIR]",
		Short: "Print the sandbox folder (where ca.pem is)",
		Long: `Print the sandbox folder: --dir when given, else caronboard/sandbox in the user config
folder (~/.config/caronboard/sandbox on Linux, ~/Library/Application Support/caronboard/sandbox
on macOS). It prints the path whether or not a sandbox exists there yet; with -o json the
object also says whether it does.

Examples:
  caronboard sandbox path
  SB=$(caronboard sandbox path); caronboard cert verify --cert client.cer --key client.key --ca "$SB/ca.pem"

Exit codes: 0 printed, 2 usage error.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path := a.orDefaultSandbox(dir)
			_, err := os.Stat(filepath.Join(path, sandbox.CAFile))
			a.SetResult(struct {
				Dir    string `json:"dir"`
				Exists bool   `json:"exists"`
			}{path, err == nil})
			if !a.JSON() {
				fmt.Fprintln(a.Out, path)
			}
			return nil
		},
	}, &dir)
}

func withSandboxDir(c *cobra.Command, dir *string) *cobra.Command {
	sandboxDirFlag(c, dir)
	return c
}
