// Command testreport reads `go test -json` on stdin and prints what a person
// needs from it: the package lines (ok / FAIL / no test files), the whole
// output of every failing test, and one line per skipped test with its
// reason. Skips are also appended to the file given with -skips, so that
// scripts/test.sh can count and name them in its closing summary instead of
// letting them pass silently. The exit status is go test's business
// (scripts/test.sh runs with pipefail); testreport fails only on bad input.
//
//	go test -json ./... | go run ./internal/testreport -skips FILE
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Output     string
}

func main() {
	skipsFile := flag.String("skips", "", "append one line per skipped test (PACKAGE TEST: REASON) to this file")
	flag.Parse()
	var skips io.Writer = io.Discard
	if *skipsFile != "" {
		f, err := os.OpenFile(*skipsFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			fmt.Fprintln(os.Stderr, "testreport:", err)
			os.Exit(1)
		}
		defer f.Close()
		skips = f
	}
	if err := report(os.Stdin, os.Stdout, skips); err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(1)
	}
}

// report turns the event stream in into the summary on out and the skip
// lines on skips.
func report(in io.Reader, out, skips io.Writer) error {
	buffered := map[string]*strings.Builder{} // output of each running test
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			fmt.Fprintf(out, "%s\n", line) // not an event (go vet or build output): pass it on
			continue
		}
		key := e.Package + " " + e.Test
		switch {
		case e.Action == "build-output":
			fmt.Fprint(out, e.Output)
		case e.Test == "" && e.Action == "output":
			if e.Output != "PASS\n" && !strings.HasPrefix(e.Output, "=== ") {
				fmt.Fprint(out, e.Output)
			}
		case e.Test == "":
		case e.Action == "output":
			b := buffered[key]
			if b == nil {
				b = &strings.Builder{}
				buffered[key] = b
			}
			b.WriteString(e.Output)
		case e.Action == "fail":
			if b := buffered[key]; b != nil {
				fmt.Fprint(out, b.String())
			}
			delete(buffered, key)
		case e.Action == "skip":
			reason := skipReason(buffered[key])
			fmt.Fprintf(out, "--- SKIP: %s (%s): %s\n", e.Test, e.Package, reason)
			fmt.Fprintf(skips, "%s %s: %s\n", e.Package, e.Test, reason)
			delete(buffered, key)
		case e.Action == "pass":
			delete(buffered, key)
		}
	}
	return sc.Err()
}

// skipReason is the last line a skipped test logged, which is what t.Skip
// (or testscript's skip) printed.
func skipReason(b *strings.Builder) string {
	if b == nil {
		return "(no reason given)"
	}
	lines := strings.Split(b.String(), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- SKIP") {
			continue
		}
		if len(l) > 200 {
			l = l[:200] + "…"
		}
		return l
	}
	return "(no reason given)"
}
