package checklist

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"path/filepath"
	"strings"

	"github.com/caronboard/caronboard/pkg/csr"
	"github.com/caronboard/caronboard/pkg/verify"
)

// eval holds one evaluation: the input and the files chosen.
type eval struct {
	in        Input
	key       *File
	req       *File
	leafFile  *File
	leaf      *x509.Certificate
	leafMatch bool             // the leaf matches the CSR's or the key's public key
	pub       crypto.PublicKey // the CSR's public key, or the unencrypted key's
	cas       []*x509.Certificate
	caFiles   []*File
	report    *verify.Report
	roots     []*x509.Certificate
	rootsSrc  string
	found     Found
}

// Evaluate derives every step of the profile's onboarding for the
// environment from the folder, the recorded ping and the clock. It never
// fails: what is missing or wrong is a step's state.
func Evaluate(in Input) *Report {
	if in.Folder == nil {
		in.Folder = &Folder{}
	}
	ren := findRenewal(in.Folder)
	if ren != nil && ren.issued == nil {
		in.Folder = withoutRenewal(in.Folder, ren)
	}
	e := &eval{in: in}
	e.pick()
	e.check()
	var steps []Step
	if in.Profile == csr.Freja {
		steps = []Step{e.contract(), e.rpDetails(), e.keyStep(), e.csrStep(), e.sendCSR(), e.certificate(),
			e.chain(), e.keystore(), e.trustAnchors(), e.testUsers(), e.ping()}
	} else {
		steps = []Step{e.keyStep(), e.csrStep(), e.sendCSR(), e.allowList(), e.certificate(), e.chain(),
			e.verification(), e.keystore(), e.trustAnchors(), e.ping()}
	}
	if s, ok := e.renewalStep(ren); ok {
		steps = append(steps, s)
	}
	return &Report{Steps: steps, Found: e.found}
}

// DetectProfile tells the profile from the folder: a CSR's or a client
// certificate's subject (O=E-fakturabolaget is CAR, an
// organizationIdentifier is Freja).
func DetectProfile(f *Folder) (csr.Profile, bool) {
	for _, file := range f.Of(KindCSR) {
		if p, ok := csr.DetectProfile(file.CSR); ok && file.CSR != nil {
			return p, true
		}
	}
	for _, file := range append(f.Of(KindCertificate), f.Of(KindBundle)...) {
		for _, c := range file.Certs {
			if c.IsCA {
				continue
			}
			if subj, err := csr.ParseName(c.RawSubject); err == nil {
				if o, _ := subj.Get("O"); o == csr.CAROrganization {
					return csr.CAR, true
				}
				if _, ok := subj.Get("organizationIdentifier"); ok {
					return csr.Freja, true
				}
			}
		}
	}
	return "", false
}

// pick chooses the CSR, certificate, key and CA certificates the steps are
// judged on, preferring files that belong together.
func (e *eval) pick() {
	f := e.in.Folder
	var reqs []*File
	for _, r := range f.Of(KindCSR) {
		if r.CSR != nil {
			reqs = append(reqs, r)
		}
	}
	keys := f.Of(KindKey)
	type leafIn struct {
		file *File
		cert *x509.Certificate
	}
	var leaves []leafIn
	for _, file := range append(f.Of(KindCertificate), f.Of(KindBundle)...) {
		for _, c := range file.Certs {
			if c.IsCA {
				e.cas = appendCert(e.cas, c)
			} else {
				leaves = append(leaves, leafIn{file, c})
			}
		}
	}
	for _, file := range f.Of(KindCA) {
		e.caFiles = append(e.caFiles, file)
		for _, c := range file.Certs {
			e.cas = appendCert(e.cas, c)
		}
	}
	// The CSR: one a certificate was issued for, else one made with an
	// unencrypted key here, else the newest.
	e.req = newest(reqs, func(r *File) int {
		for _, l := range leaves {
			if verify.KeyMatches(l.cert, r.CSR.PublicKey) {
				return 2
			}
		}
		for _, k := range keys {
			if k.Public != nil && publicEqual(k.Public, r.CSR.PublicKey) {
				return 1
			}
		}
		return 0
	})
	if e.req != nil {
		e.pub = e.req.CSR.PublicKey
	}
	// The key: the unencrypted one that matches, else one named like the
	// CSR, else the newest.
	e.key = newest(keys, func(k *File) int {
		switch {
		case k.Public != nil && e.pub != nil && publicEqual(k.Public, e.pub):
			return 2
		case e.req != nil && stem(k.Name) == stem(e.req.Name):
			return 1
		}
		return 0
	})
	if e.pub == nil && e.key != nil && e.key.Public != nil {
		e.pub = e.key.Public
	}
	// The certificate: the one for that public key, else the newest.
	var best *leafIn
	for i, l := range leaves {
		match := e.pub != nil && verify.KeyMatches(l.cert, e.pub)
		switch {
		case best == nil, match && !e.leafMatch, match == e.leafMatch && l.cert.NotBefore.After(best.cert.NotBefore):
			best, e.leafMatch = &leaves[i], match
		}
	}
	if best != nil {
		e.leafFile, e.leaf = best.file, best.cert
		if e.key == nil || e.key.Public == nil {
			e.key = pickByStem(keys, e.key, best.file.Name)
		}
	}
	e.fillFound()
}

