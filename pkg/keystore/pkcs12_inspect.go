package keystore

import (
	"slices"
	"strings"

	"github.com/caronboard/caronboard/internal/safefile"
)

// InspectPKCS12 describes how a PKCS#12 file (DER or BER) is protected,
// without the password: the MAC, the encryption of the certificates and of
// the private key where it is visible, and who can open the file. It
// describes algorithms DecodePKCS12 cannot decrypt too. Errors wrap
// ErrMalformedPKCS12, ErrUnsupportedFormat (a file protected with a public
// key rather than a password) or safefile.ErrTooLarge.
func InspectPKCS12(data []byte) (P12Info, error) {
	s, _, err := inspect(data)
	if err != nil {
		return P12Info{}, err
	}
	return s.info, nil
}

// p12Summary is what a PKCS#12 file shows without the password.
type p12Summary struct {
	info           P12Info
	algs           []algInfo // the MAC and every visible encryption
	friendlyName   string    // of the (first) visible key bag
	encryptedParts int
	shroudedKeys   int  // visible shrouded key bags
	plainKey       bool // a key bag that is not encrypted
}

// inspect parses and summarises data.
func inspect(data []byte) (*p12Summary, *p12File, error) {
	if len(data) > MaxInputSize {
		return nil, nil, newError(safefile.ErrTooLarge, "the PKCS#12 data is larger than %s; is it the right file?", safefile.ByteSize(MaxInputSize))
	}
	f, err := parsePFX(data)
	if err != nil {
		return nil, nil, err
	}
	return summarize(f), f, nil
}

// checkDecodable refuses what cannot be decoded safely: algorithms
// go-pkcs12 does not know, and iteration counts above maxIter (so that a
// crafted file cannot keep us busy for hours).
func (s *p12Summary) checkDecodable(maxIter int) error {
	for _, a := range s.algs {
		switch {
		case !a.supported:
			return newError(ErrUnsupportedFormat, "the PKCS#12 file uses %s, which this tool cannot read; %s", a.name, p12ReexportHint)
		case a.iterations < 0 || a.iterations > maxIter:
			return newError(ErrUnsupportedFormat, "the PKCS#12 file uses %d iterations for %s; this tool accepts at most %d; %s", a.iterations, a.name, maxIter, p12ReexportHint)
		}
	}
	return nil
}

// p12ReexportHint is the way out of a file this tool does not read. The
// OpenSSL commands work on OpenSSL 3 as printed (-legacy loads RC2, RC4 and
// DES; it reads modern files too); interop_hints_test.go runs them.
const p12ReexportHint = P12RebuildAdvice

// P12RebuildAdvice says how to rebuild a keystore this tool cannot use as
// it is, with caronboard or, when caronboard cannot read it, with OpenSSL 3.
const P12RebuildAdvice = "rebuild it with 'caronboard pkcs12 --from OLD.p12 --out NEW.p12', or re-export it with OpenSSL 3: " + P12OpenSSLExport + " (then delete tmp.pem, which holds the key unencrypted)"

// P12OpenSSLExport is the OpenSSL 3 command pair that re-exports any
// PKCS#12 file as a modern one.
const P12OpenSSLExport = "openssl pkcs12 -legacy -in OLD.p12 -nodes -out tmp.pem && openssl pkcs12 -export -in tmp.pem -out NEW.p12"

func summarize(f *p12File) *p12Summary {
	s := &p12Summary{}
	mac := describeMAC(f)
	s.algs = append(s.algs, mac)
	s.info.MACAlgorithm, s.info.MACIterations = mac.name, mac.iterations
	var certAlgs, keyAlgs []string
	for _, p := range f.parts {
		if p.encrypted {
			a := describePBE(p.alg)
			s.algs = append(s.algs, a)
			certAlgs = appendUnique(certAlgs, a.name)
			s.encryptedParts++
			continue
		}
		for _, b := range p.bags {
			switch {
			case b.ID.Equal(oidShroudedBag):
				var enc encryptedInfo
				a := algInfo{name: "damaged key bag", class: classUnknown}
				if unmarshalExact(b.Value.Bytes, &enc) {
					a = describePBE(enc.Algo)
				}
				s.algs = append(s.algs, a)
				keyAlgs = appendUnique(keyAlgs, a.name)
				s.shroudedKeys++
			case b.ID.Equal(oidKeyBag):
				keyAlgs = appendUnique(keyAlgs, "none (the private key is not encrypted)")
				s.plainKey = true
			case b.ID.Equal(oidCertBag):
				certAlgs = appendUnique(certAlgs, "none")
				continue
			default:
				continue
			}
			if s.friendlyName == "" {
				s.friendlyName = b.friendlyName()
			}
		}
	}
	s.info.CertEncryption = joinOr(certAlgs, "none")
	switch {
	case len(keyAlgs) > 0:
		s.info.KeyEncryption = strings.Join(keyAlgs, ", ")
	case s.encryptedParts > 0:
		s.info.KeyEncryption = "not visible without the passphrase (the key is inside the encrypted part)"
	default:
		s.info.KeyEncryption = "no private key"
	}
	class := classNone
	for _, a := range s.algs {
		class = max(class, a.class)
		if strings.HasPrefix(a.name, "pbeWithSHA") || a.name == "HMAC-SHA1" {
			s.info.Legacy = true
		}
	}
	s.info.Consumers = consumers(class)
	if s.plainKey {
		s.info.Consumers += "; beware: the private key in it is not encrypted"
	}
	return s
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func joinOr(list []string, empty string) string {
	if len(list) == 0 {
		return empty
	}
	return strings.Join(list, ", ")
}

// consumers says who can open a file whose most demanding algorithm is of
// class c.
func consumers(c algClass) string {
	switch c {
	case classNone:
		return "any PKCS#12 reader: nothing in the file is encrypted"
	case classLegacy:
		return "nearly everything: OpenSSL 1.1 and 3 (without -legacy), every Java version, Windows Server 2016 and later, macOS Keychain and Node.js; 3DES and SHA-1 are weak, so keep the file and its passphrase safe"
	case classModern:
		return "OpenSSL 1.1.1 and 3, Java 12 and later (and 8u301, 11.0.12), Windows Server 2019 and later, current macOS and Node.js; not Windows Server 2016, Java before 8u301 or older macOS Keychain, which need a file built with --legacy"
	case classPBMAC1:
		return "only OpenSSL 3.4 and later and Java 26 and later; OpenSSL 3.0 to 3.3, Java 17, Windows and macOS cannot open it"
	case classWeak:
		return "OpenSSL 3 opens it only with -legacy (it uses RC2, RC4, single DES or 2-key 3DES), and newer Java, Windows and macOS may refuse it; do not use it as it is: rebuild it with 'caronboard pkcs12 --from FILE --out NEW.p12' (add --legacy only for consumers that need 3DES)"
	}
	return "unknown: the file uses an algorithm this tool does not recognise"
}
