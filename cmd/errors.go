package cmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"

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

// codeConfigInvalid is the JSON error code of a config file (or CARONBOARD_*
// value) that names an unknown key or gives a wrong type or value (exit 2).
const codeConfigInvalid = "config_invalid"

// Error is an error that already knows how it is shown to the user: a stable
// machine-readable code, a one-line message, a hint naming what fixes it, and
// the exit code. Commands return it for their own checks; errors from pkg/ are
// turned into one by classify.
type Error struct {
	Code    string
	Message string
	Hint    string
	Exit    int
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

// usageErr reports bad flags or arguments (exit 2).
func usageErr(hint, format string, args ...any) *Error {
	return &Error{Code: "usage", Message: fmt.Sprintf(format, args...), Hint: hint, Exit: exitUsage}
}

// failErr reports a failed operation or bad input (exit 1).
func failErr(code, hint string, err error) *Error {
	return &Error{Code: code, Message: err.Error(), Hint: hint, Exit: exitFailed, Err: err}
}

// errorClass maps a sentinel from pkg/ to its code and default hint.
type errorClass struct {
	target error
	code   string
	hint   string
}

var errorClasses = []errorClass{
	{keystore.ErrExists, "exists", "pass --force to replace it (the old file is replaced atomically), or choose another --out"},
	{keystore.ErrWrongPassphrase, "wrong_passphrase", "check the passphrase given with --passphrase-file or " + envPassphrase},
	{keystore.ErrPassphraseRequired, "passphrase_required", "give the key's passphrase with --passphrase-file FILE (- for stdin) or " + envPassphrase},
	{keystore.ErrNotRSA, "unsupported_key", "both CAs issue RSA certificates only: make one with 'caronboard key --out FILE'"},
	{keystore.ErrKeySize, "key_size", "use --bits 2048, 3072 or 4096"},
	{keystore.ErrNoPrivateKey, "no_private_key", "give the file that holds the private key (BEGIN PRIVATE KEY / RSA PRIVATE KEY / ENCRYPTED PRIVATE KEY)"},
	{keystore.ErrMultipleKeys, "multiple_keys", "put one private key in the file"},
	{keystore.ErrMalformedKey, "malformed_key", "the file is not a readable private key; check it is complete (PEM or DER)"},
	{keystore.ErrTooLarge, "file_too_large", "give the right file: keys, CSRs and certificates are a few kilobytes"},
	{keystore.ErrNotRegular, "not_a_file", "give the path of a regular file"},
	{csr.ErrInvalidSubject, "invalid_subject", "fix the fields named above and run the command again"},
	{csr.ErrKeyPolicy, "key_policy", ""},
	{csr.ErrUnknownProfile, "unknown_profile", "use --profile car or --profile freja"},
	{csr.ErrMalformedCSR, "malformed_csr", "give a PEM (BEGIN CERTIFICATE REQUEST) or DER certificate signing request"},
	{csr.ErrBadSignature, "bad_signature", "the CSR was altered after it was signed: make it again"},
	{keystore.ErrNotCertificate, "not_a_certificate", "give the certificate file (BEGIN CERTIFICATE, or a DER .cer)"},
	{keystore.ErrMalformedCertificate, "malformed_certificate", "the certificate file is damaged or incomplete; ask for it again"},
	{keystore.ErrAltered, "file_altered", "the file was changed after it was written; get a fresh copy"},
	{keystore.ErrMalformedPKCS12, "malformed_pkcs12", "the file is not a readable PKCS#12 keystore (.p12/.pfx); check it is complete"},
	{keystore.ErrNoCertificate, "no_certificate", "the keystore holds no certificate for its key; rebuild it with 'caronboard pkcs12'"},
	{keystore.ErrInvalidPassphrase, "invalid_passphrase", "PKCS#12 passphrases cannot hold characters outside the Basic Multilingual Plane (e.g. emoji): choose another"},
	{keystore.ErrInvalidFriendlyName, "invalid_alias", "choose another --name: letters, digits, spaces and common punctuation"},
	{keystore.ErrKeyMismatch, "key_mismatch", "give the key you made the CSR with, or the certificate issued for it"},
	{keystore.ErrMalformedBundle, "malformed_bundle", "this is not a readable ZIP; ask Freja partner support for the bundle again"},
	{keystore.ErrUnsupportedFormat, "unsupported_format", "convert the file as the message says, then run the command again"},
	{keystore.ErrUnsafeBundle, "unsafe_bundle", "this is not the ZIP Freja partner support sends; ask them for it again"},
	{verify.ErrKeyMismatch, "key_mismatch", "give the key you made the CSR with, or the certificate issued for it"},
	{verify.ErrChain, "chain", "give the CA certificates with --ca (issuing CA and root)"},
	{verify.ErrNoLeaf, "no_leaf", "give the key you made the CSR with"},
	{sandbox.ErrNoSandbox, "no_sandbox", "run 'caronboard sandbox init' (with --dir if you use one)"},
	{sandbox.ErrExists, "exists", "pass --force to replace the sandbox"},
	{sandbox.ErrRejected, "csr_rejected", "fix the CSR as said above and make it again ('caronboard csr')"},
	{sandbox.ErrDamaged, "sandbox_damaged", "make it again with 'caronboard sandbox init --force'"},
	{sandbox.ErrExpired, "sandbox_expired", "make it again with 'caronboard sandbox init --force'"},
	{sandbox.ErrNotLoopback, "not_loopback", "the sandbox only listens on loopback: use --addr 127.0.0.1:PORT"},
	{clientgen.ErrBadInput, "unusable_value", "fix the environment's host, server_name or request in the config file (or --addr/--server-name)"},
	{fs.ErrNotExist, "file_not_found", "check the path"},
	{fs.ErrPermission, "permission_denied", "check the file's permissions"},
	{syscall.ENOTDIR, "bad_path", "a part of the path is a file, not a folder: check the path"},
	{syscall.ELOOP, "bad_path", "the path runs into a loop of symbolic links: check the path"},
	{syscall.ENAMETOOLONG, "bad_path", "the path, or a name in it, is too long: check the path"},
	{syscall.ENOSPC, "disk_full", "free some space on the disk and run the command again"},
	{syscall.EROFS, "read_only", "the folder is on a read-only file system: write somewhere else"},
	{context.Canceled, "interrupted", "nothing was written; run the command again"},
}

// classify turns any error into an *Error with a code, message, hint and exit code.
func classify(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var je *jws.Error
	if errors.As(err, &je) {
		return &Error{Code: je.Code, Message: je.Message, Hint: je.Hint, Exit: exitFailed, Err: err}
	}
	out := &Error{Code: "failed", Message: err.Error(), Exit: exitFailed, Err: err}
	for _, c := range errorClasses {
		if errors.Is(err, c.target) {
			out.Code, out.Hint = c.code, c.hint
			break
		}
	}
	var kp *csr.KeyPolicyError
	if errors.As(err, &kp) && kp.Hint != "" {
		out.Hint = kp.Hint
	}
	var hinter interface{ Hint() string }
	if errors.As(err, &hinter) && hinter.Hint() != "" {
		out.Hint = hinter.Hint()
	}
	var ce *verify.ChainError
	if errors.As(err, &ce) && ce.Hint != "" {
		out.Hint = ce.Hint
	}
	var re *sandbox.RejectedError
	if errors.As(err, &re) {
		for _, f := range re.Errors() {
			out.Details = append(out.Details, Detail{Field: f.Field, Message: f.Message, Hint: f.Hint})
		}
	}
	var me *csr.MalformedError
	if errors.As(err, &me) && me.Hint != "" {
		out.Hint = me.Hint
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
