// Checklist steps for the keystore and the trust anchors: the files a client
// loads to connect.

package checklist

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
)

// keystore: a PKCS#12 keystore is here; how it is protected and who opens
// it shows without its passphrase.
func (e *eval) keystore() Step {
	s := Step{ID: StepKeystore, Title: "Keystore (PKCS#12) built and readable"}
	stems := map[string]bool{}
	for _, f := range []*File{e.key, e.leafFile, e.req} {
		if f != nil {
			stems[stem(f.Name)] = true
		}
	}
	ks := newest(e.in.Folder.Of(KindKeystore), func(f *File) int {
		if stems[stem(f.Name)] {
			return 1
		}
		return 0
	})
	if ks == nil {
		s.State, s.Detail = Open, "no PKCS#12 keystore (.p12/.pfx) in "+e.in.Folder.Dir
		if e.leaf == nil {
			s.Detail += " (it needs the certificate first)"
		}
		return s
	}
	e.found.Keystore = ks.Path
	s.Files = []string{ks.Path}
	info := ks.P12.Info
	alias := ks.P12.FriendlyName
	if alias == "" {
		alias = "(none visible)"
	}
	s.Detail = fmt.Sprintf("%s: alias %s; certificates %s; key %s; MAC %s; opens in: %s",
		ks.Name, alias, info.CertEncryption, info.KeyEncryption, info.MACAlgorithm, info.Consumers)
	var problems []string
	if ks.P12.FriendlyName == "" && ks.P12.Kind == "keystore" {
		problems = append(problems, "it has no alias: keytool lists the key as \"1\"")
	}
	if weak := info.CertEncryption + info.KeyEncryption; strings.Contains(weak, "RC2") || strings.Contains(weak, "RC4") {
		problems = append(problems, "it uses RC2/RC4, which OpenSSL 3 opens only with -legacy")
	}
	if runtime.GOOS != "windows" && ks.Mode.Perm()&0o077 != 0 {
		problems = append(problems, fmt.Sprintf("others can read it (mode %04o; chmod 600 %s)", ks.Mode.Perm(), ks.Path))
	}
	if e.leafFile != nil && e.leafFile.ModTime.After(ks.ModTime) {
		problems = append(problems, fmt.Sprintf("it is older than %s: if the certificate was renewed, build it again", e.leafFile.Name))
	}
	s.State, s.Hint = Done, "its contents need the passphrase: 'caronboard pkcs12 inspect "+ks.Path+"' shows them"
	if len(problems) > 0 {
		s.State = Warn
		s.Detail = ks.Name + ": " + strings.Join(problems, "; ")
	}
	return s
}

// trustAnchors: the environment's server CA is exported for the
// application, as a PKCS#12 trust store or a PEM/DER file of CA
// certificates named *trust* or holding exactly the environment's roots.
func (e *eval) trustAnchors() Step {
	s := Step{ID: StepTrustAnchors}
	switch {
	case e.in.Env.Sandbox:
		s.Title = "Sandbox CA exported as the application's trust anchor"
	case e.in.Profile == csr.Freja && e.in.Env.Production:
		s.Title = "Freja eID Production root imported as trusted into the application's trust store"
	case e.in.Profile == csr.Freja:
		s.Title = "Freja eID Test root imported as trusted into the application's trust store"
	default:
		s.Title = "CAR CA root installed as the application's trust anchor"
	}
	var candidates []*File
	candidates = append(candidates, e.in.Folder.Of(KindTrustStore)...)
	for _, f := range e.caFiles {
		named := strings.Contains(strings.ToLower(f.Name), "trust")
		if named || e.in.Env.ServerRoots != nil && sameCerts(f.Certs, e.in.Env.ServerRoots) {
			candidates = append(candidates, f)
		}
	}
	if len(candidates) == 0 {
		s.State = Open
		s.Detail = "no trust store or trust-anchor file in " + e.in.Folder.Dir
		if e.roots == nil {
			s.Detail += "; the server CA is not known yet (for CAR: ca.cer comes with the certificate)"
		}
		for _, f := range e.caFiles {
			if len(e.roots) > 0 && holdsAll(f.Certs, e.roots) {
				s.Detail += "; " + f.Name + " holds the server CA and works as it is with curl, Node.js, Go and Python (Java needs a PKCS#12 trust store)"
				break
			}
		}
		return s
	}
	best := Step{State: Fail}
	for _, f := range candidates {
		st, detail, hint := e.judgeTrustFile(f)
		s.Files = append(s.Files, f.Path)
		if rank(st) > rank(best.State) || best.Detail == "" {
			best = Step{State: st, Detail: detail, Hint: hint}
			e.found.TrustStore = f.Path
		}
	}
	s.State, s.Detail, s.Hint = best.State, best.Detail, best.Hint
	return s
}

func rank(s State) int {
	switch s {
	case Done:
		return 3
	case Warn:
		return 2
	}
	return 1
}

// judgeTrustFile checks one trust-anchor file against the environment's
// server CA.
func (e *eval) judgeTrustFile(f *File) (State, string, string) {
	certs := f.Certs
	what := "PEM/DER file"
	if f.Kind == KindTrustStore {
		certs, what = f.TrustCerts, "PKCS#12 trust store"
		if certs == nil {
			return Done, fmt.Sprintf("%s: %s, sealed by its passphrase (its certificates are not compared here)", f.Name, what), ""
		}
	}
	if len(e.roots) > 0 && !holdsAll(certs, e.roots) {
		return Fail, fmt.Sprintf("%s does not hold the server CA of %s (%s)", f.Name, e.in.Env.Name, subjects(e.roots)),
			"export it again for this environment"
	}
	detail := fmt.Sprintf("%s: %s of %d CA certificate(s): %s", f.Name, what, len(certs), subjects(certs))
	for _, c := range certs {
		if e.in.Now.After(c.NotAfter) {
			return Warn, detail + "; " + csr.FormatName(c.RawSubject) + " has expired", "ask the CA for its current root and export again"
		}
		if c.NotAfter.Sub(e.in.Now) < 90*24*time.Hour {
			return Warn, detail + "; " + csr.FormatName(c.RawSubject) + " expires on " + c.NotAfter.UTC().Format("2006-01-02"),
				"ask the CA for its next root and add it before then"
		}
	}
	if len(e.roots) == 0 {
		detail += " (the server CA is not known here, so it is not compared)"
	}
	return Done, detail, ""
}

func subjects(certs []*x509.Certificate) string {
	names := make([]string, len(certs))
	for i, c := range certs {
		names[i] = csr.FormatName(c.RawSubject)
	}
	return strings.Join(names, "; ")
}

// holdsAll reports whether have holds every certificate of want.
func holdsAll(have, want []*x509.Certificate) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if bytes.Equal(h.Raw, w.Raw) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func sameCerts(a, b []*x509.Certificate) bool { return holdsAll(a, b) && holdsAll(b, a) }
