package keystore

import (
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"strings"
	"testing"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

const testP12Password = "correct horse battery staple"

// encodeRP builds the relying party's keystore in format f.
func encodeRP(t testing.TB, f P12Format, name string) []byte {
	t.Helper()
	b, err := EncodePKCS12(testPKI(t).RP.Key, rpChain(t), name, testP12Password, f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPKCS12RoundTrip(t *testing.T) {
	p := testPKI(t)
	modernAlg := "PBES2 AES-256-CBC (PBKDF2 HMAC-SHA256, 2048 iterations)"
	tests := []struct {
		format          P12Format
		mac             string
		macIter         int
		certAlg, keyAlg string
		legacy          bool
		consumers       string
		name, wantName  string
	}{
		{P12Modern, "HMAC-SHA256", 2048, modernAlg, modernAlg, false, "Windows Server 2019", "", "Document signing service"},
		{P12Legacy, "HMAC-SHA1", 1, "pbeWithSHAAnd3-KeyTripleDES-CBC", "pbeWithSHAAnd3-KeyTripleDES-CBC", true, "macOS Keychain", "Företag AB – signering", "Företag AB – signering"},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			b := encodeRP(t, tt.format, tt.name)
			c, err := DecodePKCS12(b, testP12Password)
			if err != nil {
				t.Fatal(err)
			}
			if !c.KeyMatchesLeaf || !c.Leaf.Equal(p.RP.Cert) || len(c.CACerts) != 2 ||
				!c.CACerts[0].Equal(p.FrejaIssuing.Cert) || !c.CACerts[1].Equal(p.FrejaRoot.Cert) {
				t.Errorf("leaf %s, %d CA certificates, key matches %v", c.Leaf.Subject, len(c.CACerts), c.KeyMatchesLeaf)
			}
			key, err := c.RSAKey()
			if err != nil || !key.Equal(p.RP.Key) {
				t.Errorf("the key differs: %v", err)
			}
			if c.FriendlyName != tt.wantName {
				t.Errorf("friendly name %q, want %q", c.FriendlyName, tt.wantName)
			}
			info, err := InspectPKCS12(b)
			if err != nil {
				t.Fatal(err)
			}
			if info != c.Info {
				t.Errorf("InspectPKCS12 and DecodePKCS12 disagree:\n%+v\n%+v", info, c.Info)
			}
			if info.MACAlgorithm != tt.mac || info.MACIterations != tt.macIter || info.CertEncryption != tt.certAlg ||
				info.KeyEncryption != tt.keyAlg || info.Legacy != tt.legacy || !strings.Contains(info.Consumers, tt.consumers) {
				t.Errorf("info = %+v", info)
			}
			// The MAC over the re-encoded AuthenticatedSafe is what go-pkcs12
			// itself checks too.
			if _, _, _, err := pkcs12.DecodeChain(b, testP12Password); err != nil {
				t.Errorf("go-pkcs12 does not read it: %v", err)
			}
		})
	}
}

func TestEncodePKCS12Refuses(t *testing.T) {
	p := testPKI(t)
	chain := rpChain(t)
	tests := []struct {
		name     string
		run      func() ([]byte, error)
		err      error
		contains string
	}{
		{"key of another certificate", func() ([]byte, error) {
			return EncodePKCS12(p.RPExpired.Key, chain, "", "pw", P12Modern)
		}, ErrKeyMismatch, "Document signing service"},
		{"chain in the wrong order", func() ([]byte, error) {
			return EncodePKCS12(p.RP.Key, []*x509.Certificate{p.FrejaRoot.Cert, p.RP.Cert}, "", "pw", P12Modern)
		}, ErrKeyMismatch, "Root"},
		{"empty password", func() ([]byte, error) { return EncodePKCS12(p.RP.Key, chain, "", "", P12Legacy) }, ErrInvalidPassphrase, "empty"},
		{"emoji password", func() ([]byte, error) { return EncodePKCS12(p.RP.Key, chain, "", "pw 🔑", P12Modern) }, ErrInvalidPassphrase, "emoji"},
		{"newline in alias", func() ([]byte, error) { return EncodePKCS12(p.RP.Key, chain, "a\nb", "pw", P12Modern) }, ErrInvalidFriendlyName, "control"},
		{"emoji alias", func() ([]byte, error) { return EncodePKCS12(p.RP.Key, chain, "🔑", "pw", P12Modern) }, ErrInvalidFriendlyName, "emoji"},
		{"long alias", func() ([]byte, error) {
			return EncodePKCS12(p.RP.Key, chain, strings.Repeat("a", 257), "pw", P12Modern)
		}, ErrInvalidFriendlyName, "256"},
		{"unknown format", func() ([]byte, error) { return EncodePKCS12(p.RP.Key, chain, "", "pw", "rc2") }, nil, "unknown PKCS#12 format"},
		{"no chain", func() ([]byte, error) { return EncodePKCS12(p.RP.Key, nil, "", "pw", P12Modern) }, nil, "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.run()
			if err == nil || b != nil {
				t.Fatal("no error")
			}
			if tt.err != nil && !errors.Is(err, tt.err) {
				t.Errorf("got %v, want %v", err, tt.err)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("message %q does not mention %q", err, tt.contains)
			}
		})
	}
}

func TestEncodePKCS12Names(t *testing.T) {
	p := testPKI(t)
	// The default alias is the CN; a leaf alone is a valid chain.
	c := decodeOK(t, mustEncode(t, p.CARBank.Key, p.CARBank.Cert, "", P12Modern))
	if c.FriendlyName != "BANK01" || len(c.CACerts) != 0 || !c.KeyMatchesLeaf {
		t.Errorf("got %q and %d CA certificates", c.FriendlyName, len(c.CACerts))
	}
	if got := DefaultFriendlyName(&x509.Certificate{Subject: pkix.Name{Organization: []string{"ACME AB"}}}); got != "ACME AB" {
		t.Errorf("DefaultFriendlyName without CN: %q", got)
	}
	if got := DefaultFriendlyName(&x509.Certificate{}); got != "" {
		t.Errorf("DefaultFriendlyName of an empty subject: %q", got)
	}
	// Setting the name again replaces the attribute.
	b, err := setFriendlyName(mustEncode(t, p.RP.Key, p.RP.Cert, "first", P12Legacy), "second", testP12Password)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parsePFX(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range f.parts {
		for _, bag := range part.bags {
			if len(bag.Attributes) != 2 || bag.friendlyName() != "second" {
				t.Errorf("attributes %d, name %q", len(bag.Attributes), bag.friendlyName())
			}
		}
	}
	if c := decodeOK(t, b); c.FriendlyName != "second" {
		t.Errorf("decoded name %q", c.FriendlyName)
	}
}

func mustEncode(t testing.TB, key *rsa.PrivateKey, cert *x509.Certificate, name string, f P12Format) []byte {
	t.Helper()
	b, err := EncodePKCS12(key, []*x509.Certificate{cert}, name, testP12Password, f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeOK(t testing.TB, b []byte) *P12Contents {
	t.Helper()
	c, err := DecodePKCS12(b, testP12Password)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
