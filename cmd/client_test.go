package cmd

import (
	"context"
	"strings"
	"testing"

	"github.com/caronboard/caronboard/pkg/verify"
)

// TestPingPointsToClient: ping's success output names the next step.
func TestPingPointsToClient(t *testing.T) {
	a, out, _ := testApp(nil)
	printProbe(a, &verify.ProbeResult{Target: "stage", Addr: "stage.e-faktura.com:443"})
	if !strings.Contains(out.String(), "caronboard client java|python|node|go|curl|openssl --env stage --out DIR") {
		t.Fatalf("ping's success output does not mention caronboard client:\n%s", out)
	}
}

func TestClientFlagValidation(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string // "" means accepted
	}{
		{"p12", []string{"client", "java", "--env", "sandbox", "--out", "d", "--p12", "c.p12"}, ""},
		{"cert and key", []string{"client", "go", "--env", "sandbox", "--out", "d", "--cert", "c", "--key", "k"}, ""},
		{"no env", []string{"client", "node", "--out", "d"}, "--env is required"},
		{"no out", []string{"client", "node", "--env", "sandbox"}, "--out is required"},
		{"both forms", []string{"client", "curl", "--env", "sandbox", "--out", "d", "--p12", "a", "--cert", "c", "--key", "k"}, "cannot be combined"},
		{"cert without key", []string{"client", "openssl", "--env", "sandbox", "--out", "d", "--cert", "c"}, "go together"},
		{"unknown runtime", []string{"client", "rust", "--env", "sandbox"}, `unknown runtime "rust"`},
		{"no runtime", []string{"client"}, "give the runtime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _, errOut := testApp(nil)
			var got *ClientOptions
			root := NewRootCmd(a)
			for _, c := range root.Commands() {
				if c.Name() == "client" {
					root.RemoveCommand(c)
				}
			}
			root.AddCommand(NewClientCmd(a, func(o *ClientOptions) error { got = o; return nil }))
			root.SetArgs(tt.args)
			root.SetContext(context.Background())
			err := root.Execute()
			if tt.wantErr == "" {
				if err != nil || got == nil {
					t.Fatalf("want accepted, got %v %s", err, errOut)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("want %q, got %v", tt.wantErr, err)
			}
			if e := classify(err); e.Exit() != exitUsage {
				t.Fatalf("exit %d, want usage", e.Exit())
			}
		})
	}
}
