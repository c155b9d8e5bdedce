package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/caronboard/caronboard/pkg/jws"
)

// printJSONBlock prints raw JSON indented under a label, or the raw text
// when it is not JSON.
func printJSONBlock(a *App, label string, raw []byte) {
	a.Infof("%s\n", label)
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "  ", "  "); err != nil {
		buf.Reset()
		buf.Write(raw)
	}
	a.Infof("  %s\n", termSafe(buf.String(), true))
}

// explainRow prints one "label: value" line of an explanation at a depth.
func explainRow(a *App, depth int, label, value string) {
	if value == "" {
		return
	}
	pad := strings.Repeat("  ", depth)
	a.Infof("%s%-*s %s\n", pad, 25-len(pad), termSafe(label, false)+":", termSafe(value, false))
}

// printExplanation prints a Freja payload in words, one fact a line.
func printExplanation(a *App, e *jws.Explanation) {
	if e.Kind != "" {
		explainRow(a, 1, "Result", fmt.Sprintf("%s (%s %s)", e.Kind, e.RefName, e.Ref))
	}
	explainRow(a, 1, "Status", e.Status)
	if e.UserInfoType != "" || len(e.UserInfo) > 0 {
		explainRow(a, 1, "User info", strings.TrimSpace(e.UserInfoType+" "+jsonText(e.UserInfo)))
	}
	if e.SSN != nil {
		explainRow(a, 2, "SSN (decoded)", fmt.Sprintf("%s, country %s", e.SSN.SSN, e.SSN.Country))
	}
	if len(e.RequestedAttributes) > 0 {
		printRequestedAttributes(a, e.RequestedAttributes)
	}
	if e.Time != nil {
		explainRow(a, 1, "Timestamp", fmt.Sprintf("%s (%d ms)", e.Time.UTC().Format(time.RFC3339Nano), *e.Timestamp))
	}
	explainRow(a, 1, "Min registration level", e.MinRegistrationLevel)
	explainRow(a, 1, "Signature type", e.SignatureType)
	if u := e.UserSignature; u != nil {
		explainRow(a, 1, "User's signature", u.Note)
		explainRow(a, 2, "kid", u.Kid)
		explainRow(a, 2, "alg", u.Alg)
		explainRow(a, 2, "signed text", clipText(u.Text, 500))
		explainRow(a, 2, "binary data", clipText(u.BinaryData, 500))
		explainRow(a, 2, "binary data (base64)", clipText(u.BinaryDataBase64, 200))
		for _, p := range u.Problems {
			explainRow(a, 2, "problem", p)
		}
	}
	if s := e.CertificateStatus; s != nil {
		explainRow(a, 1, "Certificate status", s.Note)
		explainRow(a, 2, "responder", s.Responder)
		explainRow(a, 2, "responder cert", s.ResponderCertificate)
		explainRow(a, 2, "produced at", jwsStamp(s.ProducedAt))
		explainRow(a, 2, "user cert serial", s.SerialNumber)
		explainRow(a, 2, "status", s.Status)
		if s.RevokedAt != nil {
			explainRow(a, 2, "revoked at", fmt.Sprintf("%s (reason %d)", jwsStamp(*s.RevokedAt), s.RevocationReason))
		}
	}
	for _, k := range jwsSortedKeys(e.Other) {
		explainRow(a, 1, k, clipText(jsonText(e.Other[k]), 200))
	}
	for _, p := range e.Problems {
		explainRow(a, 1, "Problem", p)
	}
}

// printRequestedAttributes prints each requested attribute on its own line.
func printRequestedAttributes(a *App, raw json.RawMessage) {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		explainRow(a, 1, "Requested attributes", jsonText(raw))
		return
	}
	a.Infof("  Requested attributes:\n")
	for _, k := range jwsSortedKeys(m) {
		explainRow(a, 2, k, clipText(jsonText(m[k]), 200))
	}
}

// jsonText shows a JSON string without quotes and anything else compacted.
func jsonText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return oneLine(s)
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return oneLine(string(raw))
	}
	return buf.String()
}

// clipText shortens s to at most n characters.
func clipText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// ignoredForTrustText notes header members that name keys, which play no
// part in trust.
func ignoredForTrustText(names []string) string {
	return strings.Join(names, ", ") + " in the header: ignored, the token never supplies its own key or certificate"
}
