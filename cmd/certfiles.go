package cmd

import (
	"crypto/x509"

	"github.com/caronboard/caronboard/pkg/keystore"
)

// readCertFiles reads every certificate of several files.
func readCertFiles(paths []string) ([]*x509.Certificate, error) {
	var all []*x509.Certificate
	for _, p := range paths {
		certs, err := keystore.ReadCertificates(p)
		if err != nil {
			return nil, err
		}
		all = append(all, certs...)
	}
	return all, nil
}
