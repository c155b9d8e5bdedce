package keystore

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
)

// pkcs8Info is the PKCS#8 PrivateKeyInfo (RFC 5208, RFC 5958) wrapper.
type pkcs8Info struct {
	Version    int
	Algo       pkix.AlgorithmIdentifier
	PrivateKey []byte
	Attributes asn1.RawValue `asn1:"optional,tag:0"`
	PublicKey  asn1.RawValue `asn1:"optional,tag:1"`
}

// pkcs1Head is the start of a PKCS#1 RSAPrivateKey, enough to recognise one.
type pkcs1Head struct {
	Version int
	N       *big.Int
	E       *big.Int
}

// pkcs1Key is a whole PKCS#1 RSAPrivateKey (RFC 8017 A.1.2), read to learn
// the modulus size before handing the key to crypto/x509.
type pkcs1Key struct {
	Version         int
	N, E, D, P, Q   *big.Int
	Dp, Dq, Qinv    *big.Int
	AdditionalPrime asn1.RawValue `asn1:"optional"`
}

var (
	oidRSA       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidRSAPSS    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidEC        = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidDSA       = asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 1}
	oidDH        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 3, 1}
	oidX25519    = asn1.ObjectIdentifier{1, 3, 101, 110}
	oidX448      = asn1.ObjectIdentifier{1, 3, 101, 111}
	oidEd25519   = asn1.ObjectIdentifier{1, 3, 101, 112}
	oidEd448     = asn1.ObjectIdentifier{1, 3, 101, 113}
	oidP224      = asn1.ObjectIdentifier{1, 3, 132, 0, 33}
	oidP256      = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}
	oidP384      = asn1.ObjectIdentifier{1, 3, 132, 0, 34}
	oidP521      = asn1.ObjectIdentifier{1, 3, 132, 0, 35}
	oidSecp256k1 = asn1.ObjectIdentifier{1, 3, 132, 0, 10}
)

// unmarshalExact parses one DER value into v and refuses trailing bytes.
func unmarshalExact(der []byte, v any) bool {
	rest, err := asn1.Unmarshal(der, v)
	return err == nil && len(rest) == 0
}

// isPKCS8 reports whether der is a PKCS#8 PrivateKeyInfo rather than
// (presumably) a PKCS#1 RSAPrivateKey.
func isPKCS8(der []byte) bool {
	var info pkcs8Info
	return unmarshalExact(der, &info)
}

// parseRSA reads an unencrypted PKCS#8 or PKCS#1 RSA key, whichever der is.
func parseRSA(der []byte) (*rsa.PrivateKey, error) {
	if isPKCS8(der) {
		return parsePKCS8(der)
	}
	return parsePKCS1(der)
}

// parsePKCS8 reads an unencrypted PKCS#8 PrivateKeyInfo holding an RSA key.
func parsePKCS8(der []byte) (*rsa.PrivateKey, error) {
	var info pkcs8Info
	if !unmarshalExact(der, &info) || info.Version > 1 {
		return nil, newError(ErrMalformedKey, "the PKCS#8 private key is damaged or truncated")
	}
	if !info.Algo.Algorithm.Equal(oidRSA) {
		return nil, &UnsupportedKeyError{Algorithm: algorithmName(info.Algo)}
	}
	if err := checkPKCS1Size(info.PrivateKey); err != nil {
		return nil, err
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, keyErr(ErrMalformedKey, err, damagedHint, "the RSA key inside the PKCS#8 structure is damaged or truncated")
	}
	rsaKey, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, newError(ErrMalformedKey, "the PKCS#8 structure does not hold the RSA key it announces")
	}
	return checkRSA(rsaKey)
}

// parsePKCS1 reads a PKCS#1 RSAPrivateKey.
func parsePKCS1(der []byte) (*rsa.PrivateKey, error) {
	if err := checkPKCS1Size(der); err != nil {
		return nil, err
	}
	key, err := x509.ParsePKCS1PrivateKey(der)
	if err != nil {
		return nil, keyErr(ErrMalformedKey, err, damagedHint, "the PKCS#1 RSA private key is damaged or truncated")
	}
	return checkRSA(key)
}

// checkPKCS1Size refuses a key below MinReadBits before crypto/rsa sees it,
// so that an RSA-512 key gets a *KeySizeError rather than a crypto/rsa
// message. A structure it cannot read is left for crypto/x509 to reject.
func checkPKCS1Size(der []byte) error {
	var key pkcs1Key
	if !unmarshalExact(der, &key) || key.N == nil || key.N.Sign() <= 0 {
		return nil
	}
	if bits := key.N.BitLen(); bits < MinReadBits {
		return &KeySizeError{Bits: bits}
	}
	return nil
}

