// Command gen writes the test PKI to a folder: go run ./internal/testpki/gen testdata/pki
package main

import (
	"fmt"
	"os"

	"github.com/caronboard/caronboard/internal/testpki"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./internal/testpki/gen DIR")
		os.Exit(2)
	}
	p, err := testpki.Generate()
	if err == nil {
		err = os.MkdirAll(os.Args[1], 0o755)
	}
	if err == nil {
		err = p.WriteFiles(os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Println("wrote the test PKI to", os.Args[1])
}
