package sandbox

import (
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// Load reads the sandbox in dir. Missing files give a *NoSandboxError
// (wrapping ErrNoSandbox) naming them; files that do not fit together (a
// key that is not its certificate's, a certificate not issued by its root,
// an encrypted key) give an error wrapping ErrDamaged. Key files that
// other users can read are reported in Sandbox.Warnings.
func Load(dir string) (*Sandbox, error) {
	data := make(map[string][]byte, len(files))
	var missing []string
	for _, name := range files {
		b, err := safefile.ReadFile(filepath.Join(dir, name), keystore.MaxInputSize)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			missing = append(missing, name)
		case err != nil:
			return nil, fmt.Errorf("reading the sandbox: %w", err)
		default:
			data[name] = b
		}
	}
	if len(missing) > 0 {
		return nil, &NoSandboxError{Dir: dir, Missing: missing}
	}
	defer func() {
		for _, b := range data {
			clear(b)
		}
	}()
	s := &Sandbox{Dir: dir}
	pairs := []struct {
		certFile, keyFile string
		cert              **x509.Certificate
		key               **rsa.PrivateKey
	}{
		{CAFile, CAKeyFile, &s.CA, &s.caKey},
		{ServerFile, ServerKeyFile, &s.Server, &s.serverKey},
		{SignerRootFile, SignerRootKeyFile, &s.SignerRoot, &s.signerRootKey},
		{SignerFile, SignerKeyFile, &s.Signer, &s.signerKey},
	}
	for _, p := range pairs {
		var err error
		if *p.cert, err = oneCertificate(data[p.certFile]); err != nil {
			return nil, damaged(dir, "%s: %v", p.certFile, err)
		}
		if *p.key, _, err = keystore.ParsePrivateKey(data[p.keyFile], nil); err != nil {
			return nil, damaged(dir, "%s: %v", p.keyFile, err)
		}
		if !keyMatches(*p.cert, *p.key) {
			return nil, damaged(dir, "%s is not the key of %s", p.keyFile, p.certFile)
		}
		if w := keystore.PermissionWarning(s.Path(p.keyFile)); w != "" {
			s.Warnings = append(s.Warnings, w)
		}
	}
	if err := s.checkIssuers(); err != nil {
		return nil, err
	}
	return s, nil
}

// oneCertificate parses a file that must hold exactly one certificate.
func oneCertificate(data []byte) (*x509.Certificate, error) {
	certs, err := keystore.ParseCertificates(data)
	if err != nil {
		return nil, err
	}
	if len(certs) != 1 {
		return nil, fmt.Errorf("holds %d certificates, not one", len(certs))
	}
	return certs[0], nil
}

// checkIssuers checks that each certificate was issued by its root and
// that the roots are CAs.
func (s *Sandbox) checkIssuers() error {
	for _, c := range []struct {
		child, parent         *x509.Certificate
		childFile, parentFile string
	}{
		{s.CA, s.CA, CAFile, CAFile},
		{s.Server, s.CA, ServerFile, CAFile},
		{s.SignerRoot, s.SignerRoot, SignerRootFile, SignerRootFile},
		{s.Signer, s.SignerRoot, SignerFile, SignerRootFile},
	} {
		if !c.parent.IsCA {
			return damaged(s.Dir, "%s is not a CA certificate", c.parentFile)
		}
		if err := c.child.CheckSignatureFrom(c.parent); err != nil {
			return damaged(s.Dir, "%s was not issued by %s", c.childFile, c.parentFile)
		}
	}
	return nil
}
