package cmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/internal/sandbox"
	"github.com/caronboard/caronboard/pkg/clientgen"
	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/jws"
	"github.com/caronboard/caronboard/pkg/keystore"
	"github.com/caronboard/caronboard/pkg/verify"
)

// Exit codes of every command.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// Error is an error that already knows how it is shown to the user: a stable
// machine-readable code (one of cmd/errcodes.go, whose class gives the exit
// code), a one-line message and a hint naming what fixes it. Commands return
// it for their own checks; errors from pkg/ are turned into one by classify.
type Error struct {
	Code    string
	Message string
	Hint    string
	// Details are extra lines (e.g. one per invalid field), each with its hint.
	Details []Detail
	Err     error
}

// Detail is one of several problems reported together.
type Detail struct {
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

// Exit is the process exit code for this error: it follows from its code.
func (e *Error) Exit() int { return exitFor(e.Code) }

// usageErr reports bad flags or arguments (exit 2).
func usageErr(hint, format string, args ...any) *Error {
	return &Error{Code: codeUsage, Message: fmt.Sprintf(format, args...), Hint: hint}
}

// failErr reports a failed operation or bad input (exit 1).
func failErr(code, hint string, err error) *Error {
	return &Error{Code: code, Message: err.Error(), Hint: hint, Err: err}
}

// errorClass maps a sentinel from pkg/ to its code and default hint.
type errorClass struct {
	target error
	code   string
	hint   string
}

var errorClasses = []errorClass{
	{safefile.ErrExists, codeExists, "pass --force to replace it (the old file is replaced atomically), or choose another --out"},
	{keystore.ErrWrongPassphrase, codeWrongPassphrase, "check the passphrase given with --passphrase-file or " + envPassphrase},
	{keystore.ErrPassphraseRequired, codePassphraseRequired, "give the key's passphrase with --passphrase-file FILE (- for stdin) or " + envPassphrase},
	{keystore.ErrNotRSA, codeUnsupportedKey, "both CAs issue RSA certificates only: make one with 'caronboard key --out FILE'"},
	{keystore.ErrKeySize, codeKeySize, "use --bits 2048, 3072 or 4096"},
	{keystore.ErrNoPrivateKey, codeNoPrivateKey, "give the file that holds the private key (BEGIN PRIVATE KEY / RSA PRIVATE KEY / ENCRYPTED PRIVATE KEY)"},
	{keystore.ErrMultipleKeys, codeMultipleKeys, "put one private key in the file"},
	{keystore.ErrMalformedKey, codeMalformedKey, "the file is not a readable private key; check it is complete (PEM or DER)"},
	{safefile.ErrTooLarge, codeFileTooLarge, "give the right file: keys, CSRs and certificates are a few kilobytes"},
	{safefile.ErrNotRegular, codeNotAFile, "give the path of a regular file"},
	{csr.ErrInvalidSubject, codeInvalidSubject, "fix the fields named above and run the command again"},
	{csr.ErrKeyPolicy, codeKeyPolicy, ""},
	{csr.ErrUnknownProfile, codeUnknownProfile, "use --profile car or --profile freja"},
	{csr.ErrMalformedCSR, codeMalformedCSR, "give a PEM (BEGIN CERTIFICATE REQUEST) or DER certificate signing request"},
	{csr.ErrBadSignature, codeBadSignature, "the CSR was altered after it was signed: make it again"},
	{keystore.ErrNotCertificate, codeNotACertificate, "give the certificate file (BEGIN CERTIFICATE, or a DER .cer)"},
	{keystore.ErrMalformedCertificate, codeMalformedCert, "the certificate file is damaged or incomplete; ask for it again"},
	{keystore.ErrAltered, codeFileAltered, "the file was changed after it was written; get a fresh copy"},
	{keystore.ErrMalformedPKCS12, codeMalformedPKCS12, "the file is not a readable PKCS#12 keystore (.p12/.pfx); check it is complete"},
	{keystore.ErrNoCertificate, codeNoCertificate, "the keystore holds no certificate for its key; rebuild it with 'caronboard pkcs12'"},
	{keystore.ErrInvalidPassphrase, codeInvalidPassphrase, "PKCS#12 passphrases cannot hold characters outside the Basic Multilingual Plane (e.g. emoji): choose another"},
	{keystore.ErrInvalidFriendlyName, codeInvalidAlias, "choose another --name: letters, digits, spaces and common punctuation"},
	{keystore.ErrKeyMismatch, codeKeyMismatch, "give the key you made the CSR with, or the certificate issued for it"},
	{keystore.ErrMalformedBundle, codeMalformedBundle, "this is not a readable ZIP; ask Freja partner support for the bundle again"},
	{keystore.ErrUnsupportedFormat, codeUnsupportedFormat, "convert the file as the message says, then run the command again"},
	{keystore.ErrUnsafeBundle, codeUnsafeBundle, "this is not the ZIP Freja partner support sends; ask them for it again"},
	{verify.ErrChain, codeChain, "give the CA certificates with --ca (issuing CA and root)"},
	{verify.ErrNoLeaf, codeNoLeaf, "give the key you made the CSR with"},
	{sandbox.ErrNoSandbox, codeNoSandbox, "run 'caronboard sandbox init' (with --dir if you use one)"},
	{sandbox.ErrExists, codeExists, "pass --force to replace the sandbox"},
	{sandbox.ErrRejected, codeCSRRejected, "fix the CSR as said above and make it again ('caronboard csr')"},
	{sandbox.ErrDamaged, codeSandboxDamaged, "make it again with 'caronboard sandbox init --force'"},
	{sandbox.ErrExpired, codeSandboxExpired, "make it again with 'caronboard sandbox init --force'"},
	{sandbox.ErrNotLoopback, codeNotLoopback, "the sandbox only listens on loopback: use --addr 127.0.0.1:PORT"},
	{clientgen.ErrBadInput, codeUnusableValue, "fix the environment's host, server_name or request in the config file (or --addr/--server-name)"},
	{fs.ErrNotExist, codeFileNotFound, "check the path"},
	{fs.ErrPermission, codePermissionDenied, "check the file's permissions"},
	{syscall.ENOTDIR, codeBadPath, "a part of the path is a file, not a folder: check the path"},
	{syscall.ELOOP, codeBadPath, "the path runs into a loop of symbolic links: check the path"},
	{syscall.ENAMETOOLONG, codeBadPath, "the path, or a name in it, is too long: check the path"},
	{syscall.ENOSPC, codeDiskFull, "free some space on the disk and run the command again"},
	{syscall.EROFS, codeReadOnly, "the folder is on a read-only file system: write somewhere else"},
	{context.Canceled, codeInterrupted, "nothing was written; run the command again"},
}

// classify turns any error into an *Error with a code, message, hint and exit code.
func classify(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var je *jws.Error
	if errors.As(err, &je) {
		return &Error{Code: je.Code, Message: je.Message, Hint: je.Hint, Err: err}
	}
	out := &Error{Code: codeFailed, Message: err.Error(), Err: err}
	for _, c := range errorClasses {
		if errors.Is(err, c.target) {
			out.Code, out.Hint = c.code, c.hint
			break
		}
	}
	if h := hintOf(err); h != "" {
		out.Hint = h
	}
	var ce *verify.ChainError
	if errors.As(err, &ce) && ce.Missing != "" && out.Hint != "" && !strings.Contains(out.Hint, "--ca") {
		out.Hint += " with --ca FILE" // pkg/verify knows no flags; every command that builds a chain takes --ca
	}
	var re *sandbox.RejectedError
	if errors.As(err, &re) {
		for _, f := range re.Errors() {
			out.Details = append(out.Details, Detail{Field: f.Field, Message: f.Message, Hint: f.Hint})
		}
	}
	var ve *csr.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			out.Details = append(out.Details, Detail{Field: f.Field, Message: f.Error(), Hint: f.Hint})
		}
		out.Message = subjectSummary(ve)
	}
	if errors.Is(err, context.Canceled) {
		out.Message = "interrupted"
	}
	if out.Hint == "" {
		out.Hint = genericHint
	}
	return out
}

// hintOf returns the first non-empty Hint() in err's chain, outermost first
// (following errors.Join branches in order): every typed error of pkg/ that
// knows what fixes it says so through a Hint() string method.
func hintOf(err error) string {
	if err == nil {
		return ""
	}
	if h, ok := err.(interface{ Hint() string }); ok && h.Hint() != "" {
		return h.Hint()
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if h := hintOf(e); h != "" {
				return h
			}
		}
	case interface{ Unwrap() error }:
		return hintOf(u.Unwrap())
	}
	return ""
}

// genericHint is the hint of an error nothing more specific is known about:
// every error gets a hint line.
const genericHint = "check the files and flags named in the message; 'caronboard help' describes each command"

// subjectSummary is the one-line lead for several invalid fields.
func subjectSummary(ve *csr.ValidationError) string {
	if len(ve.Fields) == 1 {
		return ve.Fields[0].Error()
	}
	var names []string
	seen := map[string]bool{}
	for _, f := range ve.Fields {
		if !seen[f.Field] {
			seen[f.Field] = true
			names = append(names, f.Field)
		}
	}
	return fmt.Sprintf("the subject has %d problems (%s)", len(ve.Fields), strings.Join(names, ", "))
}
