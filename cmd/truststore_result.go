package cmd

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
)

// trustExpiryWarning is how long before a trust anchor's expiry truststore
// warns.
const trustExpiryWarning = 90 * 24 * time.Hour

// truststoreResult is what `caronboard truststore` reports.
type truststoreResult struct {
	File         string          `json:"file"`
	Format       string          `json:"format"`
	Env          string          `json:"env"`
	Source       string          `json:"source"`
	Encryption   string          `json:"encryption,omitempty"`
	Certificates []trustCert     `json:"certificates"`
	Settings     []clientSetting `json:"client_settings"`
}

// trustCert describes one exported trust anchor.
type trustCert struct {
	Alias      string    `json:"alias"`
	Subject    string    `json:"subject"`
	Issuer     string    `json:"issuer"`
	SelfSigned bool      `json:"self_signed"`
	SHA256     string    `json:"sha256_fingerprint"`
	NotBefore  time.Time `json:"not_before"`
	NotAfter   time.Time `json:"not_after"`
	// DaysLeft is the number of whole days until NotAfter (negative once
	// expired).
	DaysLeft int `json:"days_left"`
	// State is "valid", "expires_soon" (within 90 days), "expired" or
	// "not_yet_valid".
	State string `json:"state"`
}

// clientSetting says how one kind of client loads the file.
type clientSetting struct {
	Client  string `json:"client"`
	Setting string `json:"setting"`
}

func describeTrustCert(c *x509.Certificate, alias string, now time.Time) trustCert {
	sum := sha256.Sum256(c.Raw)
	hexes := make([]string, len(sum))
	for i, b := range sum {
		hexes[i] = fmt.Sprintf("%02X", b)
	}
	left := c.NotAfter.Sub(now)
	tc := trustCert{Alias: alias, Subject: csr.FormatName(c.RawSubject), Issuer: csr.FormatName(c.RawIssuer),
		SelfSigned: bytes.Equal(c.RawSubject, c.RawIssuer), SHA256: strings.Join(hexes, ":"),
		NotBefore: c.NotBefore.UTC(), NotAfter: c.NotAfter.UTC(), DaysLeft: int(left / (24 * time.Hour)), State: "valid"}
	switch {
	case now.After(c.NotAfter):
		tc.State = "expired"
	case now.Before(c.NotBefore):
		tc.State = "not_yet_valid"
	case left < trustExpiryWarning:
		tc.State = "expires_soon"
	}
	return tc
}

// expiryWarning says what a trust anchor's validity means for clients.
func expiryWarning(tc trustCert) string {
	date := tc.NotAfter.Format("2006-01-02")
	switch tc.State {
	case "expired":
		return fmt.Sprintf("%s expired on %s: clients that check the validity of trust anchors (OpenSSL, curl, Python) will refuse the server; ask the CA for its current root", tc.Subject, date)
	case "not_yet_valid":
		return fmt.Sprintf("%s is not valid until %s: clients will refuse the server until then; check the computer's clock", tc.Subject, tc.NotBefore.Format("2006-01-02"))
	case "expires_soon":
		return fmt.Sprintf("%s expires on %s, in %d days: ask the CA for its next root now and add it to the trust store before then", tc.Subject, date, tc.DaysLeft)
	}
	return ""
}

// pemBundle writes the certificates as PEM, each under comment lines naming
// it (OpenSSL, Go, Node.js and Python skip text outside the PEM blocks).
func pemBundle(certs []*x509.Certificate, described []trustCert) []byte {
	var b bytes.Buffer
	for i, c := range certs {
		d := described[i]
		fmt.Fprintf(&b, "# %s\n# subject: %s\n# issuer:  %s\n# valid:   %s to %s\n# SHA-256: %s\n",
			d.Alias, d.Subject, d.Issuer, d.NotBefore.Format(time.RFC3339), d.NotAfter.Format(time.RFC3339), d.SHA256)
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

// clientSettings returns how common clients load the file just written.
func clientSettings(opts *TruststoreOptions, e *Environment) []clientSetting {
	f, host := shellWord(opts.Out), e.Addr()
	if opts.Format == trustFormatPKCS12 {
		java := "-Djavax.net.ssl.trustStore=" + f + " -Djavax.net.ssl.trustStoreType=PKCS12"
		if opts.NoPassphrase {
			java += " (no trustStorePassword: the store has none)"
		} else {
			java += " and the javax.net.ssl.trustStorePassword property from a java @argfile (mode 0600), not the command line; without it Java loads the store empty"
		}
		return []clientSetting{
			{"Java", java},
			{"keytool", "keytool -list -storetype PKCS12 -keystore " + f},
			{"OpenSSL", "openssl pkcs12 -in " + f + " -nokeys (prints the certificates as PEM, for clients that want PEM)"},
		}
	}
	return []clientSetting{
		{"curl", "curl --cacert " + f + " " + shellWord("https://"+strings.TrimSuffix(host, ":443")+"/")},
		{"Node.js", "new https.Agent({ca: fs.readFileSync(" + strconv.Quote(opts.Out) + "), …}) or tls.connect({ca: …})"},
		{"Go", "pool := x509.NewCertPool(); pool.AppendCertsFromPEM(data); tls.Config{RootCAs: pool}"},
		{"Python", "ssl.create_default_context(cafile=" + strconv.Quote(opts.Out) + ")"},
		{"OpenSSL", "openssl s_client -CAfile " + f + " -connect " + shellWord(host)},
		{"Java", "needs a trust store: caronboard " + shellWords([]string{"truststore", "--env", e.Name, "--format", "pkcs12", "--out", "truststore.p12"})},
	}
}

func (r *truststoreResult) print(a *App) {
	what := "PEM bundle"
	if r.Format == trustFormatPKCS12 {
		what = "PKCS#12 trust store"
	}
	a.Infof("Wrote %s (%s, %d CA certificate(s) for %s, mode 0644)\n", r.File, what, len(r.Certificates), r.Env)
	a.Infof("Source:      %s\n", r.Source)
	if r.Encryption != "" {
		a.Infof("Encryption:  %s\n", r.Encryption)
	}
	for _, c := range r.Certificates {
		state := ""
		switch c.State {
		case "expired":
			state = " — EXPIRED"
		case "expires_soon":
			state = fmt.Sprintf(" — expires in %d days", c.DaysLeft)
		case "not_yet_valid":
			state = " — NOT YET VALID"
		}
		a.Infof("\n  %s\n    subject:  %s\n    valid to: %s%s\n    SHA-256:  %s\n", c.Alias, c.Subject, c.NotAfter.Format("2006-01-02"), state, c.SHA256)
	}
	a.Infof("\nUse it:\n")
	for _, s := range r.Settings {
		a.Infof("  %-8s %s\n", s.Client, s.Setting)
	}
}
