package keystore

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/caronboard/caronboard/internal/safefile"
)

// checkSentinel fails unless err wraps one of the given sentinels and has a
// message in plain words.
func checkSentinel(t *testing.T, err error, sentinels ...error) {
	t.Helper()
	for _, s := range sentinels {
		if errors.Is(err, s) {
			if err.Error() == "" {
				t.Error("empty error message")
			}
			checkPlainWords(t, err)
			return
		}
	}
	t.Errorf("error %q wraps none of the expected sentinels", err)
}

// checkFast fails when the function under test took too long: no input may
// make it slow (a crafted iteration count, a bomb).
func checkFast(t *testing.T, start time.Time) {
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

// fuzzMaxIter is the iteration cap FuzzDecodePKCS12 decodes with, and
// fuzzMaxKDFCalls the most key derivations of its own one decode may run (the
// MAC key, derived once or, for an empty passphrase, twice; the contents are
// decrypted by go-pkcs12 under the same iteration cap).
const (
	fuzzMaxIter     = 4096
	fuzzMaxKDFCalls = 4
)

// checkKDFWork fails when one input made this package's PKCS#12 key
// derivations run more iterations than the cap allows: no crafted iteration
// count may make decoding slow. It counts work instead of timing it, so a
// busy machine cannot fail it.
func checkKDFWork(t *testing.T, before int64) {
	if n := kdfRounds.Load() - before; n > fuzzMaxIter*fuzzMaxKDFCalls {
		t.Errorf("one input ran %d KDF iterations, more than %d calls of at most %d", n, fuzzMaxKDFCalls, fuzzMaxIter)
	}
}

// FuzzDecodePKCS12 checks that no input makes DecodePKCS12 or InspectPKCS12
// panic, hang or return an error outside the documented sentinels. Seeds are
// our encodings in both formats, go-pkcs12's other encoders, a BER variant
// and, when present, Freja's vectors.
func FuzzDecodePKCS12(f *testing.F) {
	p := testPKI(f)
	f.Add(encodeRP(f, P12Modern, ""))
	f.Add(encodeRP(f, P12Legacy, "alias"))
	f.Add(toBER(f, encodeRP(f, P12Legacy, "")))
	for _, enc := range []*pkcs12.Encoder{pkcs12.LegacyRC2, pkcs12.Modern2026} {
		if b, err := enc.Encode(p.RP.Key, p.RP.Cert, nil, testP12Password); err == nil {
			f.Add(b)
		}
	}
	if b, err := pkcs12.Modern2023.EncodeTrustStore(rpChain(f), testP12Password); err == nil {
		f.Add(b)
	}
	for _, name := range []string{"test-rp-client-legacy-rc2.pfx", "test-rp-client-aes256.pfx"} {
		if b, err := os.ReadFile(filepath.Join(frejaVectors, name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte{0x30, 0x80, 0x02, 0x01, 0x03, 0x00, 0x00})
	f.Add([]byte{})

	f.Fuzz(func(t *testing.T, data []byte) {
		defer checkKDFWork(t, kdfRounds.Load())
		info, inspectErr := InspectPKCS12(data)
		if inspectErr != nil {
			checkSentinel(t, inspectErr, ErrMalformedPKCS12, ErrUnsupportedFormat, safefile.ErrTooLarge)
		} else if info.MACAlgorithm == "" || info.CertEncryption == "" || info.KeyEncryption == "" || info.Consumers == "" {
			t.Errorf("incomplete info %+v", info)
		}
		// The iteration cap is lowered from the production 10 million so
		// that a mutated count cannot stall the fuzzer; the seeds use 2048.
		c, err := decodePKCS12(data, testP12Password, fuzzMaxIter)
		if err != nil {
			checkSentinel(t, err, ErrMalformedPKCS12, ErrUnsupportedFormat, safefile.ErrTooLarge, ErrWrongPassphrase,
				ErrAltered, ErrNoPrivateKey, ErrNoCertificate, ErrMultipleKeys, ErrInvalidPassphrase)
			return
		}
		if inspectErr != nil || c.Key == nil || c.Leaf == nil || c.Info != info {
			t.Errorf("decoded without a key, a leaf or the same info: %+v (inspect: %v)", c, inspectErr)
		}
		if c.KeyMatchesLeaf != keyMatches(c.Key, c.Leaf) {
			t.Error("KeyMatchesLeaf is wrong")
		}
	})
}

// FuzzParseCertificates checks that no input makes ParseCertificates panic
// or return an error outside its sentinels.
func FuzzParseCertificates(f *testing.F) {
	p := testPKI(f)
	f.Add(certPEM(p.RP.Cert))
	f.Add(p.FrejaRoot.Cert.Raw)
	f.Add(bomCRLF(append(certPEM(p.FrejaIssuing.Cert), certPEM(p.FrejaRoot.Cert)...)))
	f.Add(utf16LE(certPEM(p.FrejaRoot.Cert)))
	if b, err := os.ReadFile(filepath.Join(pkiDir, "rp.key.pem")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"))
	f.Add([]byte{0x30, 0x82, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		defer checkFast(t, time.Now())
		certs, err := ParseCertificates(data)
		if err != nil {
			checkSentinel(t, err, ErrNotCertificate, ErrMalformedCertificate)
			return
		}
		if len(certs) == 0 {
			t.Error("no error and no certificate")
		}
		for _, c := range certs {
			if c == nil {
				t.Error("nil certificate")
			}
		}
	})
}

// FuzzReadBundle checks that no input makes ReadBundle panic, allocate
// without bound or return an error outside its sentinels.
func FuzzReadBundle(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join(pkiDir, "rp-bundle.zip")); err == nil {
		f.Add(b)
	}
	cert := certPEM(testPKI(f).RP.Cert)
	f.Add(buildZip(f, zipEntry{name: "a/b.cer", data: cert, method: zip.Deflate}, zipEntry{name: "README.txt", data: []byte("hi")}))
	f.Add(buildZip(f, zipEntry{name: "../x.cer", data: cert}))
	f.Add(buildZip(f, zipEntry{name: "x.der", data: testPKI(f).FrejaRoot.Cert.Raw, raw: true, declared: 10}))
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer checkFast(t, time.Now())
		entries, all, err := ReadBundle(data)
		if err != nil {
			checkSentinel(t, err, ErrUnsafeBundle, ErrMalformedBundle, ErrNotCertificate, ErrMalformedCertificate)
			return
		}
		if len(entries) == 0 || len(all) == 0 {
			t.Error("no error and no certificate")
		}
		seen := map[string]bool{}
		for _, c := range all {
			if seen[string(c.Raw)] {
				t.Error("a certificate is listed twice")
			}
			seen[string(c.Raw)] = true
		}
	})
}
