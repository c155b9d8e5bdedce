package jws

import (
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/caronboard/caronboard/pkg/jws/internal/jwstest"
)

// pki is the test PKI, made once for all tests.
var pki *jwstest.PKI

func TestMain(m *testing.M) {
	var err error
	if pki, err = jwstest.NewPKI(); err != nil {
		fmt.Fprintln(os.Stderr, "making the test PKI:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// now is the "current time" every test passes in.
var now = jwstest.Now

// testTrust trusts the PKI's signing certificates (not the attacker's).
func testTrust(t testing.TB) *TrustStore {
	t.Helper()
	s := NewTrustStore()
	for _, c := range []*jwstest.Cert{pki.Signer, pki.Other, pki.Expired, pki.NotYetValid} {
		if _, err := s.Add(c.Cert, "", SourceFlag); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func testOpts(t testing.TB) Options {
	return Options{Trust: testTrust(t), Environment: EnvAny, Now: now}
}

// goodToken is an authentication result signed by the valid signer.
func goodToken() string {
	return jwstest.SignRS256(pki.Signer.RSAKey(), jwstest.Header(pki.Signer.X5T),
		jwstest.AuthPayload(jwstest.Ref(1), jwstest.SignedAt, false))
}

// wantCode fails unless err is an *Error with the code, matched both by
// CodeOf and by errors.Is against the sentinel.
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", code)
	}
	if got := CodeOf(err); got != code {
		t.Fatalf("error code %q (%v), want %q", got, err, code)
	}
	if !errors.Is(err, &Error{Code: code}) {
		t.Fatalf("errors.Is does not match code %s", code)
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func asError(err error, target **Error) bool { return errors.As(err, target) }
