package jws

import (
	"fmt"

	"github.com/caronboard/caronboard/configs"
)

// embeddedCerts are the JWS signing certificates printed in Freja's
// relying-party documentation, compiled into the binary from configs/certs.
var embeddedCerts = []struct {
	file, env, note string
}{
	{"certs/freja-test-jws-signing-2017.pem", EnvFrejaTest, "Freja eID test JWS signing certificate (2017)"},
	{"certs/freja-prod-jws-signing-v1.pem", EnvFrejaProd, "Freja eID production JWS signing certificate v1"},
	{"certs/freja-documentation-and-demo.pem", EnvFrejaTest,
		"test material: the example certificate of Freja's relying-party documentation"},
}

// EmbeddedTrust returns a trust store with the certificates compiled into
// the binary: Freja's test JWS certificate (2017) and the documentation's
// example certificate for freja-test, and the production JWS certificate v1
// for freja-prod, all with Source SourceEmbedded. All of them have expired;
// they verify archived results. Freja rotates its signing certificate about
// every three years, so current ones are added by the user.
func EmbeddedTrust() (*TrustStore, error) {
	s := NewTrustStore()
	if err := AddEmbedded(s); err != nil {
		return nil, err
	}
	return s, nil
}

// AddEmbedded adds the embedded certificates to an existing store, for a
// caller that builds one store from several sources.
func AddEmbedded(s *TrustStore) error {
	for _, e := range embeddedCerts {
		data, err := configs.Certs.ReadFile(e.file)
		if err != nil {
			return fmt.Errorf("embedded certificate %s: %w", e.file, err)
		}
		added, err := s.AddBytes(data, e.env, SourceEmbedded)
		if err != nil {
			return fmt.Errorf("embedded certificate %s: %w", e.file, err)
		}
		for _, c := range added {
			if c.Source == SourceEmbedded && c.Note == "" {
				c.Note = e.note
			}
		}
	}
	return nil
}
