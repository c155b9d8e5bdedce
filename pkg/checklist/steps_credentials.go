// Checklist steps for the credential itself: the key, the CSR, the
// certificate the CA issued and its chain.

package checklist

import (
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/verify"
)

// keyStep: a private key exists, is encrypted and only its owner can read it.
func (e *eval) keyStep() (s Step) {
	s = Step{ID: StepKey, Title: "Private key generated and protected (encrypted, mode 0600)"}
	k := e.key
	if k == nil {
		s.State, s.Detail = Open, "no private key in "+e.in.Folder.Dir
		s.Hint = "generate it on the machine that will use it (it never leaves it)"
		return s
	}
	s.Files = []string{k.Path}
	if n := len(e.in.Folder.Of(KindKey)); n > 1 {
		defer func() {
			switch {
			case k.Public != nil && e.pub != nil && publicEqual(k.Public, e.pub):
				s.Detail += fmt.Sprintf(" (%d keys in the folder; this is the one that belongs to the CSR or certificate)", n)
			case k.KeyEncrypted:
				// An encrypted key's public half is inside the encryption:
				// which key belongs to the CSR cannot be told without it.
				s.Detail += fmt.Sprintf(" (%d keys in the folder; which one belongs to the CSR or certificate cannot be told without the passphrase: "+
					"this is the one named like it, or the newest; 'caronboard cert verify --key' checks it)", n)
			case e.pub == nil:
				s.Detail += fmt.Sprintf(" (%d keys in the folder and no CSR or certificate yet: this is the newest)", n)
			default:
				s.Detail += fmt.Sprintf(" (%d keys in the folder; none belongs to the CSR or certificate: this is the newest)", n)
			}
		}()
	}
	if k.Problem != "" {
		s.State, s.Detail, s.Hint = Fail, k.Name+": "+k.Problem, "make a new RSA key: both CAs issue RSA certificates only"
		return s
	}
	var problems, hints []string
	desc := k.KeyFormat
	if k.KeyEncrypted {
		desc = "encrypted (" + k.KeyFormat + ")"
	} else {
		problems = append(problems, "it is not encrypted")
		hints = append(hints, "anyone who can read the file can use the key: encrypt it (openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out NEW.key), or make a new key with a passphrase before the CSR is sent")
	}
	if runtime.GOOS != "windows" && k.Mode.Perm()&0o077 != 0 {
		problems = append(problems, fmt.Sprintf("others can read it (mode %04o)", k.Mode.Perm()))
		hints = append(hints, "chmod 600 "+k.Path)
	}
	if k.Public != nil {
		if err := e.in.Profile.CheckKey(k.Public); err != nil && e.in.Profile != "" {
			s.State, s.Detail = Fail, fmt.Sprintf("%s: RSA %d bits: %v", k.Name, k.KeyBits, err)
			s.Hint = fmt.Sprintf("%s needs a new key of %d bits", e.in.Profile.DisplayName(), e.in.Profile.DefaultBits())
			return s
		}
		desc += fmt.Sprintf(", RSA %d bits", k.KeyBits)
	}
	s.Detail = fmt.Sprintf("%s: %s, mode %04o", k.Name, desc, k.Mode.Perm())
	s.State = Done
	if len(problems) > 0 {
		s.State = Warn
		s.Detail = fmt.Sprintf("%s: %s", k.Name, strings.Join(problems, "; "))
		s.Hint = strings.Join(hints, "; ")
	}
	return s
}

