package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("CI", os.Getenv("CI"))
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "openssl" {
				return requireTool(t, "openssl"), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mode": cmdMode,
		},
	})
}

// requireTool reports whether a peer tool is on PATH; in CI its absence fails
// the test, since CI installs every peer tool.
func requireTool(t *testing.T, name string) bool {
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed, and CI must run the interop tests", name)
		}
		t.Logf("%s not found: skipping the scenarios that need it", name)
		return false
	}
	return true
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
