package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/caronboard/caronboard/cmd"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"caronboard": func() { os.Exit(cmd.Main()) },
	})
}

// TestScripts runs the end-to-end scenarios in testdata/script, one per user
// story, against the real entry point. $TESTDATA is this repository's testdata
// folder; the user's config folder is a fresh one inside the work folder.
func TestScripts(t *testing.T) {
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("TESTDATA", testdata)
			env.Setenv("SHARED", filepath.Join(filepath.Dir(testdata), "..", "shared"))
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("CI", os.Getenv("CI"))
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "openssl", "keytool", "node", "python3":
				return requireTool(cond)
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mode":     cmdMode,
			"zipfiles": cmdZipFiles,
		},
	})
}

// requireTool reports whether a peer tool is on PATH; in CI its absence is
// an error, which fails the scenario that asked (CI installs every peer
// tool). It runs inside testscript's condition callback, on the scenario's
// goroutine, so it must not call the parent test's t.Fatal (that panics the
// whole run). Outside CI the scenarios say what they skip ([!openssl] skip
// '…'), and scripts/test.sh's summary names every peer tool missing.
func requireTool(name string) (bool, error) {
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			return false, fmt.Errorf("%s is not installed, and CI must run the interop tests", name)
		}
		return false, nil
	}
	return true, nil
}

// cmdMode asserts a file's permission bits: mode FILE 0600.
func cmdMode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: mode FILE OCTAL")
	}
	want, err := strconv.ParseUint(args[1], 8, 32)
	if err != nil {
		ts.Fatalf("bad mode %q", args[1])
	}
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	got := uint64(fi.Mode().Perm())
	if (got == want) == neg {
		ts.Fatalf("%s has mode %04o, want %s%04o", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// cmdZipFiles writes a ZIP with entries named as given, for hostile-bundle
// scenarios: zipfiles OUT.zip NAME=SRCFILE... ; SRCFILE "zeros:N" is N zero bytes.
func cmdZipFiles(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: zipfiles OUT.zip NAME=SRCFILE...")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, arg := range args[1:] {
		name, src, ok := strings.Cut(arg, "=")
		if !ok {
			ts.Fatalf("bad entry %q: want NAME=SRCFILE", arg)
		}
		var data []byte
		if n, isZeros := strings.CutPrefix(src, "zeros:"); isZeros {
			size, err := strconv.Atoi(n)
			ts.Check(err)
			data = make([]byte, size)
		} else {
			data = []byte(ts.ReadFile(src))
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		ts.Check(err)
		_, err = w.Write(data)
		ts.Check(err)
	}
	ts.Check(zw.Close())
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), buf.Bytes(), 0o644))
}