// csrStep: a CSR exists, passes the profile's rules and belongs to the key.
func (e *eval) csrStep() Step {
	s := Step{ID: StepCSR, Title: "CSR made and lint-clean"}
	r := e.req
	if r == nil && e.leaf != nil && (e.leafMatch || e.pub == nil) {
		s.State = Done
		s.Detail = "no CSR in " + e.in.Folder.Dir + ", but the certificate issued for it is: " + e.leafFile.Name
		return s
	}
	if r == nil {
		s.State, s.Detail = Open, "no certificate signing request in "+e.in.Folder.Dir
		for _, f := range e.in.Folder.Of(KindCSR) {
			s.State, s.Detail, s.Hint = Fail, f.Name+": "+f.Problem, "make the CSR again"
		}
		return s
	}
	s.Files = []string{r.Path}
	subject := csr.FormatName(r.CSR.RawSubject)
	if e.key != nil && e.key.Public != nil && !publicEqual(e.key.Public, r.CSR.PublicKey) {
		s.State = Fail
		s.Detail = fmt.Sprintf("%s was not made with %s", r.Name, e.key.Name)
		s.Hint = "make the CSR again with the key you keep, or find the key it was made with"
		return s
	}
	findings := csr.Lint(r.CSR, e.in.Profile)
	var errs, warns []string
	for _, f := range findings {
		msg := f.Message
		if f.Field != "" && !strings.HasPrefix(msg, f.Field) {
			msg = f.Field + ": " + msg
		}
		if f.Severity == csr.SeverityError {
			errs = append(errs, msg)
			if s.Hint == "" {
				s.Hint = f.Hint
			}
		} else {
			warns = append(warns, msg)
		}
	}
	alg, bits := csr.KeyDescription(r.CSR.PublicKey)
	switch {
	case len(errs) > 0:
		s.State = Fail
		s.Detail = fmt.Sprintf("%s breaks %d %s rule(s): %s", r.Name, len(errs), e.in.Profile.DisplayName(), strings.Join(errs, "; "))
		s.Hint = strings.TrimSpace(s.Hint + " (see 'caronboard csr inspect " + r.Path + "')")
	case len(warns) > 0:
		s.State = Warn
		s.Detail = fmt.Sprintf("%s: %s; %s", r.Name, subject, strings.Join(warns, "; "))
		s.Hint = "see 'caronboard csr inspect " + r.Path + "'"
	default:
		s.State = Done
		s.Detail = fmt.Sprintf("%s: %s, %s %d bits, lint clean", r.Name, subject, alg, bits)
	}
	if e.key != nil && e.key.Public == nil && s.State != Fail {
		s.Detail += "; the key is encrypted, so it is not compared here ('caronboard cert verify --key' does)"
	}
	return s
}

// sendCSR: the CSR reached the CA; proven once a certificate for it is here.
func (e *eval) sendCSR() Step {
	s := Step{ID: StepSendCSR}
	switch {
	case e.in.Env.Sandbox:
		s.Title = "CSR signed by the sandbox CA (it plays the CA)"
	case e.in.Profile == csr.Freja:
		s.Title = "CSR zipped and mailed to Freja eID partner support (partnersupport@frejaeid.com)"
	default:
		s.Title = "CSR sent to the CAR certificate manager (send.e-faktura.com), with the IP addresses to allow-list"
	}
	switch {
	case e.leaf != nil && (e.leafMatch || e.pub == nil):
		s.State, s.Detail = Done, "the certificate for it came back"
	case e.req == nil:
		s.State, s.Detail = Open, "make the CSR first"
	default:
		s.State = Open
		s.Files = []string{e.req.Path}
		s.Detail = "no certificate for " + e.req.Name + " yet"
		switch {
		case e.in.Env.Sandbox:
			s.Hint = "have the sandbox CA sign it"
		case e.in.Profile == csr.Freja && e.found.CSRZip != "":
			s.Detail += "; " + e.found.CSRZip + " is ready to mail"
			s.Hint = "mail it to partnersupport@frejaeid.com; the certificate comes back in a ZIP with Freja's CA certificates"
		case e.in.Profile == csr.Freja:
			s.Hint = "zip the CSR (caronboard csr … --zip writes CSR.zip) and mail it to partnersupport@frejaeid.com"
		default:
			s.Hint = "upload it to https://send.e-faktura.com and send the link it gives to the CAR certificate manager yourself (it is not sent automatically); list the IP addresses to allow-list in the same message; be ready to read out the public key fingerprint " + e.found.Fingerprint
		}
	}
	return s
}