// pickByStem prefers the key named like another file.
func pickByStem(keys []*File, cur *File, name string) *File {
	for _, k := range keys {
		if stem(k.Name) == stem(name) {
			return k
		}
	}
	return cur
}

func (e *eval) fillFound() {
	if e.key != nil {
		e.found.Key = e.key.Path
	}
	if e.req != nil {
		e.found.CSR = e.req.Path
		e.found.Subject = csr.FormatName(e.req.CSR.RawSubject)
		e.found.Fingerprint, _ = csr.PublicKeyFingerprint(e.req.CSR.PublicKey)
	}
	if zips := e.in.Folder.Of(KindCSRZip); len(zips) > 0 {
		e.found.CSRZip = zips[0].Path
	}
	if e.leafFile != nil {
		if e.leafFile.Kind == KindBundle {
			e.found.Bundle = e.leafFile.Path
		} else {
			e.found.Certificate = e.leafFile.Path
		}
		e.found.Subject = csr.FormatName(e.leaf.RawSubject)
		e.found.Fingerprint, _ = csr.PublicKeyFingerprint(e.leaf.PublicKey)
	}
	for _, c := range e.caFiles {
		e.found.CAFiles = append(e.found.CAFiles, c.Path)
	}
}

// newest returns the file with the highest score, the newest among equals.
func newest(files []*File, score func(*File) int) *File {
	var best *File
	bestScore := -1
	for _, f := range files {
		s := score(f)
		if s > bestScore || s == bestScore && f.ModTime.After(best.ModTime) {
			best, bestScore = f, s
		}
	}
	return best
}

// stem is a file name without its extension, in lower case.
func stem(name string) string {
	return strings.ToLower(strings.TrimSuffix(name, filepath.Ext(name)))
}

func publicEqual(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}

// appendCert adds c unless it is already there.
func appendCert(list []*x509.Certificate, c *x509.Certificate) []*x509.Certificate {
	for _, x := range list {
		if bytes.Equal(x.Raw, c.Raw) {
			return list
		}
	}
	return append(list, c)
}

// check runs the certificate checks once, against the environment's or
// the folder's roots.
func (e *eval) check() {
	e.roots, e.rootsSrc = e.in.Env.ServerRoots, e.in.Env.RootsSource
	if e.roots == nil && e.in.Profile != csr.Freja {
		for _, c := range e.cas {
			if bytes.Equal(c.RawSubject, c.RawIssuer) {
				e.roots = append(e.roots, c)
			}
		}
		if len(e.roots) > 0 {
			e.rootsSrc = "the CA certificate(s) in " + e.in.Folder.Dir
		}
	}
	if e.leaf == nil {
		return
	}
	anchors := append([]*x509.Certificate{}, e.roots...)
	for _, c := range e.cas {
		if bytes.Equal(c.RawSubject, c.RawIssuer) {
			anchors = appendCert(anchors, c)
		}
	}
	in := verify.CertInput{Leaf: e.leaf, Others: e.cas, Roots: anchors, Key: e.pub, Profile: e.in.Profile, At: e.in.Now}
	if e.req != nil {
		in.CSR = e.req.CSR
	}
	e.report = verify.CheckCertificate(in)
}
