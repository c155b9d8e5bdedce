package csr

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestParseProfile(t *testing.T) {
	for in, want := range map[string]Profile{"car": CAR, "freja": Freja, "CAR": CAR, " Freja ": Freja} {
		if got, err := ParseProfile(in); err != nil || got != want {
			t.Errorf("ParseProfile(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "bankid", "fréja"} {
		_, err := ParseProfile(in)
		if !errors.Is(err, ErrUnknownProfile) || !strings.Contains(err.Error(), "car, freja") {
			t.Errorf("ParseProfile(%q) = %v", in, err)
		}
	}
	if len(Profiles) != 2 || CAR.DefaultBits() != 4096 || Freja.DefaultBits() != 4096 || Freja.MinBits() != 2048 || CAR.MinBits() != 4096 {
		t.Errorf("profile constants changed")
	}
	if CAR.DisplayName() != "CAR" || Freja.String() != "freja" {
		t.Errorf("names: %s %s", CAR.DisplayName(), Freja)
	}
}

func TestCheckKey(t *testing.T) {
	keys := map[string]crypto.PublicKey{
		"rsa1024": rsaFixture(t, 1024).Public(),
		"rsa2048": rsaFixture(t, 2048).Public(),
		"rsa4096": rsaFixture(t, 4096).Public(),
		"ec":      fixtureKey(t, "ec-p256.pem").Public(),
		"ed25519": fixtureKey(t, "ed25519.pem").Public(),
	}
	cases := []struct {
		p      Profile
		key    string
		reason string // empty: accepted
	}{
		{CAR, "rsa4096", ""},
		{CAR, "rsa2048", "is RSA 2048-bit; CAR requires exactly 4096 bits"},
		{CAR, "rsa1024", "CAR requires exactly 4096 bits"},
		{CAR, "ec", "is ECDSA 256-bit; CAR accepts only RSA keys"},
		{Freja, "rsa4096", ""},
		{Freja, "rsa2048", ""},
		{Freja, "rsa1024", "is RSA 1024-bit; Freja requires at least 2048 bits"},
		{Freja, "ec", "Freja accepts only RSA keys"},
		{Freja, "ed25519", "is Ed25519 256-bit; Freja accepts only RSA keys"},
	}
	for _, tc := range cases {
		err := tc.p.CheckKey(keys[tc.key])
		if tc.reason == "" {
			if err != nil {
				t.Errorf("%s/%s: %v", tc.p, tc.key, err)
			}
			continue
		}
		var kerr *KeyPolicyError
		if !errors.As(err, &kerr) || !errors.Is(err, ErrKeyPolicy) {
			t.Errorf("%s/%s: %v, want *KeyPolicyError", tc.p, tc.key, err)
			continue
		}
		if kerr.Reason != tc.reason && !strings.Contains(kerr.Reason, tc.reason) || kerr.Profile != tc.p || kerr.Hint() == "" || kerr.Algorithm == "" {
			t.Errorf("%s/%s: %+v, want reason %q", tc.p, tc.key, kerr, tc.reason)
		}
		if err.Error() != "key "+kerr.Reason {
			t.Errorf("Error() = %q", err)
		}
	}
	if err := CAR.CheckKey(nil); !errors.Is(err, ErrKeyPolicy) {
		t.Errorf("nil key: %v", err)
	}
	if err := Profile("x").CheckKey(keys["rsa4096"]); !errors.Is(err, ErrUnknownProfile) {
		t.Errorf("unknown profile: %v", err)
	}
	// A private key is judged by its public half.
	if err := Freja.CheckKey(rsaFixture(t, 2048)); err != nil {
		t.Errorf("private key: %v", err)
	}
}

func TestKeyDescription(t *testing.T) {
	rsaKey := rsaFixture(t, 4096)
	ec := fixtureKey(t, "ec-p256.pem")
	ed := fixtureKey(t, "ed25519.pem")
	cases := []struct {
		key  any
		alg  string
		bits int
	}{
		{rsaKey.Public(), "RSA", 4096},
		{rsaKey, "RSA", 4096},
		{*rsaKey.Public().(*rsa.PublicKey), "RSA", 4096},
		{ec.Public(), "ECDSA", 256},
		{ec.(*ecdsa.PrivateKey), "ECDSA", 256},
		{ed.Public(), "Ed25519", 256},
		{ed.(ed25519.PrivateKey), "Ed25519", 256},
		{nil, "", 0},
		{(*rsa.PublicKey)(nil), "", 0},
		{ed25519.PrivateKey{1, 2}, "", 0},
		{"a string", "string", 0},
	}
	for _, tc := range cases {
		if alg, bits := KeyDescription(tc.key); alg != tc.alg || bits != tc.bits {
			t.Errorf("KeyDescription(%T) = %s, %d; want %s, %d", tc.key, alg, bits, tc.alg, tc.bits)
		}
	}
}

func TestPublicKeyFingerprint(t *testing.T) {
	key := rsaFixture(t, 4096)
	fp, err := PublicKeyFingerprint(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^([0-9A-F]{2}:){31}[0-9A-F]{2}$`).MatchString(fp) {
		t.Errorf("format: %q", fp)
	}
	spki, _ := x509.MarshalPKIXPublicKey(key.Public())
	if want := strings.ToUpper(colonHex(sha256.Sum256(spki))); fp != want {
		t.Errorf("fingerprint %s, want %s", fp, want)
	}
	if fromPriv, _ := PublicKeyFingerprint(key); fromPriv != fp {
		t.Errorf("private key gives %s", fromPriv)
	}
	if _, err := PublicKeyFingerprint("not a key"); err == nil {
		t.Errorf("no error for a non-key")
	}
}

func colonHex(sum [32]byte) string {
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02x", b)
	}
	return strings.Join(parts, ":")
}
