package verify

import (
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
)

// shortName names a certificate's subject in messages: "CN=…" when it has a
// common name, the whole subject otherwise.
func shortName(c *x509.Certificate) string { return shortRawName(c.RawSubject) }

// shortRawName is shortName for a DER Name.
func shortRawName(raw []byte) string {
	if s, err := csr.ParseName(raw); err == nil {
		if cn, ok := s.Get("CN"); ok && cn != "" {
			return csr.Subject{{Type: csr.OIDCommonName, Name: "CN", Value: cn}}.String()
		}
	}
	return csr.FormatName(raw)
}

// subjects returns the full subjects of the certificates, in order.
func subjects(certs []*x509.Certificate) []string {
	out := make([]string, len(certs))
	for i, c := range certs {
		out[i] = csr.FormatName(c.RawSubject)
	}
	return out
}

// shortNames joins the short names of the certificates with sep.
func shortNames(certs []*x509.Certificate, sep string) string {
	names := make([]string, len(certs))
	for i, c := range certs {
		names[i] = shortName(c)
	}
	return strings.Join(names, sep)
}

// date prints a time in messages, always in UTC.
func date(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// days prints a duration as whole days, rounded down: "1 day", "12 days",
// "less than a day".
func days(d time.Duration) string {
	n := int(d / (24 * time.Hour))
	switch n {
	case 0:
		return "less than a day"
	case 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// ekuNames are the usual names (as OpenSSL's configuration spells them) of
// the extended key usages Go knows.
var ekuNames = map[x509.ExtKeyUsage]string{
	x509.ExtKeyUsageAny:                            "anyExtendedKeyUsage",
	x509.ExtKeyUsageServerAuth:                     "serverAuth",
	x509.ExtKeyUsageClientAuth:                     "clientAuth",
	x509.ExtKeyUsageCodeSigning:                    "codeSigning",
	x509.ExtKeyUsageEmailProtection:                "emailProtection",
	x509.ExtKeyUsageIPSECEndSystem:                 "ipsecEndSystem",
	x509.ExtKeyUsageIPSECTunnel:                    "ipsecTunnel",
	x509.ExtKeyUsageIPSECUser:                      "ipsecUser",
	x509.ExtKeyUsageTimeStamping:                   "timeStamping",
	x509.ExtKeyUsageOCSPSigning:                    "OCSPSigning",
	x509.ExtKeyUsageMicrosoftServerGatedCrypto:     "msSGC",
	x509.ExtKeyUsageNetscapeServerGatedCrypto:      "nsSGC",
	x509.ExtKeyUsageMicrosoftCommercialCodeSigning: "msCodeCom",
	x509.ExtKeyUsageMicrosoftKernelCodeSigning:     "msKernelCodeSigning",
}

// ekuList names a certificate's extended key usages, known and unknown.
func ekuList(c *x509.Certificate) string {
	var names []string
	for _, u := range c.ExtKeyUsage {
		if n, ok := ekuNames[u]; ok {
			names = append(names, n)
		} else {
			names = append(names, fmt.Sprintf("usage %d", u))
		}
	}
	for _, oid := range c.UnknownExtKeyUsage {
		names = append(names, oid.String())
	}
	return strings.Join(names, ", ")
}
