package cmd

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"

	"github.com/caronboard/caronboard/pkg/keystore"
	"github.com/caronboard/caronboard/pkg/verify"
)

// validateFrom checks the flags of `caronboard pkcs12 --from OLD --out NEW`.
func (o *PKCS12Options) validateFrom() error {
	switch {
	case o.Out == "":
		return usageErr("for example: caronboard pkcs12 --from old.jks --out new.p12", "--out is required")
	case o.Cert != "" || o.Key != "" || o.Bundle != "":
		return usageErr("rebuild from the keystore alone, or build from --cert and --key", "--from cannot be combined with --cert, --key or --bundle")
	case o.FromNoPassphrase && o.FromPassphraseFile != "":
		return usageErr("give one of them", "--from-no-passphrase and --from-passphrase-file cannot be combined")
	case countStdin(o.FromPassphraseFile, o.KeyPassphraseFile, o.PassphraseFile) > 1:
		return usageErr("put all but one of the passphrases in files", "only one passphrase flag can read stdin")
	case o.Out == o.From:
		return usageErr("choose another --out: the old file stays as it is", "--out must not name the --from file")
	}
	return nil
}

func countStdin(files ...string) int {
	n := 0
	for _, f := range files {
		if f == "-" {
			n++
		}
	}
	return n
}

// fromStore takes the key entry of --from and checks its chain as pkcs12
// does for --cert: the key must be RSA and belong to the certificate, and the
// chain must build to a root (the self-signed CA certificates in the file, or
// --ca).
func (a *App) fromStore(ctx context.Context, opts *PKCS12Options, roots []*x509.Certificate) (*rsa.PrivateKey, []*x509.Certificate, string, error) {
	sf := &storeFlags{PassphraseFile: opts.FromPassphraseFile, KeyPassphraseFile: opts.KeyPassphraseFile,
		NoPassphrase: opts.FromNoPassphrase, Alias: opts.Alias, passFlag: "--from-passphrase-file", noEnv: true}
	st, err := a.openStore(ctx, opts.From, sf)
	var e0 *Error
	if errors.Is(err, keystore.ErrWrongPassphrase) && !errors.As(err, &e0) {
		return nil, nil, "", &Error{Code: codeWrongPassphrase, Err: err, Message: err.Error(),
			Hint: "give the old keystore's passphrase with --from-passphrase-file FILE (and a Java key entry's own with --key-passphrase-file)"}
	}
	if err != nil {
		return nil, nil, "", err
	}
	e, err := keyEntry(opts.From, st, opts.Alias)
	if err != nil {
		return nil, nil, "", err
	}
	key, ok := e.Key.(*rsa.PrivateKey)
	if !ok {
		return nil, nil, "", &Error{Code: codeUnsupportedKey, Message: opts.From + ": the key entry's key is not RSA; both CAs issue RSA certificates only",
			Hint: "make an RSA key with 'caronboard key --out FILE' and a new CSR"}
	}
	others := append([]*x509.Certificate{}, e.Chain[1:]...)
	others = append(others, st.Others...)
	for _, t := range st.Trusted {
		others = append(others, t.Cert)
	}
	chain, err := verify.BuildChain(e.Chain[0], others, roots, a.Now())
	if err != nil {
		return nil, nil, "", err
	}
	return key, chain, e.Alias, nil
}
