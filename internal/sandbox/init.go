package sandbox

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/caronboard/caronboard/internal/keygen"
	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// Validity of the sandbox certificates.
const (
	rootValidity = 10 // years, CA and JWS root
	leafValidity = 2  // years, server and signer certificates
	backdate     = time.Hour
)

// keyGen makes an RSA key of the given size; tests replace it.
type keyGen func(ctx context.Context, bits int) (*rsa.PrivateKey, error)

// generateKey races one generator per CPU for the 4096-bit CA key and uses
// one for each 2048-bit key, since Init makes those concurrently.
func generateKey(ctx context.Context, bits int) (*rsa.PrivateKey, error) {
	workers := 1
	if bits >= 4096 {
		workers = 0
	}
	return keygen.RSA(ctx, bits, workers)
}

// Init creates a sandbox in dir (made with mode 0700 when missing): the
// CA, the server certificate and the JWS signer with its root, valid from
// an hour before now (the CA and JWS root for 10 years, the others for 2).
//
// When dir already holds any sandbox file, Init returns an *ExistsError
// (wrapping ErrExists) before doing any work, unless force is true; then
// each file is replaced atomically. On failure Init removes the files it
// created.
func Init(ctx context.Context, dir string, now time.Time, force bool) (*Sandbox, error) {
	return initSandbox(ctx, dir, now, force, generateKey)
}

func initSandbox(ctx context.Context, dir string, now time.Time, force bool, gen keyGen) (*Sandbox, error) {
	if dir == "" {
		return nil, errors.New("no sandbox folder given")
	}
	if present := existing(dir); len(present) > 0 && !force {
		return nil, &ExistsError{Dir: dir, Present: present}
	}
	_, statErr := os.Stat(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the sandbox folder: %w", err)
	}
	s := &Sandbox{Dir: dir}
	err := s.generateKeys(ctx, gen)
	if err == nil {
		err = s.makeCertificates(now)
	}
	if err == nil {
		err = s.write(force)
	}
	if err != nil {
		if errors.Is(statErr, fs.ErrNotExist) {
			_ = os.Remove(dir) // only if still empty
		}
		return nil, err
	}
	return s, nil
}

// existing lists the sandbox files present in dir.
func existing(dir string) []string {
	var present []string
	for _, name := range files {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			present = append(present, name)
		}
	}
	return present
}

// generateKeys makes the four keys concurrently.
func (s *Sandbox) generateKeys(ctx context.Context, gen keyGen) error {
	targets := []struct {
		key  **rsa.PrivateKey
		bits int
	}{{&s.caKey, 4096}, {&s.serverKey, 2048}, {&s.signerRootKey, 2048}, {&s.signerKey, 2048}}
	errs := make([]error, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() { *t.key, errs[i] = gen(ctx, t.bits) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("generating the sandbox keys: %w", err)
	}
	return nil
}

// makeCertificates issues the four certificates from the keys.
func (s *Sandbox) makeCertificates(now time.Time) error {
	from := now.Add(-backdate)
	var err error
	if s.CA, err = s.root(from, CACommonName, s.caKey, "C", "SE", "O", CAOrganization, "CN", CACommonName); err != nil {
		return fmt.Errorf("making the sandbox CA: %w", err)
	}
	if s.SignerRoot, err = s.root(from, SignerRootCommonName, s.signerRootKey,
		"C", "SE", "O", signerOrganization, "OU", "Test", "CN", SignerRootCommonName); err != nil {
		return fmt.Errorf("making the JWS root: %w", err)
	}
	if s.Server, err = s.serverCert(from); err != nil {
		return fmt.Errorf("making the server certificate: %w", err)
	}
	if s.Signer, err = s.signerCert(from); err != nil {
		return fmt.Errorf("making the JWS signing certificate: %w", err)
	}
	return nil
}

// root makes a self-signed CA certificate that issues end-entity
// certificates directly (path length 0).
func (s *Sandbox) root(from time.Time, what string, key *rsa.PrivateKey, name ...string) (*x509.Certificate, error) {
	subj, err := rawName(name...)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		RawSubject:            subj,
		NotBefore:             from,
		NotAfter:              from.AddDate(rootValidity, 0, 0),
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
	return issue(tmpl, nil, &key.PublicKey, key)
}

func (s *Sandbox) serverCert(from time.Time) (*x509.Certificate, error) {
	subj, err := rawName("CN", "localhost")
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		RawSubject:            subj,
		NotBefore:             from,
		NotAfter:              from.AddDate(leafValidity, 0, 0),
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	return issue(tmpl, s.CA, &s.serverKey.PublicKey, s.caKey)
}

// signerCert is like Freja's JWS signing certificate: not a CA, key usage
// digitalSignature and nonRepudiation, no extended key usage.
func (s *Sandbox) signerCert(from time.Time) (*x509.Certificate, error) {
	subj, err := rawName("C", "SE", "O", signerOrganization, "OU", "Test", "CN", SignerCommonName)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		RawSubject:            subj,
		NotBefore:             from,
		NotAfter:              from.AddDate(leafValidity, 0, 0),
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
	return issue(tmpl, s.SignerRoot, &s.signerKey.PublicKey, s.signerRootKey)
}

// write stores every file; on failure it removes those it created.
func (s *Sandbox) write(force bool) error {
	type file struct {
		name string
		cert *x509.Certificate
		key  *rsa.PrivateKey
	}
	all := []file{
		{CAFile, s.CA, nil}, {CAKeyFile, nil, s.caKey},
		{ServerFile, s.Server, nil}, {ServerKeyFile, nil, s.serverKey},
		{SignerRootFile, s.SignerRoot, nil}, {SignerRootKeyFile, nil, s.signerRootKey},
		{SignerFile, s.Signer, nil}, {SignerKeyFile, nil, s.signerKey},
	}
	var created []string
	for _, f := range all {
		path := s.Path(f.name)
		_, statErr := os.Lstat(path)
		isNew := errors.Is(statErr, fs.ErrNotExist)
		data, perm := []byte(nil), os.FileMode(0o644)
		if f.cert != nil {
			data = certPEM(f.cert)
		} else {
			var err error
			if data, err = keystore.EncodePrivateKey(f.key, nil); err != nil {
				removeAll(created)
				return err
			}
			perm = 0o600
		}
		err := safefile.WriteFile(path, data, perm, force)
		clear(data)
		if err != nil {
			removeAll(created)
			return err
		}
		if isNew {
			created = append(created, path)
		}
	}
	return nil
}

func removeAll(paths []string) {
	for _, p := range paths {
		_ = os.Remove(p)
	}
}
