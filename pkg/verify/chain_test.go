package verify

import (
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/caronboard/caronboard/internal/testpki"
)

func TestBuildChain(t *testing.T) {
	p := loadPKI(t)
	leaf, issuing, root := p.RP.Cert, p.FrejaIssuing.Cert, p.FrejaRoot.Cert
	full := []*x509.Certificate{leaf, issuing, root}
	tests := []struct {
		name          string
		leaf          *x509.Certificate
		others, roots []*x509.Certificate
		at            time.Time
		want          []*x509.Certificate
	}{
		{"ordered", leaf, []*x509.Certificate{issuing}, []*x509.Certificate{root}, testpki.At, full},
		{"shuffled with duplicates", leaf, shuffled(7, root, issuing, leaf, issuing, root, p.CARCA.Cert, p.Server.Cert), []*x509.Certificate{root, root}, testpki.At, full},
		{"root only among others", leaf, shuffled(3, root, issuing, issuing, leaf), nil, testpki.At, full},
		{"issuing CA as anchor stops there", leaf, nil, []*x509.Certificate{issuing}, testpki.At, full[:2]},
		{"issuing CA as anchor, root given too", leaf, []*x509.Certificate{root}, []*x509.Certificate{issuing}, testpki.At, full},
		{"both as anchors", leaf, nil, []*x509.Certificate{root, issuing}, testpki.At, full},
		{"expired leaf", p.RPExpired.Cert, []*x509.Certificate{issuing}, []*x509.Certificate{root}, testpki.At, []*x509.Certificate{p.RPExpired.Cert, issuing, root}},
		{"car", p.CARBank.Cert, []*x509.Certificate{p.CARCA.Cert, issuing}, nil, testpki.At, []*x509.Certificate{p.CARBank.Cert, p.CARCA.Cert}},
		{"self-signed leaf trusted", root, []*x509.Certificate{issuing}, []*x509.Certificate{root}, testpki.At, full[2:]},
		{"self-signed leaf, no CA", p.CARCA.Cert, nil, nil, testpki.At, []*x509.Certificate{p.CARCA.Cert}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BuildChain(tt.leaf, tt.others, tt.roots, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("chain %s, want %s", shortNames(got, " → "), shortNames(tt.want, " → "))
			}
			for i := range got {
				if !got[i].Equal(tt.want[i]) {
					t.Fatalf("chain %s, want %s", shortNames(got, " → "), shortNames(tt.want, " → "))
				}
			}
		})
	}
}

func TestBuildChainErrors(t *testing.T) {
	p := loadPKI(t)
	leaf, issuing, root := p.RP.Cert, p.FrejaIssuing.Cert, p.FrejaRoot.Cert
	// Another CA with the issuing CA's name but another key.
	impostor := issueCert(t, &x509.Certificate{IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign},
		issuing.RawSubject, p.CARBank.Key.Public(), p.FrejaRoot)
	// The issuing CA's key in a certificate that expired.
	expiredCA := issueCert(t, &x509.Certificate{IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
		NotBefore: testpki.ExpiredFrom, NotAfter: testpki.ExpiredUntil}, issuing.RawSubject, p.FrejaIssuing.Key.Public(), p.FrejaRoot)
	// A certificate with the issuing CA's name and key that is no CA.
	notCA := issueCert(t, &x509.Certificate{BasicConstraintsValid: true}, issuing.RawSubject, p.FrejaIssuing.Key.Public(), p.FrejaRoot)

	tests := []struct {
		name          string
		leaf          *x509.Certificate
		others, roots []*x509.Certificate
		reason        []string
		hint          string
		missing       string
		cert          *x509.Certificate
	}{
		{"missing issuing CA", leaf, []*x509.Certificate{root}, []*x509.Certificate{root},
			[]string{"no certificate for the issuer CN=Test Freja Issuing CA of the leaf"}, "add the issuing CA's .cer", "CN=Test Freja Issuing CA", leaf},
		{"missing root, no anchors", leaf, []*x509.Certificate{issuing}, nil,
			[]string{"no certificate for the issuer CN=Test Freja Root CA of CN=Test Freja Issuing CA"}, "usually the root CA", "CN=Test Freja Root CA", issuing},
		{"nothing given", leaf, nil, nil, []string{"CN=Test Freja Issuing CA of the leaf"}, ".cer", "Test Freja Issuing CA", leaf},
		{"wrong root", leaf, []*x509.Certificate{issuing, root}, []*x509.Certificate{p.CARCA.Cert},
			[]string{"ends at CN=Test Freja Root CA", "not the CA given (--ca CN=Test CAR CA)"}, "--ca", "", root},
		{"wrong root, intermediates only", leaf, []*x509.Certificate{issuing}, []*x509.Certificate{p.CARCA.Cert},
			[]string{"no certificate for the issuer CN=Test Freja Root CA"}, "root CA", "Test Freja Root CA", issuing},
		{"car leaf, freja CAs", p.CARBank.Cert, []*x509.Certificate{issuing}, []*x509.Certificate{root},
			[]string{"CN=Test CAR CA of the leaf"}, ".cer", "CN=Test CAR CA", p.CARBank.Cert},
		{"same name, other key", leaf, []*x509.Certificate{impostor}, []*x509.Certificate{root},
			[]string{"CN=Test Freja Issuing CA has the name of the issuer of CN=Document signing service but did not sign it"}, "same name", "", leaf},
		{"expired CA", leaf, []*x509.Certificate{expiredCA}, []*x509.Certificate{root},
			[]string{"the CA CN=Test Freja Issuing CA expired on 2021-01-01"}, "current certificate", "", expiredCA},
		{"CA not yet valid", leaf, []*x509.Certificate{issuing}, []*x509.Certificate{root},
			[]string{"is not valid until 2024-01-01"}, "--at", "", nil},
		{"issuer is not a CA", leaf, []*x509.Certificate{notCA}, []*x509.Certificate{root},
			[]string{"is not a CA certificate"}, "issuing CA's certificate", "", leaf},
		{"self-signed leaf not trusted", p.CARCA.Cert, nil, []*x509.Certificate{root},
			[]string{"ends at CN=Test CAR CA"}, "--ca", "", p.CARCA.Cert},
		{"no leaf", nil, nil, nil, []string{"no certificate"}, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := testpki.At
			if tt.name == "CA not yet valid" {
				at = testpki.ExpiredFrom
			}
			chain, err := BuildChain(tt.leaf, tt.others, tt.roots, at)
			if err == nil {
				t.Fatalf("chain %s, want an error", shortNames(chain, " → "))
			}
			var ce *ChainError
			if !errors.Is(err, ErrChain) || !errors.As(err, &ce) {
				t.Fatalf("error %T %v is not a *ChainError wrapping ErrChain", err, err)
			}
			for _, r := range tt.reason {
				if !strings.Contains(ce.Reason, r) {
					t.Errorf("reason %q does not contain %q", ce.Reason, r)
				}
			}
			if !strings.Contains(ce.Hint(), tt.hint) {
				t.Errorf("hint %q does not contain %q", ce.Hint(), tt.hint)
			}
			if !strings.Contains(ce.Missing, tt.missing) || (tt.missing == "" && ce.Missing != "") {
				t.Errorf("missing %q, want %q", ce.Missing, tt.missing)
			}
			if tt.cert != nil && (ce.Cert == nil || !ce.Cert.Equal(tt.cert)) {
				t.Errorf("error is about %v, want %s", ce.Cert, shortName(tt.cert))
			}
		})
	}
}
