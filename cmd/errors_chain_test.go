package cmd

import (
	"fmt"
	"strings"
	"testing"

	"github.com/caronboard/caronboard/pkg/verify"
)

// A missing CA certificate's hint names the flag that supplies it: pkg/verify
// says what to add, the command layer says how.
func TestChainHintNamesCAFlag(t *testing.T) {
	missing := &verify.ChainError{Reason: "no certificate for the issuer CN=X of the leaf", Fix: "add the issuing CA's .cer (CN=X)", Missing: "CN=X"}
	other := &verify.ChainError{Reason: "no certificate to build a chain for", Fix: "give the certificate the CA issued"}
	for _, tt := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("pkcs12: %w", missing), "add the issuing CA's .cer (CN=X) with --ca FILE"},
		{other, "give the certificate the CA issued"},
	} {
		if got := classify(tt.err).Hint; got != tt.want {
			t.Errorf("hint %q, want %q", got, tt.want)
		}
		if strings.Count(classify(tt.err).Hint, "--ca") > 1 {
			t.Errorf("--ca named twice")
		}
	}
}
