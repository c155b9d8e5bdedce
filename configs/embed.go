// Package configs holds the data caronboard embeds: the environment
// definitions (environments.yaml) and the certificates printed in the CAR and
// Freja source documents (server roots and Freja's JWS signing certificates).
package configs

import "embed"

// Certs holds certs/*.pem: the Freja test and production server roots, the
// Freja JWS signing certificates (test 2017, production v1) and the
// "Documentation and Demo" certificate of the Freja document's example.
//
//go:embed certs/*.pem
var Certs embed.FS

// EnvironmentsYAML is environments.yaml: api, stage, ci, freja-test,
// freja-prod and sandbox, with host, port, server trust and probe request.
//
//go:embed environments.yaml
var EnvironmentsYAML []byte
