package verify

import (
	"crypto"
	"crypto/x509"
	"errors"
	"strings"
	"testing"

	"github.com/caronboard/caronboard/pkg/keystore"
)

func TestKeyMatches(t *testing.T) {
	p := loadPKI(t)
	tests := []struct {
		name string
		cert *x509.Certificate
		key  crypto.PublicKey
		want bool
	}{
		{"public key", p.RP.Cert, p.RP.Key.Public(), true},
		{"private key", p.RP.Cert, p.RP.Key, true},
		{"other key", p.RP.Cert, p.CARBank.Key.Public(), false},
		{"nil key", p.RP.Cert, nil, false},
		{"nil certificate", nil, p.RP.Key.Public(), false},
		{"not a key", p.RP.Cert, "key", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := KeyMatches(tt.cert, tt.key); got != tt.want {
				t.Errorf("KeyMatches = %v, want %v", got, tt.want)
			}
			err := MatchKey(tt.cert, tt.key)
			if (err == nil) != tt.want {
				t.Fatalf("MatchKey = %v", err)
			}
			var me *KeyMismatchError
			if err != nil && (!errors.Is(err, keystore.ErrKeyMismatch) || !errors.As(err, &me) || me.Hint() == "") {
				t.Errorf("MatchKey error %T %v", err, err)
			}
		})
	}
	err := MatchKey(p.RP.Cert, p.CARBank.Key)
	var me *KeyMismatchError
	if !errors.As(err, &me) || me.CertKeySHA256 == "" || me.KeySHA256 == "" || me.CertKeySHA256 == me.KeySHA256 ||
		!strings.Contains(me.Error(), "CN=Document signing service") {
		t.Errorf("MatchKey error %+v", me)
	}
}

func TestFindLeaf(t *testing.T) {
	p := loadPKI(t)
	bundle := bundleCerts(t)
	if len(bundle) != 5 {
		t.Fatalf("bundle has %d certificates, want 5 (with duplicates)", len(bundle))
	}
	leaf, others, err := FindLeaf(bundle, p.RP.Key.Public())
	if err != nil {
		t.Fatal(err)
	}
	if !leaf.Equal(p.RP.Cert) {
		t.Errorf("leaf %s", shortName(leaf))
	}
	if len(others) != 2 {
		t.Errorf("others %s, want the root and the issuing CA once each", shortNames(others, ", "))
	}
	chain, err := BuildChain(leaf, others, nil, p.RP.Cert.NotBefore)
	if err != nil || len(chain) != 3 {
		t.Errorf("chain from the bundle: %s, %v", shortNames(chain, " → "), err)
	}

	// A private key is accepted too.
	if leaf, _, err := FindLeaf(shuffled(5, bundle...), p.RP.Key); err != nil || !leaf.Equal(p.RP.Cert) {
		t.Errorf("private key: %v, %v", leaf, err)
	}

	_, _, err = FindLeaf(bundle, p.CARBank.Key.Public())
	var nl *NoLeafError
	if !errors.Is(err, ErrNoLeaf) || !errors.As(err, &nl) {
		t.Fatalf("error %T %v, want *NoLeafError", err, err)
	}
	if len(nl.Subjects) != 3 {
		t.Errorf("subjects %q, want 3", nl.Subjects)
	}
	for _, s := range []string{"CN=Test Freja Root CA", "CN=Test Freja Issuing CA", "CN=Document signing service"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not name %s", err, s)
		}
	}
	if nl.Hint() == "" {
		t.Error("no hint")
	}
	if _, _, err := FindLeaf(nil, p.RP.Key); !errors.Is(err, ErrNoLeaf) {
		t.Errorf("empty set: %v", err)
	}
}
