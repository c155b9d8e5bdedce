package cmd

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestJWSCodesREADME: every error code pkg/jws can give the CLI's
// error.code (verify, decode, trust add) is named in README.md's jws section,
// which says it lists them. invalid_options is a Go caller's mistake
// (LiveOptions), never a CLI outcome.
func TestJWSCodesREADME(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "../pkg/jws/errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "\n## caronboard jws")
	if start < 0 {
		t.Fatal("README.md has no jws section")
	}
	section := text[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || !strings.HasPrefix(vs.Names[0].Name, "Code") || len(vs.Values) != 1 {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok {
			return true
		}
		c, _ := strconv.Unquote(lit.Value)
		if c != "invalid_options" && !strings.Contains(section, "`"+c+"`") {
			t.Errorf("README.md's jws section does not name the error code %s", c)
		}
		return true
	})
}
