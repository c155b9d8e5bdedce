package cmd

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// stableCodes is the contract: every JSON error.code the command layer
// reports. Removing or renaming one breaks scripts; adding one is a new line
// in errcodes.go, here and in README.md's table.
var stableCodes = []string{
	"usage", "bad_config", "config_invalid", "bad_proxy", "proxy_credentials_in_url", "failed", "interrupted", "exists", "wrong_passphrase", "key_encrypted", "passphrase_required", "passphrase_file", "empty_passphrase", "passphrase_mismatch", "invalid_passphrase", "input_ended", "no_terminal", "unsupported_key", "key_size", "no_private_key", "multiple_keys", "malformed_key", "unsupported_format", "key_mismatch", "key_missing", "key_policy", "file_too_large", "not_a_file", "file_not_found", "permission_denied", "bad_path", "disk_full", "read_only", "dir", "bad_state", "demo_failed", "invalid_subject", "unknown_profile", "malformed_csr", "bad_signature", "csr_rejected", "not_a_certificate", "malformed_certificate", "cert_rejected", "chain", "no_leaf", "not_a_ca", "no_ca", "unencrypted_key", "unusable_value", "bad_out_dir", "no_certificate", "file_altered", "malformed_pkcs12", "no_such_alias", "invalid_alias", "malformed_bundle", "unsafe_bundle", "trust_store", "no_config_dir", "batch_failed", "ping_failed", "nothing_to_probe", "freja_rp_rejected", "no_sandbox", "sandbox_damaged", "sandbox_expired", "not_loopback", "address_in_use", "expiring", "expired", "unreadable",
}

// declaredCodes parses errcodes.go and returns its code constants' values.
func declaredCodes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "errcodes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && strings.HasPrefix(vs.Names[0].Name, "code") {
			v, _ := strconv.Unquote(vs.Values[0].(*ast.BasicLit).Value)
			codes = append(codes, v)
		}
		return true
	})
	return codes
}

func TestErrorCodes(t *testing.T) {
	t.Parallel()
	declared := declaredCodes(t)
	if got, want := strings.Join(slices.Sorted(slices.Values(declared)), " "), strings.Join(slices.Sorted(slices.Values(stableCodes)), " "); got != want {
		t.Errorf("errcodes.go declares\n%s\nwant (the stable list)\n%s", got, want)
	}
	seen := map[string]bool{}
	for _, c := range declared {
		if seen[c] || !regexp.MustCompile(`^[a-z][a-z0-9_]*$`).MatchString(c) {
			t.Errorf("code %q is repeated or not snake_case", c)
		}
		seen[c] = true
	}
	for _, c := range []string{codeUsage, codeBadConfig, codeConfigInvalid, codeNoTerminal, codeBadProxy, codeProxyCredsInURL} {
		if exitFor(c) != exitUsage {
			t.Errorf("%s exits %d, want 2", c, exitFor(c))
		}
	}
	if exitFor(codeWrongPassphrase) != exitFailed || (&Error{Code: codeExists}).Exit() != exitFailed {
		t.Error("a failure must exit 1")
	}
}

// Codes are named constants: no file of cmd/ spells one as a literal.
func TestErrorCodesNoLiterals(t *testing.T) {
	t.Parallel()
	lit := regexp.MustCompile(`(Code:\s*|Code == |failErr\(|\{[\w.]+, |\bcode :?= )"[a-z0-9_]+"`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "errcodes.go" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAll(data, -1) {
			t.Errorf("%s: %s: use a constant of errcodes.go", f, m)
		}
	}
}

// README.md's "Error codes" table lists exactly the declared codes.
func TestErrorCodesREADME(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "### Error codes")
	if start < 0 {
		t.Fatal("README.md has no \"### Error codes\" section")
	}
	section := text[start:]
	if end := strings.Index(section[4:], "\n#"); end >= 0 {
		section = section[:end+4]
	}
	var listed []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z0-9_]+)` \\|").FindAllStringSubmatch(section, -1) {
		listed = append(listed, m[1])
	}
	declared := declaredCodes(t)
	for _, c := range declared {
		if !slices.Contains(listed, c) {
			t.Errorf("README.md's table lacks %s", c)
		}
	}
	for _, c := range listed {
		if !slices.Contains(declared, c) {
			t.Errorf("README.md lists %s, which errcodes.go does not declare", c)
		}
	}
}
