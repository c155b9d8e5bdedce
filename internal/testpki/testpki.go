// Package testpki builds the test PKI that caronboard's tests use: a
// Freja-shaped chain (root → issuing CA → relying-party client certificates)
// and a CAR-shaped one (CA → RSA-4096 client certificate, and a localhost
// server certificate), with fixed validity windows so tests never depend on
// the clock. `go run ./internal/testpki/gen testdata/pki` writes it to disk.
// Test material only.
package testpki

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/asn1"
	"math/big"
	"net"
	"time"
)

// Fixed validity windows.
var (
	ValidFrom    = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	ValidUntil   = time.Date(2099, 12, 31, 23, 59, 59, 0, time.UTC)
	ExpiredFrom  = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	ExpiredUntil = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Cert is one certificate with its key.
type Cert struct {
	Name string
	Cert *x509.Certificate
	Key  *rsa.PrivateKey
}

// PKI is the whole test PKI.
type PKI struct {
	FrejaRoot, FrejaIssuing, RP, RPExpired, RPNoClientAuth *Cert
	CARCA, CARBank, Server                                 *Cert
}

// All lists every certificate, in generation order.
func (p *PKI) All() []*Cert {
	return []*Cert{p.FrejaRoot, p.FrejaIssuing, p.RP, p.RPExpired, p.RPNoClientAuth, p.CARCA, p.CARBank, p.Server}
}

// OID of organizationIdentifier.
var oidOrgID = asn1.ObjectIdentifier{2, 5, 4, 97}

// rdn is one attribute of an ordered subject.
type rdn struct {
	oid   asn1.ObjectIdentifier
	value string
}

var (
	oidC  = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidO  = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidOU = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidCN = asn1.ObjectIdentifier{2, 5, 4, 3}
)

// name encodes an ordered subject, C as PrintableString and the rest UTF8String.
func name(attrs ...rdn) []byte {
	var seq []asn1.RawValue
	for _, a := range attrs {
		tag := asn1.TagUTF8String
		if a.oid.Equal(oidC) {
			tag = asn1.TagPrintableString
		}
		val, _ := asn1.Marshal(asn1.RawValue{Tag: tag, Bytes: []byte(a.value)})
		atv, _ := asn1.Marshal(struct {
			Type  asn1.ObjectIdentifier
			Value asn1.RawValue
		}{a.oid, asn1.RawValue{FullBytes: val}})
		set, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: atv})
		seq = append(seq, asn1.RawValue{FullBytes: set})
	}
	der, _ := asn1.Marshal(seq)
	return der
}

type spec struct {
	name     string
	subject  []byte
	bits     int
	ca       bool
	eku      []x509.ExtKeyUsage
	from, to time.Time
	server   bool
}

// Generate makes a fresh PKI. It takes a few seconds (two RSA-4096 keys).
func Generate() (*PKI, error) {
	p := &PKI{}
	steps := []struct {
		dst    **Cert
		issuer **Cert
		s      spec
	}{
		{&p.FrejaRoot, nil, spec{name: "freja-root", bits: 2048, ca: true, subject: name(rdn{oidC, "SE"}, rdn{oidO, "Caronboard Test Freja"}, rdn{oidOU, "Test"}, rdn{oidCN, "Test Freja Root CA"})}},
		{&p.FrejaIssuing, &p.FrejaRoot, spec{name: "freja-issuing", bits: 2048, ca: true, subject: name(rdn{oidC, "SE"}, rdn{oidO, "Caronboard Test Freja"}, rdn{oidOU, "Test"}, rdn{oidCN, "Test Freja Issuing CA"})}},
		{&p.RP, &p.FrejaIssuing, spec{name: "rp", bits: 2048, eku: clientAuth, subject: name(rdn{oidC, "SE"}, rdn{oidOrgID, "556677-8881"}, rdn{oidOU, "Production"}, rdn{oidO, "ACME AB"}, rdn{oidCN, "Document signing service"})}},
		{&p.RPExpired, &p.FrejaIssuing, spec{name: "rp-expired", bits: 2048, eku: clientAuth, from: ExpiredFrom, to: ExpiredUntil, subject: name(rdn{oidC, "SE"}, rdn{oidOrgID, "556677-8881"}, rdn{oidO, "ACME AB"}, rdn{oidCN, "Expired"})}},
		{&p.RPNoClientAuth, &p.FrejaIssuing, spec{name: "rp-noclientauth", bits: 2048, eku: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}, subject: name(rdn{oidC, "SE"}, rdn{oidOrgID, "556677-8881"}, rdn{oidO, "ACME AB"}, rdn{oidCN, "No client auth"})}},
		{&p.CARCA, nil, spec{name: "car-ca", bits: 4096, ca: true, subject: name(rdn{oidC, "SE"}, rdn{oidO, "E-fakturabolaget"}, rdn{oidCN, "Test CAR CA"})}},
		{&p.CARBank, &p.CARCA, spec{name: "car-bank", bits: 4096, eku: clientAuth, subject: name(rdn{oidC, "SE"}, rdn{oidO, "E-fakturabolaget"}, rdn{oidOU, "bank"}, rdn{oidCN, "BANK01"})}},
		{&p.Server, &p.CARCA, spec{name: "server", bits: 2048, server: true, eku: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, subject: name(rdn{oidC, "SE"}, rdn{oidO, "E-fakturabolaget"}, rdn{oidCN, "localhost"})}},
	}
	for _, st := range steps {
		var issuer *Cert
		if st.issuer != nil {
			issuer = *st.issuer
		}
		c, err := issue(st.s, issuer)
		if err != nil {
			return nil, err
		}
		*st.dst = c
	}
	return p, nil
}

var clientAuth = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}

// issue makes one key and certificate, self-signed when issuer is nil.
func issue(s spec, issuer *Cert) (*Cert, error) {
	key, err := rsa.GenerateKey(rand.Reader, s.bits)
	if err != nil {
		return nil, err
	}
	from, to := s.from, s.to
	if from.IsZero() {
		from, to = ValidFrom, ValidUntil
	}
	spki, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	ski := sha1.Sum(spki)
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	tmpl := &x509.Certificate{
		SerialNumber: serial, RawSubject: s.subject, NotBefore: from, NotAfter: to,
		SubjectKeyId: ski[:], BasicConstraintsValid: true, IsCA: s.ca, ExtKeyUsage: s.eku,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
	}
	if s.ca {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		tmpl.MaxPathLenZero = issuer != nil
	}
	if s.server {
		tmpl.DNSNames = []string{"localhost"}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	}
	parent, signer := tmpl, key
	if issuer != nil {
		parent, signer = issuer.Cert, issuer.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &Cert{Name: s.name, Cert: cert, Key: key}, nil
}
