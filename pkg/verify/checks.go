package verify

import (
	"crypto/x509"
	"errors"
	"fmt"
	"slices"

	"github.com/caronboard/caronboard/pkg/csr"
)

// checkKeyMatch: the key of --key belongs to the certificate.
func checkKeyMatch(in CertInput) Check {
	c := Check{ID: CheckKeyMatch}
	switch {
	case in.Key == nil:
		c.Status, c.Message = Skip, "not checked: no key given"
		c.Hint = "pass the private key with --key to check that it belongs to this certificate"
	case KeyMatches(in.Leaf, in.Key):
		c.Status, c.Message = Pass, "the key belongs to this certificate"
	default:
		c.Status, c.Message, c.Hint = Fail, "the key does not belong to this certificate", keyMismatchHint
		if fp, err := csr.PublicKeyFingerprint(in.Key); err == nil {
			c.Message += " (the key's public key SHA-256 is " + fp + ")"
		}
	}
	return c
}

// checkValidity: the validity window, judged at in.At.
func checkValidity(in CertInput) Check {
	c := Check{ID: CheckValidity}
	leaf, at := in.Leaf, in.At
	warn := in.ExpiryWarning
	if warn <= 0 {
		warn = DefaultExpiryWarning
	}
	switch {
	case at.IsZero():
		c.Status, c.Message = Fail, "not checked: no time to judge the validity at"
		c.Hint = "this is a bug in the caller: give the current time or --at"
	case at.Before(leaf.NotBefore):
		c.Status = Fail
		c.Message = fmt.Sprintf("not valid yet: valid from %s (in %s)", date(leaf.NotBefore), days(leaf.NotBefore.Sub(at)))
		c.Hint = "check the computer's clock (or --at); otherwise wait until then"
	case at.After(leaf.NotAfter):
		c.Status = Fail
		c.Message = fmt.Sprintf("expired on %s (%s ago)", date(leaf.NotAfter), days(at.Sub(leaf.NotAfter)))
		c.Hint = "request a new certificate: make a new key and CSR (caronboard csr) and send it to the CA"
	case leaf.NotAfter.Sub(at) < warn:
		c.Status = Warn
		c.Message = fmt.Sprintf("expires in %s, on %s", days(leaf.NotAfter.Sub(at)), date(leaf.NotAfter))
		c.Hint = "request a renewal now: make a new CSR (caronboard csr) and send it to the CA"
	default:
		c.Status = Pass
		c.Message = fmt.Sprintf("valid from %s until %s (%s left)", date(leaf.NotBefore), date(leaf.NotAfter), days(leaf.NotAfter.Sub(at)))
	}
	return c
}

// checkClientAuth: the Extended Key Usage allows TLS client authentication.
func checkClientAuth(leaf *x509.Certificate) Check {
	c := Check{ID: CheckClientAuth}
	switch {
	case slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageClientAuth):
		c.Status, c.Message = Pass, "extended key usage allows clientAuth (TLS client authentication)"
	case slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageAny):
		c.Status, c.Message = Pass, "extended key usage is anyExtendedKeyUsage, which includes clientAuth"
	case len(leaf.ExtKeyUsage) == 0 && len(leaf.UnknownExtKeyUsage) == 0:
		c.Status = Warn
		c.Message = "no extended key usage; most servers accept it, but the CA should set clientAuth"
		c.Hint = "if the server refuses the certificate, ask the CA for one with extended key usage clientAuth"
	default:
		c.Status = Fail
		c.Message = fmt.Sprintf("extended key usage is %s, without clientAuth: servers refuse it for mutual TLS", ekuList(leaf))
		c.Hint = "ask the CA to issue the certificate with extended key usage clientAuth (TLS Web Client Authentication)"
	}
	return c
}

// checkKeySize: RSA, of a size the profile (or, without one, RSA ≥ 2048)
// accepts.
func checkKeySize(leaf *x509.Certificate, p csr.Profile) Check {
	c := Check{ID: CheckKeySize}
	alg, bits := csr.KeyDescription(leaf.PublicKey)
	if p != "" {
		if err := p.CheckKey(leaf.PublicKey); err != nil {
			c.Status, c.Message = Fail, err.Error()
			c.Hint = "the CA issued a certificate for a key " + p.DisplayName() + " does not accept: make a new key and CSR (caronboard csr --profile " + p.String() + ")"
			var kpe *csr.KeyPolicyError
			if errors.As(err, &kpe) && kpe.Hint() != "" {
				c.Hint = kpe.Hint() + "; then make a new CSR with it and request a new certificate"
			}
			return c
		}
		c.Status, c.Message = Pass, fmt.Sprintf("%s %d-bit, which %s accepts", alg, bits, p.DisplayName())
		return c
	}
	const minBits = 2048
	switch {
	case alg != "RSA":
		c.Status, c.Message = Fail, fmt.Sprintf("the key is %s; both CAs issue certificates for RSA keys only", alg)
		c.Hint = "make an RSA key and CSR (caronboard csr) and request a new certificate"
	case bits < minBits:
		c.Status, c.Message = Fail, fmt.Sprintf("RSA %d-bit is too small; at least %d bits are needed", bits, minBits)
		c.Hint = "make a 4096-bit key and CSR (caronboard csr) and request a new certificate"
	default:
		c.Status, c.Message = Pass, fmt.Sprintf("RSA %d-bit", bits)
	}
	return c
}

// weakSignatures are the signature algorithms refused for a certificate.
var weakSignatures = []x509.SignatureAlgorithm{x509.MD2WithRSA, x509.MD5WithRSA, x509.SHA1WithRSA, x509.DSAWithSHA1, x509.ECDSAWithSHA1}

// checkSignatureAlgorithm: neither the leaf nor an intermediate of its chain
// is signed with SHA-1 or MD5. (A root's own signature is never checked by
// anyone, so it does not matter.)
func checkSignatureAlgorithm(leaf *x509.Certificate, chain []*x509.Certificate) Check {
	c := Check{ID: CheckSignatureAlgorithm}
	signed := []*x509.Certificate{leaf}
	if len(chain) > 2 {
		signed = chain[:len(chain)-1]
	}
	for _, s := range signed {
		if slices.Contains(weakSignatures, s.SignatureAlgorithm) {
			c.Status = Fail
			c.Message = fmt.Sprintf("%s is signed with %s, which TLS libraries refuse", shortName(s), s.SignatureAlgorithm)
			c.Hint = "ask the CA to issue it again signed with SHA-256"
			return c
		}
	}
	c.Status, c.Message = Pass, "signed with "+leaf.SignatureAlgorithm.String()
	return c
}
