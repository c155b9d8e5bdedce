package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/caronboard/caronboard/internal/safefile"
	"github.com/caronboard/caronboard/pkg/keystore"
)

// storeFlags are the flags of every command that reads a keystore
// (PKCS#12 or Java JKS): its passphrase, a key passphrase apart (JKS), no
// passphrase at all, and the entry to use.
type storeFlags struct {
	PassphraseFile    string
	KeyPassphraseFile string
	NoPassphrase      bool
	Alias             string
	// passFlag names the passphrase file flag in messages (default
	// --passphrase-file); noEnv: CARONBOARD_PASSPHRASE is not this
	// keystore's (pkcs12 --from, where it is the new file's).
	passFlag string
	noEnv    bool
	// envVar, when set, is the variable holding this keystore's passphrase
	// instead of CARONBOARD_PASSPHRASE (renew --p12: CARONBOARD_P12_PASSPHRASE).
	envVar string
}

func (s *storeFlags) spec(path string) secretSpec {
	spec := secretSpec{what: "passphrase of " + path, file: s.PassphraseFile, fileFlag: s.passFlag, envVar: envPassphrase}
	if spec.fileFlag == "" {
		spec.fileFlag = "--passphrase-file"
	}
	if s.envVar != "" {
		spec.envVar = s.envVar
	}
	if s.noEnv {
		spec.envVar = ""
	}
	return spec
}

// add registers the flags; passFlag is the name of the store passphrase
// flag the command already has ("" to register --passphrase-file here).
func (s *storeFlags) add(f *pflag.FlagSet, registerPassphrase bool) {
	if registerPassphrase {
		f.StringVar(&s.PassphraseFile, "passphrase-file", "", "the keystore's passphrase (- for stdin)")
	}
	f.StringVar(&s.KeyPassphraseFile, "key-passphrase-file", "", "passphrase of the key entry when it differs from the keystore's (Java keystores; default: the keystore's)")
	f.BoolVar(&s.NoPassphrase, "no-passphrase", false, "the keystore has no passphrase (do not ask)")
	f.StringVar(&s.Alias, "alias", "", "the key entry to use, in a keystore with several")
}

func (s *storeFlags) validate() error {
	switch {
	case s.NoPassphrase && s.PassphraseFile != "":
		return usageErr("give one of them", "--no-passphrase and --passphrase-file cannot be combined")
	case s.PassphraseFile == "-" && s.KeyPassphraseFile == "-":
		return usageErr("put one of the passphrases in a file", "--passphrase-file and --key-passphrase-file cannot both read stdin")
	}
	return nil
}

// openStore reads a keystore, recognised by its content. The passphrase:
// none with --no-passphrase; else --passphrase-file or CARONBOARD_PASSPHRASE;
// else the empty passphrase is tried first (Windows, openssl -passout pass:,
// Python NoEncryption and truststore --no-passphrase write such files) and a
// prompt follows only when it is wrong.
func (a *App) openStore(ctx context.Context, path string, s *storeFlags) (*keystore.Store, error) {
	data, err := safefile.ReadFile(path, maxKeystoreSize)
	if err != nil {
		return nil, err
	}
	var pw keystore.StorePasswords
	if s.KeyPassphraseFile != "" {
		b, err := a.readSecretFile(s.KeyPassphraseFile)
		if err != nil {
			return nil, &Error{Code: codePassphraseFile, Message: fmt.Sprintf("cannot read --key-passphrase-file: %v", err), Hint: "check the path given to --key-passphrase-file", Err: err}
		}
		k := string(b)
		pw.KeyPassword = &k
	}
	spec := s.spec(path)
	given := s.PassphraseFile != "" || spec.envVar != "" && a.Getenv(spec.envVar) != ""
	if !s.NoPassphrase && given {
		pass, err := a.readSecret(spec)
		if err != nil {
			return nil, err
		}
		pw.Store = string(pass)
		return a.openStoreWith(ctx, path, data, pw)
	}
	st, err := a.openStoreWith(ctx, path, data, pw)
	if s.NoPassphrase || err == nil || !errors.Is(err, keystore.ErrWrongPassphrase) {
		if s.NoPassphrase && errors.Is(err, keystore.ErrWrongPassphrase) {
			return nil, &Error{Code: codeWrongPassphrase, Err: err, Message: path + ": the keystore has a passphrase (it does not open without one)",
				Hint: "drop the no-passphrase flag and give it with " + spec.fileFlag + " FILE"}
		}
		return st, err
	}
	spec.file = ""
	pass, err := a.readSecret(spec)
	if err != nil {
		return nil, err
	}
	pw.Store = string(pass)
	return a.openStoreWith(ctx, path, data, pw)
}

func (a *App) openStoreWith(ctx context.Context, path string, data []byte, pw keystore.StorePasswords) (*keystore.Store, error) {
	st, err := keystore.OpenStore(ctx, data, pw)
	if err != nil {
		err = fmt.Errorf("%s: %w", path, err)
		if errors.Is(err, keystore.ErrWrongPassphrase) && strings.Contains(err.Error(), "--key-passphrase-file") {
			// The store opened: only the key entry's own passphrase is wrong,
			// so the generic "check --passphrase-file" hint would mislead.
			return nil, &Error{Code: codeWrongPassphrase, Err: err, Message: err.Error(),
				Hint: "give the key entry's passphrase with --key-passphrase-file FILE (keytool -keypass; the keystore's passphrase is right)"}
		}
		return nil, err
	}
	return st, nil
}

// keyEntry picks the key entry --alias names, or the only one.
func keyEntry(path string, st *keystore.Store, alias string) (*keystore.KeyEntry, error) {
	e, err := st.Entry(alias)
	switch {
	case errors.Is(err, keystore.ErrMultipleKeys):
		return nil, &Error{Code: codeMultipleKeys, Err: err, Message: path + ": " + err.Error(),
			Hint: "choose one with --alias NAME"}
	case errors.Is(err, keystore.ErrNoSuchAlias):
		return nil, &Error{Code: codeNoSuchAlias, Err: err, Message: path + ": " + err.Error(),
			Hint: "give one of the aliases listed with --alias"}
	case errors.Is(err, keystore.ErrNoPrivateKey):
		return nil, &Error{Code: codeNoPrivateKey, Err: err, Message: path + ": " + err.Error(),
			Hint: "give the keystore that holds your private key; 'caronboard pkcs12 inspect " + path + "' shows what this one holds"}
	case err != nil:
		return nil, err
	}
	if len(e.Chain) == 0 {
		return nil, &Error{Code: codeNoCertificate, Message: fmt.Sprintf("%s: the key entry %q has no certificate that belongs to its key", path, e.Alias),
			Hint: "rebuild the keystore with 'caronboard pkcs12 --cert FILE --key FILE', which refuses such a pair"}
	}
	return e, nil
}
