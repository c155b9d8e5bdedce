package jws

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// newStore makes a signer store under a fresh user config folder.
func newStore(t *testing.T) SignerStore {
	t.Helper()
	top := t.TempDir()
	return SignerStore{Dir: filepath.Join(top, "caronboard", SignerStoreDir), Top: top}
}

func mustWrite(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSignerStoreAddRetagLoad(t *testing.T) {
	s := newStore(t)
	// An untagged entry, as older versions wrote it.
	mustWrite(t, filepath.Join(s.Dir, pki.Signer.X5T+".pem"), pki.Signer.PEM())
	mustWrite(t, filepath.Join(s.Dir, "broken.pem"), []byte("not a certificate"))
	known := NewTrustStore()
	files, warnings, err := s.Load(known)
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "broken.pem") {
		t.Fatalf("load: %v %q", err, warnings)
	}
	if c, _ := known.lookup(pki.Signer.X5T, EnvAny, true); c == nil || c.Environment != "" {
		t.Fatal("untagged entry not loaded untagged")
	}
	// Tagging it freja-prod is refused (OU=Test); freja-test re-tags it.
	if _, _, err := s.PlanAdd(known, files, pki.Signer.Cert, EnvFrejaProd); CodeOf(err) != CodeTestCertificate {
		t.Fatalf("freja-prod tag on a test certificate: %v", err)
	}
	if _, _, err := s.PlanAdd(known, files, pki.Signer.Cert, ""); CodeOf(err) != CodeInvalidOptions {
		t.Fatalf("no tag: %v", err)
	}
	ch, _, err := s.PlanAdd(known, files, pki.Signer.Cert, EnvFrejaTest)
	if err != nil || ch.Action != ActionRetagged || ch.Old == "" {
		t.Fatalf("re-tag: %+v %v", ch, err)
	}
	add, _, err := s.PlanAdd(known, files, pki.Prod.Cert, EnvFrejaProd)
	if err != nil || add.Action != ActionAdded {
		t.Fatalf("add: %+v %v", add, err)
	}
	if err := s.Apply(context.Background(), []StoreChange{ch, add}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ch.Old); !os.IsNotExist(err) {
		t.Fatalf("the untagged file is still there: %v", err)
	}
	again := NewTrustStore()
	files, _, err = s.Load(again)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := again.Lookup(pki.Signer.X5T, EnvFrejaTest); err != nil || c.Environment != EnvFrejaTest ||
		files[pki.Signer.X5T] != filepath.Join(s.Dir, EnvFrejaTest, pki.Signer.X5T+".pem") {
		t.Fatalf("after re-tag: %v %v", c, err)
	}
	if _, err := again.Lookup(pki.Prod.X5T, EnvFrejaProd); err != nil {
		t.Fatal(err)
	}
	// Adding again changes nothing; another environment is a conflict.
	if ch, _, err := s.PlanAdd(again, files, pki.Signer.Cert, EnvFrejaTest); err != nil || ch.Action != ActionAlreadyTrusted {
		t.Fatalf("again: %+v %v", ch, err)
	}
	if _, _, err := s.PlanAdd(again, files, pki.Prod.Cert, EnvFrejaTest); CodeOf(err) != CodeTrustStore {
		t.Fatalf("conflicting tag: %v", err)
	}
}

// TestSignerStorePermissions: a store others can change is refused, not
// warned about, like ssh's StrictModes.
func TestSignerStorePermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix owners and modes on Windows")
	}
	setup := func(t *testing.T) SignerStore {
		s := newStore(t)
		mustWrite(t, filepath.Join(s.Dir, EnvFrejaTest, pki.Signer.X5T+".pem"), pki.Signer.PEM())
		return s
	}
	tests := []struct {
		name    string
		breakIt func(t *testing.T, s SignerStore) string
	}{
		{"group-writable store folder", func(t *testing.T, s SignerStore) string { return chmod(t, s.Dir, 0o775) }},
		{"other-writable environment folder", func(t *testing.T, s SignerStore) string {
			return chmod(t, filepath.Join(s.Dir, EnvFrejaTest), 0o757)
		}},
		{"group-writable caronboard folder", func(t *testing.T, s SignerStore) string { return chmod(t, filepath.Dir(s.Dir), 0o770) }},
		{"group-writable user config folder", func(t *testing.T, s SignerStore) string { return chmod(t, s.Top, 0o775) }},
		{"group-writable certificate file", func(t *testing.T, s SignerStore) string {
			return chmod(t, filepath.Join(s.Dir, EnvFrejaTest, pki.Signer.X5T+".pem"), 0o664)
		}},
		{"link to a group-writable file", func(t *testing.T, s SignerStore) string {
			target := filepath.Join(t.TempDir(), "elsewhere.pem")
			mustWrite(t, target, pki.Other.PEM())
			chmod(t, target, 0o666)
			link := filepath.Join(s.Dir, EnvFrejaTest, "linked.pem")
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			return target
		}},
		{"store folder a link into a group-writable folder", func(t *testing.T, s SignerStore) string {
			elsewhere := filepath.Join(t.TempDir(), "shared")
			mustWrite(t, filepath.Join(elsewhere, EnvFrejaTest, pki.Signer.X5T+".pem"), pki.Signer.PEM())
			chmod(t, elsewhere, 0o777)
			if err := os.RemoveAll(s.Dir); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(elsewhere, s.Dir); err != nil {
				t.Fatal(err)
			}
			return elsewhere
		}},
		{"folder owned by another user", func(t *testing.T, s SignerStore) string {
			if os.Getuid() != 0 {
				t.Skip("making a folder owned by another user needs root; the mode cases cover the rule otherwise")
			}
			if err := os.Chown(s.Dir, 65534, 65534); err != nil {
				t.Fatal(err)
			}
			return s.Dir
		}},
		{"certificate owned by another user", func(t *testing.T, s SignerStore) string {
			if os.Getuid() != 0 {
				t.Skip("making a file owned by another user needs root")
			}
			p := filepath.Join(s.Dir, EnvFrejaTest, pki.Signer.X5T+".pem")
			if err := os.Chown(p, 65534, 65534); err != nil {
				t.Fatal(err)
			}
			return p
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := setup(t)
			if _, _, err := s.Load(NewTrustStore()); err != nil {
				t.Fatalf("before: %v", err)
			}
			bad := tt.breakIt(t, s)
			ts := NewTrustStore()
			_, _, err := s.Load(ts)
			wantCode(t, err, CodeInsecureStore)
			if !strings.Contains(err.Error(), bad) || ts.Len() != 0 {
				t.Fatalf("message %q does not name %s, or %d certificates were added", err, bad, ts.Len())
			}
		})
	}
}

func chmod(t *testing.T, p string, mode os.FileMode) string {
	t.Helper()
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}
