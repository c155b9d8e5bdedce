package jws

import (
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"strings"

	"crypto/x509/pkix"
)

// attributeNames are the short names printed for distinguished-name
// attributes; others are printed as their dotted OID.
var attributeNames = map[string]string{
	"2.5.4.3":              "CN",
	"2.5.4.5":              "serialNumber",
	"2.5.4.6":              "C",
	"2.5.4.7":              "L",
	"2.5.4.8":              "ST",
	"2.5.4.10":             "O",
	"2.5.4.11":             "OU",
	"2.5.4.97":             "organizationIdentifier",
	"1.2.840.113549.1.9.1": "emailAddress",
}

// formatName prints a DER distinguished name in its own order (unlike
// pkix.Name.String, which reorders and prints 2.5.4.97 as hex).
func formatName(der []byte) string {
	var seq pkix.RDNSequence
	if rest, err := asn1.Unmarshal(der, &seq); err != nil || len(rest) != 0 {
		return "(unreadable name)"
	}
	return formatRDNs(seq)
}

func formatRDNs(seq pkix.RDNSequence) string {
	var parts []string
	for _, rdn := range seq {
		for _, atv := range rdn {
			name, ok := attributeNames[atv.Type.String()]
			if !ok {
				name = atv.Type.String()
			}
			var v string
			switch val := atv.Value.(type) {
			case string:
				v = val
			case []byte:
				v = "#" + hex.EncodeToString(val)
			default:
				v = fmt.Sprint(val)
			}
			parts = append(parts, name+"="+v)
		}
	}
	return strings.Join(parts, ", ")
}
