package jws

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// SignerStoreDir is the signer store's folder name in the caronboard
// folder of the user config folder.
const SignerStoreDir = "jws-trust"

// CodeTrustStore is the code of a signer store that could not be written,
// or that holds a conflicting file.
const CodeTrustStore = "trust_store"

// Actions of a StoreChange.
const (
	ActionAdded          = "added"
	ActionRetagged       = "retagged"
	ActionAlreadyTrusted = "already_trusted"
)

// SignerStore is the user's signer store on disk: the certificates the
// user trusts to sign results besides the embedded ones, one <x5t>.pem
// (PEM, mode 0644) per certificate, in the subfolder freja-test or
// freja-prod of Dir for its environment. PEM files directly in Dir are
// untagged (written by older versions) and count only with
// Options.AllowUntagged.
//
// Whoever can write the store decides what is trusted, so Load refuses
// (as ssh's StrictModes does) a store where Dir, its subfolders, its files,
// or any folder from Top down to Dir is not owned by the user or root or is
// writable by group or others; symbolic links are followed and their
// targets checked the same way. On Windows these checks are not made.
type SignerStore struct {
	// Dir is the store's folder, e.g. ~/.config/caronboard/jws-trust.
	Dir string
	// Top is the folder the permission checks start from: the user config
	// folder. "" checks Dir and what is below it only.
	Top string
}

// Load adds every certificate of the store to ts (source SourceUser,
// tagged by subfolder) and returns the file each came from by x5t. A file
// that cannot be read or holds a certificate that may not sign is skipped
// and named in a warning; an insecure store is an insecure_signer_store
// *Error and nothing is added.
func (s SignerStore) Load(ts *TrustStore) (files map[string]string, warnings []string, err error) {
	files = map[string]string{}
	if _, err := os.Lstat(s.Dir); errors.Is(err, fs.ErrNotExist) {
		return files, nil, nil
	}
	if err := checkChain(s.Top, s.Dir); err != nil {
		return files, nil, err
	}
	type entry struct{ path, env string }
	var todo []entry
	for _, env := range []string{EnvFrejaTest, EnvFrejaProd, ""} { // a tagged copy wins over an untagged one
		dir := filepath.Join(s.Dir, env)
		entries, err := os.ReadDir(dir)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				warnings = append(warnings, fmt.Sprintf("cannot read the signer store %s: %v", dir, err))
			}
			continue
		}
		if env != "" {
			if err := checkPath(dir); err != nil {
				return map[string]string{}, nil, err
			}
		}
		for _, e := range entries {
			if !strings.EqualFold(filepath.Ext(e.Name()), ".pem") {
				continue
			}
			path := filepath.Join(dir, e.Name())
			if err := checkPath(path); err != nil {
				return map[string]string{}, nil, err
			}
			if fi, err := os.Stat(path); err == nil && fi.IsDir() {
				continue
			}
			todo = append(todo, entry{path, env})
		}
	}
	for _, e := range todo {
		data, err := safefile.ReadFile(e.path, keystore.MaxInputSize)
		if err == nil {
			var added []*TrustedCert
			if added, err = ts.AddBytes(data, e.env, SourceUser); err == nil {
				for _, c := range added {
					if c.Source == SourceUser && files[c.X5T] == "" {
						files[c.X5T] = e.path
					}
				}
				continue
			}
		}
		msg := err.Error()
		var je *Error
		if errors.As(err, &je) {
			msg = je.Message
		}
		warnings = append(warnings, fmt.Sprintf("ignoring %s in the signer store: %s", e.path, msg))
	}
	return files, warnings, nil
}

// StoreChange is what adding one certificate to the store does.
type StoreChange struct {
	// Cert is the certificate as now trusted.
	Cert *TrustedCert
	// Action is ActionAdded, ActionRetagged (an untagged entry moves to its
	// environment's folder) or ActionAlreadyTrusted.
	Action string
	// Path is the file that holds the certificate (after the change); Old
	// the untagged file a re-tag removes.
	Path, Old string

	data    []byte
	replace bool
}

