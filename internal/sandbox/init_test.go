package sandbox

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/jws"
)

func TestInitFiles(t *testing.T) {
	st, err := os.Stat(sb.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %v, want 0700", st.Mode().Perm())
	}
	for _, name := range Files() {
		st, err := os.Stat(sb.Path(name))
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o644)
		if strings.HasSuffix(name, ".key.pem") {
			want = 0o600
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", name, st.Mode().Perm(), want)
		}
	}
}

func TestInitCertificates(t *testing.T) {
	if got := csr.FormatName(sb.CA.RawSubject); got != "C=SE, O=caronboard sandbox, CN=caronboard sandbox CA" {
		t.Errorf("CA subject %q", got)
	}
	if bits := sb.CA.PublicKey.(*rsa.PublicKey).N.BitLen(); bits != 4096 {
		t.Errorf("CA key %d bits", bits)
	}
	if !sb.CA.IsCA || !sb.CA.NotBefore.Equal(initNow.Add(-time.Hour)) || !sb.CA.NotAfter.Equal(initNow.Add(-time.Hour).AddDate(10, 0, 0)) {
		t.Errorf("CA: IsCA %v, valid %v to %v", sb.CA.IsCA, sb.CA.NotBefore, sb.CA.NotAfter)
	}
	_, err := sb.Server.Verify(x509.VerifyOptions{Roots: sb.CAPool(), DNSName: "localhost", CurrentTime: initNow,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	if err != nil {
		t.Errorf("server certificate: %v", err)
	}
	for _, ip := range []string{"127.0.0.1", "::1"} {
		if err := sb.Server.VerifyHostname(ip); err != nil {
			t.Errorf("server certificate for %s: %v", ip, err)
		}
	}
	if err := jws.CheckSigningCertificate(sb.Signer); err != nil {
		t.Errorf("signer: %v", err)
	}
	if err := sb.Signer.CheckSignatureFrom(sb.SignerRoot); err != nil {
		t.Errorf("signer not issued by its root: %v", err)
	}
	if err := sb.Signer.CheckSignatureFrom(sb.CA); err == nil {
		t.Error("signer issued by the CA; want its own root")
	}
	if !sb.Signer.NotAfter.Equal(initNow.Add(-time.Hour).AddDate(2, 0, 0)) {
		t.Errorf("signer valid until %v", sb.Signer.NotAfter)
	}
}

func TestInitRefusesExisting(t *testing.T) {
	_, err := Init(context.Background(), sb.Dir, initNow, false)
	var ee *ExistsError
	if !errors.As(err, &ee) || !errors.Is(err, ErrExists) || len(ee.Present) != len(Files()) {
		t.Fatalf("second Init: %v, want *ExistsError naming every file", err)
	}
}

func TestInitForce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sb")
	// reuse the keys made in TestMain instead of generating new ones
	gen := func(_ context.Context, bits int) (*rsa.PrivateKey, error) {
		if bits == 4096 {
			return sb.caKey, nil
		}
		return smallKey, nil
	}
	first, err := initSandbox(context.Background(), dir, initNow, false, gen)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := initSandbox(context.Background(), dir, initNow, false, gen); !errors.Is(err, ErrExists) {
		t.Fatalf("without force: %v", err)
	}
	second, err := initSandbox(context.Background(), dir, initNow, true, gen)
	if err != nil {
		t.Fatalf("with force: %v", err)
	}
	loaded, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if first.CA.Equal(second.CA) || !loaded.CA.Equal(second.CA) {
		t.Error("force did not replace the CA")
	}
}

func TestInitFailureLeavesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sb")
	gen := func(context.Context, int) (*rsa.PrivateKey, error) { return nil, errors.New("no entropy today") }
	if _, err := initSandbox(context.Background(), dir, initNow, false, gen); err == nil {
		t.Fatal("want an error")
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the folder Init made is still there: %v", err)
	}
}

func TestLoadRoundTrip(t *testing.T) {
	got, err := Load(sb.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range [][2]*x509.Certificate{{got.CA, sb.CA}, {got.Server, sb.Server}, {got.SignerRoot, sb.SignerRoot}, {got.Signer, sb.Signer}} {
		if !c[0].Equal(c[1]) {
			t.Errorf("loaded %s differs", c[1].Subject)
		}
	}
	if !got.caKey.Equal(sb.caKey) || !got.signerKey.Equal(sb.signerKey) {
		t.Error("loaded keys differ")
	}
	if len(got.Warnings) > 0 {
		t.Errorf("warnings: %v", got.Warnings)
	}
}

func TestLoadMissing(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(dir)
	var ne *NoSandboxError
	if !errors.As(err, &ne) || !errors.Is(err, ErrNoSandbox) {
		t.Fatalf("Load(empty): %v", err)
	}
	if want := "no sandbox in " + dir + ": run caronboard sandbox init"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	// one file short
	for _, name := range Files() {
		if name == SignerKeyFile {
			continue
		}
		data, _ := os.ReadFile(sb.Path(name))
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_, err = Load(dir)
	if !errors.As(err, &ne) || len(ne.Missing) != 1 || !strings.Contains(err.Error(), "incomplete") {
		t.Fatalf("Load(incomplete): %v", err)
	}
}

func TestLoadDamaged(t *testing.T) {
	dir := t.TempDir()
	for _, name := range Files() {
		src := name
		if name == SignerKeyFile {
			src = ServerKeyFile // a key that is not the signer's
		}
		data, _ := os.ReadFile(sb.Path(src))
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Load(dir); !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "signer.key.pem is not the key of signer.pem") {
		t.Fatalf("Load: %v", err)
	}
}
