package cmd

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestTroubleshootingCoversPingCodes: README.md's Troubleshooting section
// says what to do for every error.code of ping, as declared by pkg/verify's
// Code* constants (a new class there fails this test until it has a row).
func TestTroubleshootingCoversPingCodes(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	start := strings.Index(readme, "\n## Troubleshooting\n")
	if start < 0 {
		t.Fatal(`README.md has no "## Troubleshooting" section`)
	}
	section := readme[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	codes := verifyCodes(t)
	if len(codes) < 10 {
		t.Fatalf("found only %d Code constants in pkg/verify: %v", len(codes), codes)
	}
	for _, code := range codes {
		if !strings.Contains(section, "| `"+code+"` |") {
			t.Errorf("README.md's Troubleshooting has no row for ping's error code %q", code)
		}
	}
	for _, code := range []string{codeNoCA, codePingFailed, codeAddressInUse} {
		if !strings.Contains(section, "`"+code+"`") {
			t.Errorf("README.md's Troubleshooting does not mention %q", code)
		}
	}
}

// verifyCodes returns the values of pkg/verify's exported Code* string
// constants, read from its source.
func verifyCodes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../pkg/verify/*.go")
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "Code") || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						codes = append(codes, v)
					}
				}
			}
		}
	}
	return codes
}