// PlanAdd decides how to add cert to the store for env (EnvFrejaTest or
// EnvFrejaProd) without writing anything: known holds what is trusted
// already (the embedded certificates and the store, as Load left it, with
// its files), and is updated. A certificate already trusted for another
// environment, or a file in the way that holds other certificates, is a
// trust_store *Error. Warnings name files that will be replaced.
func (s SignerStore) PlanAdd(known *TrustStore, files map[string]string, cert *x509.Certificate, env string) (StoreChange, []string, error) {
	if env != EnvFrejaTest && env != EnvFrejaProd {
		return StoreChange{}, nil, newErr(CodeInvalidOptions, "use --env freja-test or --env freja-prod", nil,
			"a signing certificate must be tagged freja-test or freja-prod, not %s", Quote(env))
	}
	tc, err := known.Add(cert, env, SourceUser)
	if err != nil {
		return StoreChange{}, nil, err
	}
	ch := StoreChange{Cert: tc, Action: ActionAlreadyTrusted, Path: files[tc.X5T]}
	switch {
	case tc.Source != SourceUser:
		return ch, nil, nil
	case tc.Environment == "" && files[tc.X5T] != "":
		if err := CheckTag(cert, env); err != nil {
			return StoreChange{}, nil, err
		}
		ch.Action, ch.Old = ActionRetagged, files[tc.X5T]
		tc.Environment = env
	case files[tc.X5T] == "": // added just now
		ch.Action = ActionAdded
	case tc.Environment != env:
		return StoreChange{}, nil, newErr(CodeTrustStore, "delete "+files[tc.X5T]+" and add the certificate again to change its environment", nil,
			"the certificate %s is already trusted for %s (%s)", Quote(SubjectString(cert)), tc.Environment, files[tc.X5T])
	default:
		return ch, nil, nil
	}
	ch.Path = filepath.Join(s.Dir, env, tc.X5T+".pem")
	ch.data = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	var warnings []string
	if _, err := os.Lstat(ch.Path); err == nil {
		old, err := safefile.ReadFile(ch.Path, keystore.MaxInputSize)
		if err == nil {
			_, err = NewTrustStore().AddBytes(old, "", SourceUser)
		}
		if err == nil {
			return StoreChange{}, nil, newErr(CodeTrustStore, "rename that file (any name ending in .pem works) and add the certificate again", nil,
				"%s already holds other certificates under this certificate's name", ch.Path)
		}
		warnings = append(warnings, "replacing "+ch.Path+", which held no usable certificate")
		ch.replace = true
	}
	files[tc.X5T] = ch.Path
	return ch, warnings, nil
}

// Apply writes what PlanAdd decided: the environment folders (0755), the
// certificate files (0644, atomically), then removes the untagged files of
// re-tagged certificates. If a write fails, the files this call created
// are removed again.
func (s SignerStore) Apply(ctx context.Context, changes []StoreChange) error {
	var created []string
	undo := func(err error) error {
		for _, p := range created {
			_ = os.Remove(p)
		}
		return newErr(CodeTrustStore, "check that "+s.Dir+" is writable", err, "%v", err)
	}
	for _, ch := range changes {
		if ch.data == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(ch.Path), 0o755); err != nil {
			return undo(err)
		}
		existed := ch.replace
		err := safefile.WriteFileContext(ctx, ch.Path, ch.data, 0o644, ch.replace)
		if errors.Is(err, safefile.ErrExists) { // added at the same moment by another run
			continue
		}
		if err != nil {
			return undo(err)
		}
		if !existed {
			created = append(created, ch.Path)
		}
	}
	for _, ch := range changes {
		if ch.Old != "" && ch.Old != ch.Path {
			if err := os.Remove(ch.Old); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return newErr(CodeTrustStore, "delete "+ch.Old+" yourself: the certificate is stored tagged in "+ch.Path, err,
					"cannot remove the untagged %s: %v", ch.Old, err)
			}
		}
	}
	return nil
}
