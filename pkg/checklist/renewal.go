package checklist

import (
	"crypto/x509"
	"fmt"
	"time"

	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/verify"
)

// StepRenewal is the renewal of the current client certificate; it is
// reported only while a folder is in renewal or its certificate is due.
const StepRenewal = "renewal"

// RenewalWarnDays is how long before expiry a folder with no renewal
// started gets a warning.
const RenewalWarnDays = 30

// renewalState is what a folder shows of a renewal.
type renewalState struct {
	current *x509.Certificate // the certificate being renewed
	curFile *File
	req     *File // the renewal CSR: the current subject, another key
	key     *File // the new key, when it can be told
	issued  *x509.Certificate
	issFile *File
}

// findRenewal looks for a renewal in the folder: a client certificate plus
// a CSR with the same subject and a different public key. current is the
// certificate with the latest end date that is not for the CSR's key.
func findRenewal(f *Folder) *renewalState {
	leaves := append(f.Of(KindCertificate), f.Of(KindBundle)...)
	st := &renewalState{}
	for _, r := range f.Of(KindCSR) {
		if r.CSR == nil {
			continue
		}
		var cur, iss *x509.Certificate
		var curF, issF *File
		for _, file := range leaves {
			for _, c := range file.Certs {
				if c.IsCA || !sameSubject(c.RawSubject, r.CSR.RawSubject) {
					continue
				}
				if verify.KeyMatches(c, r.CSR.PublicKey) {
					if iss == nil || c.NotAfter.After(iss.NotAfter) {
						iss, issF = c, file
					}
				} else if cur == nil || c.NotAfter.After(cur.NotAfter) {
					cur, curF = c, file
				}
			}
		}
		if cur == nil || (iss != nil && iss.NotAfter.Before(cur.NotAfter)) {
			continue // not a renewal: no older certificate with this subject
		}
		if st.req == nil || r.ModTime.After(st.req.ModTime) {
			*st = renewalState{current: cur, curFile: curF, req: r, issued: iss, issFile: issF}
		}
	}
	if st.req == nil {
		return nil
	}
	for _, k := range f.Of(KindKey) {
		if (k.Public != nil && publicEqual(k.Public, st.req.CSR.PublicKey)) || (k.Public == nil && stem(k.Name) == stem(st.req.Name)) {
			st.key = k
		}
	}
	return st
}

// sameSubject compares two names by their printed form, so a CA that
// re-encodes a string type does not hide a match.
func sameSubject(a, b []byte) bool {
	return string(a) == string(b) || csr.FormatName(a) == csr.FormatName(b)
}

// withoutRenewal is the folder without the renewal's CSR and new key, so
// the onboarding steps are judged on the current certificate until the new
// one has come.
func withoutRenewal(f *Folder, st *renewalState) *Folder {
	out := &Folder{Dir: f.Dir}
	for _, file := range f.Files {
		if file != st.req && file != st.key {
			out.Files = append(out.Files, file)
		}
	}
	return out
}

// renewalStep reports the renewal: open while the new certificate is
// missing or fails cert verify's checks, done once it passes; without a
// renewal, warn when the newest client certificate has fewer than
// RenewalWarnDays days left. ok is false when there is nothing to say.
func (e *eval) renewalStep(st *renewalState) (Step, bool) {
	s := Step{ID: StepRenewal, Title: "Renewal of the client certificate"}
	now := e.in.Now
	if st == nil {
		if e.leaf == nil || e.leaf.NotAfter.Sub(now) >= RenewalWarnDays*24*time.Hour {
			return s, false
		}
		s.State, s.Files = Warn, []string{e.leafFile.Path}
		s.Detail = fmt.Sprintf("%s %s and no renewal has started", e.leafFile.Name, leftText(e.leaf, now))
		s.Hint = fmt.Sprintf("caronboard renew --cert %s --new-key NEW.key --out NEW.csr", e.leafFile.Path)
		return s, true
	}
	s.Files = []string{st.curFile.Path, st.req.Path}
	lead := fmt.Sprintf("%s renews %s (%s)", st.req.Name, st.curFile.Name, leftText(st.current, now))
	if st.issued == nil {
		s.State, s.Detail = Open, lead+"; the new certificate has not come yet"
		s.Hint = fmt.Sprintf("send %s to the CA; save the certificate it returns beside %s and run 'caronboard cert verify' on it", st.req.Name, st.curFile.Name)
		return s, true
	}
	in := verify.CertInput{Leaf: st.issued, Others: e.cas, Roots: e.anchors(), Key: st.req.CSR.PublicKey, CSR: st.req.CSR, Profile: e.in.Profile, At: now}
	rep := verify.CheckCertificate(in)
	s.Files = append(s.Files, st.issFile.Path)
	if !rep.OK() {
		var fails []verify.Check
		for _, c := range rep.Checks {
			if c.Status == verify.Fail {
				fails = append(fails, c)
			}
		}
		s.State, s.Detail = Open, fmt.Sprintf("%s; %s does not pass cert verify: %s", lead, st.issFile.Name, checkMessages(fails))
		if len(fails) > 0 {
			s.Hint = fails[0].Hint
		}
		return s, true
	}
	s.State = Done
	s.Detail = fmt.Sprintf("%s; the new certificate %s passes cert verify, valid until %s", lead, st.issFile.Name, st.issued.NotAfter.UTC().Format("2006-01-02"))
	s.Hint = "cut over to the new certificate and keystore, then remove the old files once the old certificate expires"
	return s, true
}

// anchors are the roots the certificate checks build to.
func (e *eval) anchors() []*x509.Certificate {
	out := append([]*x509.Certificate{}, e.roots...)
	for _, c := range e.cas {
		if string(c.RawSubject) == string(c.RawIssuer) {
			out = appendCert(out, c)
		}
	}
	return out
}

// leftText is "has 12 days left" or "expired on 2026-01-02".
func leftText(c *x509.Certificate, now time.Time) string {
	if now.After(c.NotAfter) {
		return "expired on " + c.NotAfter.UTC().Format("2006-01-02")
	}
	return fmt.Sprintf("has %d days left", int(c.NotAfter.Sub(now)/(24*time.Hour)))
}