// checkRSA validates a parsed key and enforces MinReadBits.
func checkRSA(key *rsa.PrivateKey) (*rsa.PrivateKey, error) {
	if bits := key.N.BitLen(); bits < MinReadBits {
		return nil, &KeySizeError{Bits: bits}
	}
	if err := key.Validate(); err != nil {
		return nil, keyErr(ErrMalformedKey, err, damagedHint, "the RSA private key is inconsistent (its numbers do not fit together), so it is damaged")
	}
	return key, nil
}

// algorithmName names a PKCS#8 key algorithm for *UnsupportedKeyError.
func algorithmName(alg pkix.AlgorithmIdentifier) string {
	switch oid := alg.Algorithm; {
	case oid.Equal(oidEC):
		var curve asn1.ObjectIdentifier
		if unmarshalExact(alg.Parameters.FullBytes, &curve) {
			return "ECDSA " + curveName(curve)
		}
		return "ECDSA"
	case oid.Equal(oidRSAPSS):
		return "RSA-PSS"
	case oid.Equal(oidDSA):
		return "DSA"
	case oid.Equal(oidDH):
		return "Diffie-Hellman"
	case oid.Equal(oidEd25519):
		return "Ed25519"
	case oid.Equal(oidEd448):
		return "Ed448"
	case oid.Equal(oidX25519):
		return "X25519"
	case oid.Equal(oidX448):
		return "X448"
	default:
		return "unknown (OID " + oid.String() + ")"
	}
}

func curveName(oid asn1.ObjectIdentifier) string {
	switch {
	case oid.Equal(oidP224):
		return "P-224"
	case oid.Equal(oidP256):
		return "P-256"
	case oid.Equal(oidP384):
		return "P-384"
	case oid.Equal(oidP521):
		return "P-521"
	case oid.Equal(oidSecp256k1):
		return "secp256k1"
	}
	return "curve " + oid.String()
}

// ecName names the curve of a SEC 1 "EC PRIVATE KEY", if it can be read
// without a passphrase.
func ecName(der []byte) string {
	var sec1 struct {
		Version    int
		PrivateKey []byte
		Curve      asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	}
	if _, err := asn1.Unmarshal(der, &sec1); err == nil && len(sec1.Curve) > 0 {
		return "ECDSA " + curveName(sec1.Curve)
	}
	return "ECDSA"
}

// parseDER reads a key given as binary DER, and says what else it is when it
// is not one.
func (p *keyParser) parseDER(der []byte) (*rsa.PrivateKey, error) {
	var enc encryptedInfo
	if unmarshalExact(der, &enc) && isPasswordBased(enc.Algo.Algorithm) {
		p.info.Format = FormatEncryptedPKCS8DER
		return p.parseEncryptedPKCS8(der)
	}
	if isPKCS8(der) {
		p.info.Format = FormatPKCS8DER
		return parsePKCS8(der)
	}
	var head pkcs1Head
	if _, err := asn1.Unmarshal(der, &head); err == nil && head.Version <= 1 && head.N != nil {
		p.info.Format = FormatPKCS1DER
		return parsePKCS1(der)
	}
	return nil, describeDER(der)
}

// describeDER builds the error for DER (or text) data that is no RSA key.
func describeDER(der []byte) error {
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return &UnsupportedKeyError{Algorithm: "ECDSA " + k.Curve.Params().Name}
	}
	if _, err := x509.ParseCertificate(der); err == nil {
		return newError(ErrNoPrivateKey, "found a certificate (DER), not a private key")
	}
	if _, err := x509.ParseCertificateRequest(der); err == nil {
		return newError(ErrNoPrivateKey, "found a certificate request (DER), not a private key")
	}
	if pub, err := x509.ParsePKIXPublicKey(der); err == nil {
		return newError(ErrNoPrivateKey, "found %s, not a private key", publicKeyName(pub))
	}
	if isPKCS12(der) {
		return newError(ErrUnsupportedFormat, "this is a PKCS#12 (.p12/.pfx) file; extract the key with: openssl pkcs12 -in FILE -nocerts -out key.pem")
	}
	if bytes.HasPrefix(der, []byte("PuTTY-User-Key-File")) {
		return newError(ErrUnsupportedFormat, "this is a PuTTY key; export it with PuTTYgen (Conversions > Export OpenSSH key), then convert with ssh-keygen -p -m PKCS8")
	}
	return newError(ErrMalformedKey, "the data is neither a PEM block (-----BEGIN …-----) nor a complete DER key; is it the right file, and is it whole?")
}

func publicKeyName(pub any) string {
	if _, ok := pub.(*rsa.PublicKey); ok {
		return "an RSA public key (DER)"
	}
	return "a public key (DER)"
}

// isPKCS12 recognises a PFX: SEQUENCE { INTEGER 3, ContentInfo, ... }.
func isPKCS12(der []byte) bool {
	var pfx struct {
		Version  int
		AuthSafe struct {
			ContentType asn1.ObjectIdentifier
			Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
		}
	}
	_, err := asn1.Unmarshal(der, &pfx)
	return err == nil && pfx.Version == 3 && pfx.AuthSafe.ContentType.Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1})
}
