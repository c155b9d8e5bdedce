package cmd

import (
	"fmt"
	"io"
	"strings"
)

// wantsDebug spots --debug on the raw command line, so that even a failure
// before flags are parsed shows its causes.
func wantsDebug(args []string) bool {
	for _, arg := range args {
		switch arg {
		case "--":
			return false
		case "--debug", "--debug=true":
			return true
		}
	}
	return false
}

// printCauses prints, for --debug, the chain of errors under e, one line
// each with its Go type, innermost last, following errors.Join branches:
//
//	caronboard: debug: cause: *keystore.keyError: the private key is damaged …
//	caronboard: debug:   cause: asn1.StructuralError: asn1: structure error: …
func printCauses(w io.Writer, e *Error) {
	var walk func(err error, depth int)
	walk = func(err error, depth int) {
		for n := 0; err != nil && depth+n < 32; n++ {
			writeLine(w, fmt.Sprintf("caronboard: debug: %scause: %T: %s", strings.Repeat("  ", depth+n), err, oneLine(err.Error())))
			switch u := err.(type) {
			case interface{ Unwrap() []error }:
				for _, b := range u.Unwrap() {
					walk(b, depth+n+1)
				}
				return
			case interface{ Unwrap() error }:
				err = u.Unwrap()
			default:
				return
			}
		}
	}
	writeLine(w, fmt.Sprintf("caronboard: debug: error code %s, exit %d", e.Code, e.Exit()))
	walk(e.Err, 0)
}
