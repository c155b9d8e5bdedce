package cmd

import (
	"context"
	"crypto/tls"

	"github.com/caronboard/caronboard/pkg/keystore"
	"github.com/caronboard/caronboard/pkg/verify"
)

// target turns an environment and the flags into a probe target.
func (a *App) target(e *Environment, opts *PingOptions, sandboxDir string) (verify.Target, error) {
	roots, _, err := a.serverRoots(e, opts.CA, sandboxDir)
	if err != nil {
		return verify.Target{}, err
	}
	t := verify.Target{Name: e.Name, Addr: e.Addr(), ServerName: e.ServerName, Roots: roots,
		Request: verify.ProbeRequest{Method: e.Request.Method, Path: e.Request.Path, Body: e.Request.Body}}
	if e.Profile == "car" {
		t.ClientCAs = roots // the CAR CA issues both the server's and the clients' certificates
	}
	if e.Request.ContentType != "" {
		t.Request.Header = map[string]string{"Content-Type": e.Request.ContentType}
	}
	if opts.Addr != "" {
		t.Addr = opts.Addr
	}
	if opts.ServerName != "" {
		t.ServerName = opts.ServerName
	}
	return t, nil
}

// clientCredential loads the client certificate and key from --p12 or
// --cert/--key, or from the environment's configured defaults.
func (a *App) clientCredential(ctx context.Context, opts *PingOptions, envs []*Environment) (*tls.Certificate, error) {
	p12, cert, key := opts.P12, opts.Cert, opts.Key
	blame := func(err error, _ string) error { return err }
	if p12 == "" && cert == "" && len(envs) == 1 {
		p12, cert, key = expandHome(envs[0].P12), expandHome(envs[0].Cert), expandHome(envs[0].Key)
		blame = envs[0].blame // name the config file line that gave the file
	}
	switch {
	case p12 != "":
		sf := &storeFlags{PassphraseFile: opts.PassphraseFile, KeyPassphraseFile: opts.KeyPassphraseFile, NoPassphrase: opts.NoPassphrase, Alias: opts.Alias}
		st, err := a.openStore(ctx, p12, sf)
		if err != nil {
			return nil, blame(err, "p12")
		}
		e, err := keyEntry(p12, st, opts.Alias)
		if err != nil {
			return nil, err
		}
		var chain [][]byte
		for _, c := range e.Chain {
			chain = append(chain, c.Raw)
		}
		return &tls.Certificate{Certificate: chain, PrivateKey: e.Key, Leaf: e.Chain[0]}, nil
	case cert != "":
		certs, err := keystore.ReadCertificates(cert)
		if err != nil {
			return nil, blame(err, "cert")
		}
		k, _, err := a.loadKeyFrom(key, keySource{passFile: opts.PassphraseFile, passFlag: "--passphrase-file", passEnv: envPassphrase,
			noPassphrase: opts.NoPassphrase, noPassFlag: "--no-passphrase"})
		if err != nil {
			return nil, blame(err, "key")
		}
		leaf, others, err := verify.FindLeaf(certs, k.Public())
		if err != nil {
			return nil, err
		}
		chain := [][]byte{leaf.Raw}
		for _, o := range others {
			chain = append(chain, o.Raw)
		}
		return &tls.Certificate{Certificate: chain, PrivateKey: k, Leaf: leaf}, nil
	}
	return nil, nil
}