// certificate: the issued certificate is here, for our key, and passes the
// certificate checks (validity, clientAuth, key size, subject…).
func (e *eval) certificate() Step {
	s := Step{ID: StepCertificate, Title: "Certificate received and matching the key"}
	if e.leaf == nil {
		s.State, s.Detail = Open, "no client certificate in "+e.in.Folder.Dir
		if e.in.Profile == csr.Freja {
			s.Detail += " (the ZIP from Freja partner support holds it)"
		}
		return s
	}
	s.Files = []string{e.leafFile.Path}
	who := csr.FormatName(e.leaf.RawSubject)
	if !e.leafMatch && e.pub != nil {
		s.State = Fail
		s.Detail = fmt.Sprintf("%s (%s) is not for the key of %s", e.leafFile.Name, who, e.pubSource())
		s.Hint = "the CA issued it for another CSR: find the key of that CSR, or send this CSR again"
		return s
	}
	var fails, warns []verify.Check
	for _, c := range e.report.Checks {
		if c.ID == verify.CheckChain {
			continue
		}
		switch c.Status {
		case verify.Fail:
			fails = append(fails, c)
		case verify.Warn:
			warns = append(warns, c)
		}
	}
	days := int(e.leaf.NotAfter.Sub(e.in.Now) / (24 * time.Hour))
	s.Detail = fmt.Sprintf("%s: %s, valid until %s (%d days)", e.leafFile.Name, who, e.leaf.NotAfter.UTC().Format("2006-01-02"), days)
	switch {
	case len(fails) > 0:
		s.State, s.Detail, s.Hint = Fail, fmt.Sprintf("%s: %s", e.leafFile.Name, checkMessages(fails)), fails[0].Hint
	case len(warns) > 0:
		s.State, s.Hint = Warn, warns[0].Hint
		s.Detail += "; " + checkMessages(warns)
	default:
		s.State = Done
	}
	if e.pub == nil {
		s.Detail += "; not compared with the key (it is encrypted and there is no CSR): 'caronboard cert verify --key' does"
	}
	return s
}

// pubSource names where the public key the certificate must match came from.
func (e *eval) pubSource() string {
	if e.req != nil {
		return e.req.Name
	}
	return e.key.Name
}

func checkMessages(cs []verify.Check) string {
	msgs := make([]string, len(cs))
	for i, c := range cs {
		msgs[i] = c.ID + ": " + c.Message
	}
	return strings.Join(msgs, "; ")
}

// chain: the CA certificates are here and the chain builds to a root.
func (e *eval) chain() Step {
	s := Step{ID: StepChain, Title: "CA certificate(s) received; chain complete"}
	if e.in.Profile == csr.Freja {
		s.Title = "Freja eID CA certificates received (root and issuing CA); chain complete"
	} else if !e.in.Env.Sandbox {
		s.Title = "CAR CA root (ca.cer) received; chain complete"
	}
	for _, f := range e.caFiles {
		s.Files = append(s.Files, f.Path)
	}
	if e.leaf == nil {
		s.State, s.Detail = Open, "needs the certificate first"
		if len(e.cas) > 0 {
			s.Detail += fmt.Sprintf(" (%d CA certificate(s) are here)", len(e.cas))
		}
		return s
	}
	c, _ := e.report.Check(verify.CheckChain)
	switch c.Status {
	case verify.Pass:
		s.State, s.Detail = Done, strings.Join(e.report.ChainSubjects, " → ")
	case verify.Fail:
		s.State, s.Detail, s.Hint = Fail, c.Message, c.Hint
	default:
		s.State, s.Detail = Open, "no CA certificate for "+e.leafFile.Name+" in "+e.in.Folder.Dir
		s.Hint = "the CAR certificate manager sends ca.cer with client.cer: put it next to the certificate"
		if e.in.Profile == csr.Freja {
			s.Hint = "the ZIP from Freja partner support holds the root and issuing CA: put it (or its .cer files) in the folder"
		}
	}
	return s
}

// verification: CAR production's manual verification with the certificate
// manager.
func (e *eval) verification() Step {
	s := Step{ID: StepVerification, Title: "Certificate verified by phone with the CAR certificate manager (production)"}
	if !e.in.Env.Production || e.in.Env.Sandbox {
		s.State, s.Detail = Skip, "only for production (api): for ci and stage this step is omitted"
		return s
	}
	s.State = Manual
	s.Detail = "contact the CAR certificate manager to verify the certificate"
	if e.found.Fingerprint != "" {
		s.Detail += "; read out the public key fingerprint (SHA-256) " + e.found.Fingerprint
	}
	return s
}
