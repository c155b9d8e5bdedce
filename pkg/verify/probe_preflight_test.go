package verify

import (
	"crypto/tls"
	"crypto/x509"
	"slices"
	"strings"
	"testing"

	"github.com/caronboard/caronboard/internal/testpki"
)

func TestPreflightClient(t *testing.T) {
	p := loadPKI(t)
	car := []*x509.Certificate{p.CARCA.Cert}
	freja := []*x509.Certificate{p.FrejaRoot.Cert}
	ids := []string{CheckKeyMatch, CheckChain, CheckValidity, CheckClientAuth}
	tests := []struct {
		name  string
		cert  *tls.Certificate
		roots []*x509.Certificate
		want  map[string]Status
		msg   string
	}{
		{"good", clientCert(p.CARBank), car, map[string]Status{CheckKeyMatch: Pass, CheckChain: Pass, CheckValidity: Pass, CheckClientAuth: Pass}, ""},
		{"good with chain", clientCert(p.RP, p.FrejaIssuing), freja, map[string]Status{CheckChain: Pass}, "CN=Test Freja Root CA"},
		{"no CA given", clientCert(p.CARBank), nil, map[string]Status{CheckChain: Skip}, ""},
		{"another CA: only a warning", clientCert(p.RP, p.FrejaIssuing), car, map[string]Status{CheckChain: Warn}, "does not chain to the environment's client CA (CN=Test CAR CA)"},
		{"expired", clientCert(p.RPExpired, p.FrejaIssuing), freja, map[string]Status{CheckValidity: Fail, CheckChain: Pass}, "expired on 2021-01-01"},
		{"no clientAuth", clientCert(p.RPNoClientAuth, p.FrejaIssuing), freja, map[string]Status{CheckClientAuth: Fail}, "emailProtection"},
		{"key of another certificate", &tls.Certificate{Certificate: [][]byte{p.RP.Cert.Raw}, PrivateKey: p.CARBank.Key}, nil,
			map[string]Status{CheckKeyMatch: Fail}, "the key does not belong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checks := PreflightClient(tt.cert, tt.roots, testpki.At)
			var got []string
			var msgs []string
			for _, c := range checks {
				got = append(got, c.ID)
				msgs = append(msgs, c.Message)
				if want, ok := tt.want[c.ID]; ok && c.Status != want {
					t.Errorf("%s: %s %q, want %s", c.ID, c.Status, c.Message, want)
				}
				if c.Status != Pass && c.Hint == "" {
					t.Errorf("%s: %s without a hint", c.ID, c.Status)
				}
			}
			if !slices.Equal(got, ids) {
				t.Errorf("checks %v, want %v", got, ids)
			}
			if all := strings.Join(msgs, " | "); !strings.Contains(all, tt.msg) {
				t.Errorf("messages %q lack %q", all, tt.msg)
			}
		})
	}
	for _, c := range []*tls.Certificate{nil, {}} {
		checks := PreflightClient(c, car, testpki.At)
		if len(checks) != 1 || checks[0].ID != CheckClientCertificate || checks[0].Status != Skip {
			t.Errorf("no certificate: %+v", checks)
		}
	}
	bad := PreflightClient(&tls.Certificate{Certificate: [][]byte{[]byte("junk")}}, car, testpki.At)
	if len(bad) != 1 || bad[0].Status != Fail {
		t.Errorf("junk certificate: %+v", bad)
	}
}

// TestProbeWarnsBeforeConnecting: an expired certificate is still sent,
// and the warning is there whatever the server does with it.
func TestProbeWarnsBeforeConnecting(t *testing.T) {
	p := loadPKI(t)
	addr := server{noClientAuth: true}.start(t)
	tg := target(addr, p.CARCA.Cert)
	tg.ClientCAs = []*x509.Certificate{p.CARCA.Cert}
	r := Probe(t.Context(), tg, opts(clientCert(p.RPExpired, p.FrejaIssuing)))
	wantResult(t, r, "", "", "")
	all := strings.Join(r.Warnings, " | ")
	for _, s := range []string{"expired on 2021-01-01", "does not chain to the environment's client CA"} {
		if !strings.Contains(all, s) {
			t.Errorf("warnings %q lack %q", all, s)
		}
	}
	if len(r.Preflight) != 4 {
		t.Errorf("preflight %+v", r.Preflight)
	}
}
