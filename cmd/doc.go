// Package cmd is caronboard's command-line layer: cobra commands, flags,
// configuration (a strictly decoded YAML file), terminals, prompts, output formats and exit codes.
//
// Every command follows one shape: an options struct, a NewXxxCmd constructor
// that binds flags to it and validates flag combinations before any I/O, and a
// run function without cobra in it that writes only to the App's streams. All
// cryptography lives in pkg/; this package only wires it to the user.
//
// Errors travel up to Main, which maps them once to an exit code (0 ok, 1 the
// operation failed, 2 usage) and prints them as "caronboard: error: …" plus
// "caronboard: hint: …", or, with -o json, as a single JSON object.
package cmd
