package keystore

import (
	"bytes"
	"context"
	"crypto/x509"
	"testing"
	"time"

	jks "github.com/pavlo-v-chernykh/keystore-go/v4"

	"github.com/caronboard/caronboard/internal/safefile"
)

// jksSeed writes a JKS with keystore-go: the relying party's key entry
// (chain of three) and a trusted CA entry.
func jksSeed(t testing.TB, password string) []byte {
	t.Helper()
	p := testPKI(t)
	der, err := x509.MarshalPKCS8PrivateKey(p.RP.Key)
	if err != nil {
		t.Fatal(err)
	}
	ks := jks.New()
	var chain []jks.Certificate
	for _, c := range rpChain(t) {
		chain = append(chain, jks.Certificate{Type: "X.509", Content: c.Raw})
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := ks.SetPrivateKeyEntry("rp", jks.PrivateKeyEntry{CreationTime: at, PrivateKey: der, CertificateChain: chain}, []byte(password)); err != nil {
		t.Fatal(err)
	}
	if err := ks.SetTrustedCertificateEntry("root", jks.TrustedCertificateEntry{CreationTime: at, Certificate: chain[2]}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ks.Store(&buf, []byte(password)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestOpenStoreJKSSeed reads the seed back: the key entry with its path to
// the root, and the trusted entry.
func TestOpenStoreJKSSeed(t *testing.T) {
	st, err := OpenStore(context.Background(), jksSeed(t, testP12Password), StorePasswords{Store: testP12Password})
	if err != nil {
		t.Fatal(err)
	}
	if st.Format != FormatJKS || len(st.Keys) != 1 || st.Keys[0].Alias != "rp" || len(st.Keys[0].Chain) != 3 || len(st.Trusted) != 1 || len(st.Others) != 0 {
		t.Errorf("%+v", st)
	}
	for _, n := range []int{4, 12, 40, 100} {
		data := jksSeed(t, testP12Password)[:n]
		if _, err := OpenStore(context.Background(), data, StorePasswords{Store: testP12Password}); err == nil {
			t.Errorf("truncated to %d bytes: no error", n)
		}
	}
}

// FuzzOpenStore checks that no input makes OpenStore panic, hang or return
// an error outside the documented sentinels: JKS (keystore-go behind the
// length check), JCEKS's magic and PKCS#12.
func FuzzOpenStore(f *testing.F) {
	f.Add(jksSeed(f, testP12Password))
	f.Add(jksSeed(f, ""))
	f.Add(encodeRP(f, P12Modern, "alias"))
	f.Add(encodeRP(f, P12Legacy, ""))
	f.Add([]byte{0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		st, err := OpenStore(ctx, data, StorePasswords{Store: testP12Password})
		checkFast(t, start)
		if err != nil {
			checkSentinel(t, err, ErrMalformedPKCS12, ErrUnsupportedFormat, ErrWrongPassphrase, ErrAltered,
				ErrInvalidPassphrase, safefile.ErrTooLarge, ErrNoPrivateKey, ErrNoCertificate, ErrMultipleKeys)
			return
		}
		for _, k := range st.Keys {
			if k.Key == nil {
				t.Error("a key entry without a key")
			}
		}
	})
}

// FuzzOpenJKS is FuzzOpenStore on the JKS path alone: every input gets the
// JKS magic, so the fuzzer spends its time in the length check and in
// keystore-go.
func FuzzOpenJKS(f *testing.F) {
	f.Add(jksSeed(f, testP12Password)[4:])
	f.Add([]byte{0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, rest []byte) {
		data := append([]byte{0xfe, 0xed, 0xfe, 0xed}, rest...)
		start := time.Now()
		_, err := OpenStore(context.Background(), data, StorePasswords{Store: testP12Password})
		checkFast(t, start)
		if err != nil {
			checkSentinel(t, err, ErrMalformedPKCS12, ErrUnsupportedFormat, ErrWrongPassphrase, ErrInvalidPassphrase, safefile.ErrTooLarge)
		}
	})
}

// TestInspectKindJKS: checklist tells a JKS keystore by its entries, without
// the password.
func TestInspectKindJKS(t *testing.T) {
	s, err := InspectPKCS12Kind(jksSeed(t, testP12Password))
	if err != nil || s.Kind != P12KindKeystore || s.FriendlyName != "rp" || !s.Info.Legacy {
		t.Errorf("%+v %v", s, err)
	}
}
