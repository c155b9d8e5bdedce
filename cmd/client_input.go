package cmd

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/clientgen"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/keystore"
	"github.com/caronboard/caronboard/pkg/verify"
)

// clientCred is a client credential read and checked for `client`.
type clientCred struct {
	leaf   *x509.Certificate
	others []*x509.Certificate
	key    *rsa.PrivateKey
	pass   []byte
	p12    []byte // the --p12 file as given
	keyPEM []byte // the --key file as given (encrypted)
}

// clientInput reads and checks everything a generated client needs, so
// that clientgen only renders and nothing is written on a refusal.
func (a *App) clientInput(opts *ClientOptions) (clientgen.Input, error) {
	spec, err := clientgen.Lookup(opts.Runtime)
	if err != nil {
		return clientgen.Input{}, usageErr("valid runtimes: "+strings.Join(clientgen.Runtimes, ", "), "%v", err)
	}
	e, err := a.environment(opts.Env)
	if err != nil {
		return clientgen.Input{}, err
	}
	roots, _, err := a.trustAnchors(e, &TruststoreOptions{CA: opts.CA, SandboxDir: opts.SandboxDir})
	if err != nil {
		return clientgen.Input{}, err
	}
	cred, err := a.clientCred(opts, e)
	if err != nil {
		return clientgen.Input{}, err
	}
	defer clear(cred.pass)
	if e.Profile == "car" { // the CAR CA (and the sandbox's) issues server and client certificates
		if _, err := verify.BuildChain(cred.leaf, cred.others, roots, a.Now()); err != nil {
			return clientgen.Input{}, fmt.Errorf("the client certificate does not chain to the %s CA: %w", e.Name, err)
		}
	}
	in := clientgen.Input{Runtime: opts.Runtime, Env: e.Name, Host: e.Host, Port: e.Port, ServerName: e.ServerName,
		Request: clientgen.Request{Method: e.Request.Method, Path: e.Request.Path, ContentType: e.Request.ContentType, Body: e.Request.Body},
		Subject: csr.FormatName(cred.leaf.RawSubject)}
	if opts.Addr != "" {
		host, port, err := net.SplitHostPort(opts.Addr)
		n, perr := strconv.Atoi(port)
		if err != nil || perr != nil || host == "" {
			return clientgen.Input{}, usageErr("for example --addr 127.0.0.1:8443", "--addr %q is not HOST:PORT", opts.Addr)
		}
		in.Host, in.Port = host, n
	}
	if opts.ServerName != "" {
		in.ServerName = opts.ServerName
	}
	if spec.TrustPKCS12 {
		if in.TrustP12, err = keystore.EncodeTrustStore(roots, ""); err != nil {
			return clientgen.Input{}, err
		}
	} else {
		now := a.Now()
		aliases := keystore.TrustStoreAliases(roots)
		var described []trustCert
		for i, c := range roots {
			described = append(described, describeTrustCert(c, aliases[i], now))
		}
		in.TrustPEM = pemBundle(roots, described)
	}
	if err := cred.encode(spec, &in); err != nil {
		return clientgen.Input{}, err
	}
	return in, nil
}

// encode puts the credential into the form the runtime loads.
func (c *clientCred) encode(spec clientgen.Spec, in *clientgen.Input) error {
	chain := append([]*x509.Certificate{c.leaf}, c.others...)
	var err error
	switch {
	case spec.Form == clientgen.FormPKCS12 && c.p12 != nil:
		in.P12 = c.p12
	case spec.Form == clientgen.FormPKCS12:
		if in.P12, err = keystore.EncodePKCS12(c.key, chain, defaultAlias(c.leaf), string(c.pass), keystore.P12Modern); err != nil {
			return err
		}
	default:
		for _, cert := range chain {
			in.CertPEM = append(in.CertPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})...)
		}
		in.KeyPEM = c.keyPEM
		if in.KeyPEM == nil || spec.KeyPBES2 {
			// Re-encrypted in memory with the same passphrase: never decrypted to disk.
			if in.KeyPEM, err = keystore.EncodePrivateKey(c.key, c.pass); err != nil {
				return err
			}
		}
	}
	return nil
}

// clientCred reads --p12 or --cert/--key (or the environment's configured
// credential) with its passphrase, and checks that key and certificate belong
// together.
func (a *App) clientCred(opts *ClientOptions, e *Environment) (*clientCred, error) {
	p12, cert, key := opts.P12, opts.Cert, opts.Key
	if p12 == "" && cert == "" {
		p12, cert, key = expandHome(e.P12), expandHome(e.Cert), expandHome(e.Key)
	}
	spec := secretSpec{file: opts.PassphraseFile, fileFlag: "--passphrase-file", envVar: clientgen.PassphraseEnv}
	switch {
	case p12 != "":
		data, err := safefile.ReadFile(p12, maxKeystoreSize)
		if err != nil {
			return nil, err
		}
		spec.what = "passphrase of " + p12
		pass, err := a.readSecret(spec)
		if err != nil {
			return nil, err
		}
		c, err := keystore.DecodePKCS12(data, string(pass))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p12, err)
		}
		if !c.KeyMatchesLeaf {
			return nil, fmt.Errorf("%s: %w", p12, keystore.ErrKeyMismatch)
		}
		k, err := c.RSAKey()
		if err != nil {
			return nil, err
		}
		return &clientCred{leaf: c.Leaf, others: c.CACerts, key: k, pass: pass, p12: data}, nil
	case cert != "":
		certs, err := keystore.ReadCertificates(cert)
		if err != nil {
			return nil, err
		}
		data, err := safefile.ReadFile(key, keystore.MaxInputSize)
		if err != nil {
			return nil, fmt.Errorf("reading the key: %w", err)
		}
		if !keystore.IsEncrypted(data) {
			return nil, &Error{Code: codeUnencryptedKey,
				Message: key + " is not encrypted: the generated client would hold your private key in the clear",
				Hint:    "encrypt it first, e.g. openssl pkcs8 -topk8 -v2 aes-256-cbc -in " + key + " -out client.key, or build a keystore with 'caronboard pkcs12' and pass --p12"}
		}
		if w := keystore.PermissionWarning(key); w != "" {
			a.Warn(w)
		}
		var pass []byte
		spec.what = "passphrase for " + key
		k, _, err := keystore.ParsePrivateKey(data, func() ([]byte, error) {
			p, err := a.readSecret(spec)
			pass = p
			return p, err
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		leaf, others, err := verify.FindLeaf(certs, k.Public())
		if errors.Is(err, verify.ErrNoLeaf) && len(certs) == 1 {
			err = verify.MatchKey(certs[0], k.Public()) // one certificate: say key_mismatch, as cert verify does
		}
		if err != nil {
			return nil, err
		}
		return &clientCred{leaf: leaf, others: others, key: k, pass: pass, keyPEM: data}, nil
	}
	return nil, usageErr("for example: --p12 client.p12, or --cert client.cer --key client.key", "give the client credential: --p12, or --cert and --key")
}

func net2(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }

// wrapText wraps s at width columns, continuing lines with indent.
func wrapText(s string, width int, indent string) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(s) {
		if i > 0 && n+1+len(w) > width {
			b.WriteString("\n" + indent)
			n = 0
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
