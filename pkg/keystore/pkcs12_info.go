package keystore

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"strings"
)

// P12Info describes how a PKCS#12 file is protected, in words.
type P12Info struct {
	// MACAlgorithm is the integrity check: "HMAC-SHA256", "HMAC-SHA1",
	// "PBMAC1 (HMAC-SHA256)", "none", …
	MACAlgorithm string
	// MACIterations is the MAC key derivation's iteration count (0 without
	// a MAC).
	MACIterations int
	// CertEncryption is the algorithm of the encrypted part(s), where
	// PKCS#12 writers put the certificates, such as
	// "PBES2 AES-256-CBC (PBKDF2 HMAC-SHA256, 2048 iterations)",
	// "pbeWithSHAAnd40BitRC2-CBC" or "pbeWithSHAAnd3-KeyTripleDES-CBC";
	// "none" when the certificates are not encrypted.
	CertEncryption string
	// KeyEncryption is the algorithm of the shrouded key bag(s), in the
	// same words; "none (the private key is not encrypted)",
	// "no private key", or, when the key sits inside an encrypted part,
	// a sentence saying so.
	KeyEncryption string
	// Legacy is true when the file uses a legacy PKCS#12 algorithm: a
	// pbeWithSHAAnd… cipher (3DES, RC2, RC4) or a SHA-1 MAC.
	Legacy bool
	// Consumers says in a sentence which software can open the file.
	Consumers string
}

// algClass orders algorithms from the most to the least widely readable.
type algClass int

const (
	classNone    algClass = iota // not encrypted
	classLegacy                  // 3DES and SHA-1: read by everything
	classModern                  // PBES2 AES and SHA-2 MACs
	classPBMAC1                  // OpenSSL 3.4+, Java 26+
	classWeak                    // RC2, RC4, DES: OpenSSL 3 needs -legacy
	classUnknown                 // not recognised
)

var oidPBES1Prefix = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1}

// pkcs12PBENames are the RFC 7292 appendix C password-based ciphers.
var pkcs12PBENames = map[int]struct {
	name  string
	class algClass
}{
	1: {"pbeWithSHAAnd128BitRC4", classWeak},
	2: {"pbeWithSHAAnd40BitRC4", classWeak},
	3: {"pbeWithSHAAnd3-KeyTripleDES-CBC", classLegacy},
	4: {"pbeWithSHAAnd2-KeyTripleDES-CBC", classWeak},
	5: {"pbeWithSHAAnd128BitRC2-CBC", classWeak},
	6: {"pbeWithSHAAnd40BitRC2-CBC", classWeak},
}

// pbeParams is RFC 7292 pkcs-12PbeParams.
type pbeParams struct {
	Salt       []byte
	Iterations int
}

// algInfo is what inspecting one algorithm gives.
type algInfo struct {
	name       string
	class      algClass
	iterations int
	supported  bool // go-pkcs12 can decrypt it
}

// describePBE names a password-based encryption algorithm.
func describePBE(alg pkix.AlgorithmIdentifier) algInfo {
	oid := alg.Algorithm
	if len(oid) == len(oidPBES1Prefix)+1 && hasPrefix(oid, oidPBES1Prefix) {
		n, ok := pkcs12PBENames[oid[len(oid)-1]]
		var p pbeParams
		if !ok || !unmarshalExact(alg.Parameters.FullBytes, &p) {
			return algInfo{name: "unknown PKCS#12 cipher (OID " + oid.String() + ")", class: classUnknown}
		}
		supported := oid[len(oid)-1] == 3 || oid[len(oid)-1] == 5 || oid[len(oid)-1] == 6
		return algInfo{name: n.name, class: n.class, iterations: p.Iterations, supported: supported}
	}
	if oid.Equal(oidPBES2) {
		return describePBES2(alg)
	}
	if hasPrefix(oid, oidPKCS5) {
		return algInfo{name: "PKCS#5 PBES1 (OID " + oid.String() + ")", class: classWeak}
	}
	return algInfo{name: "unknown (OID " + oid.String() + ")", class: classUnknown}
}

func describePBES2(alg pkix.AlgorithmIdentifier) algInfo {
	var params pbes2Params
	var kdf pbkdf2Params
	if !unmarshalExact(alg.Parameters.FullBytes, &params) {
		return algInfo{name: "PBES2 (damaged parameters)", class: classUnknown}
	}
	c, ok := findCipher(params.Scheme.Algorithm)
	cipher := c.name
	if !ok {
		cipher = "unknown cipher (OID " + params.Scheme.Algorithm.String() + ")"
	}
	if !params.KDF.Algorithm.Equal(oidPBKDF2) || !unmarshalExact(params.KDF.Parameters.FullBytes, &kdf) {
		return algInfo{name: "PBES2 " + cipher + " (unsupported key derivation " + params.KDF.Algorithm.String() + ")", class: classUnknown}
	}
	prf := hmacName(kdf.PRF.Algorithm)
	info := algInfo{
		name:       fmt.Sprintf("PBES2 %s (PBKDF2 %s, %d iterations)", cipher, prf, kdf.Iterations),
		class:      classModern,
		iterations: kdf.Iterations,
	}
	_, prfOK := hmacHash(kdf.PRF.Algorithm)
	isAES := strings.HasPrefix(c.name, "AES")
	info.supported = ok && isAES && prfOK && !kdf.PRF.Algorithm.Equal(oidHMACSHA384)
	switch {
	case !ok:
		info.class = classUnknown
	case !isAES:
		info.class = classWeak
	}
	return info
}

// hmacName names an HMAC algorithm (a missing one is HMAC-SHA1).
func hmacName(oid asn1.ObjectIdentifier) string {
	switch {
	case len(oid) == 0 || oid.Equal(oidHMACSHA1):
		return "HMAC-SHA1"
	case oid.Equal(oidHMACSHA256):
		return "HMAC-SHA256"
	}
	return prfName(oid)
}

// describeMAC names the MAC algorithm and its iteration count.
func describeMAC(f *p12File) algInfo {
	if !f.hasMAC {
		return algInfo{name: "none", class: classNone, supported: true}
	}
	md := f.pfx.MacData
	alg := md.Mac.Algorithm
	if alg.Algorithm.Equal(oidPBMAC1) {
		var params pbmac1Params
		var kdf pbkdf2Params
		if !unmarshalExact(alg.Parameters.FullBytes, &params) || !unmarshalExact(params.KDF.Parameters.FullBytes, &kdf) {
			return algInfo{name: "PBMAC1 (damaged parameters)", class: classUnknown}
		}
		return algInfo{name: "PBMAC1 (" + hmacName(params.MacAlg.Algorithm) + ")", class: classPBMAC1, iterations: kdf.Iterations, supported: true}
	}
	names := []struct {
		oid   asn1.ObjectIdentifier
		name  string
		class algClass
	}{
		{oidSHA1, "HMAC-SHA1", classLegacy},
		{oidSHA256, "HMAC-SHA256", classModern},
		{oidSHA384, "HMAC-SHA384", classModern},
		{oidSHA512, "HMAC-SHA512", classModern},
	}
	for _, n := range names {
		if alg.Algorithm.Equal(n.oid) {
			return algInfo{name: n.name, class: n.class, iterations: md.Iterations, supported: true}
		}
	}
	return algInfo{name: "unknown (OID " + alg.Algorithm.String() + ")", class: classUnknown}
}
