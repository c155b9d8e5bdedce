package keystore

import (
	"context"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"strings"
	"testing"
	"time"
)

// craftedP12 builds a file whose only part is encrypted (AES, as our modern
// files) and holds shrouded key bags with the given iteration counts: the
// shape that reached go-pkcs12 unchecked before (2^40 iterations ran for 16
// minutes).
func craftedP12(t *testing.T, iterations ...int) []byte {
	t.Helper()
	f, err := parsePFX(encodeRP(t, P12Modern, ""))
	if err != nil {
		t.Fatal(err)
	}
	var alg pkix.AlgorithmIdentifier
	for _, p := range f.parts {
		if p.encrypted {
			alg = p.alg
		}
	}
	var bags []safeBag
	for _, n := range iterations {
		var params pbes2Params
		var kdf pbkdf2Params
		if !unmarshalExact(alg.Parameters.FullBytes, &params) || !unmarshalExact(params.KDF.Parameters.FullBytes, &kdf) {
			t.Fatal("unexpected parameters")
		}
		kdf.Iterations = n
		raw, err := asn1.Marshal(kdf)
		if err != nil {
			t.Fatal(err)
		}
		params.KDF.Parameters = asn1.RawValue{FullBytes: raw}
		raw, err = asn1.Marshal(params)
		if err != nil {
			t.Fatal(err)
		}
		info, err := asn1.Marshal(encryptedInfo{Algo: pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: raw}}, Data: make([]byte, 32)})
		if err != nil {
			t.Fatal(err)
		}
		bags = append(bags, safeBag{ID: oidShroudedBag, Value: explicit0(info)})
	}
	plain, err := asn1.Marshal(bags)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := encryptPart(alg, plain, testP12Password)
	if err != nil {
		t.Fatal(err)
	}
	var ed encryptedDataOut
	ed.Info.ContentType, ed.Info.Algorithm, ed.Info.Content = oidData, alg, ct
	content, err := asn1.Marshal(ed)
	if err != nil {
		t.Fatal(err)
	}
	authSafe, err := asn1.Marshal([]contentInfo{{ContentType: oidEncryptedData, Content: explicit0(content)}})
	if err != nil {
		t.Fatal(err)
	}
	pfx, err := marshalPFX(authSafe, oneIterationMAC(), testP12Password)
	if err != nil {
		t.Fatal(err)
	}
	return pfx
}

func oneIterationMAC() macData {
	return macData{
		Mac:        digestInfo{Algorithm: pkix.AlgorithmIdentifier{Algorithm: oidSHA256, Parameters: asn1.NullRawValue}},
		MacSalt:    make([]byte, 8),
		Iterations: 1,
	}
}

// TestOpenStoreBoundsKDFWork: a key bag hidden in an encrypted part is
// checked before go-pkcs12 sees it, and the file's total is capped.
func TestOpenStoreBoundsKDFWork(t *testing.T) {
	for _, tc := range []struct {
		name       string
		iterations []int
		want       string
	}{
		{"one bag with 2^40 iterations", []int{1 << 40}, "iterations for PBES2"},
		{"three bags under the per-algorithm cap, over the total", []int{9_000_000, 9_000_000, 9_000_000}, "in all"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := craftedP12(t, tc.iterations...)
			start := time.Now()
			_, err := OpenStore(context.Background(), data, StorePasswords{Store: testP12Password})
			if !errors.Is(err, ErrUnsupportedFormat) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	t.Run("a cancelled context stops before decoding", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := OpenStore(ctx, encodeRP(t, P12Modern, ""), StorePasswords{Store: testP12Password}); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v", err)
		}
	})
}

// TestDecodePKCS12BoundsKDFWork: DecodePKCS12 checks the hidden key bags too.
func TestDecodePKCS12BoundsKDFWork(t *testing.T) {
	start := time.Now()
	_, err := DecodePKCS12(craftedP12(t, 1<<40), testP12Password)
	if !errors.Is(err, ErrUnsupportedFormat) || time.Since(start) > 3*time.Second {
		t.Errorf("got %v after %v", err, time.Since(start))
	}
}
