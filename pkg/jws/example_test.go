package jws_test

import (
	"fmt"
	"sync"
	"time"

	"github.com/caronboard/caronboard/pkg/jws"
	"github.com/caronboard/caronboard/pkg/jws/internal/jwstest"
)

var (
	examplePKI  *jwstest.PKI
	examplePKIs sync.Once
)

// exampleResult returns a trust store holding a test signing certificate
// (tagged freja-test, as Freja's test certificates must be) and the details
// token of an approved authentication result it signed at signedAt. A real
// backend builds its store once: jws.EmbeddedTrust(), then AddBytes with
// Freja's current signing certificate.
func exampleResult(authRef string, signedAt time.Time) (*jws.TrustStore, string) {
	examplePKIs.Do(func() {
		var err error
		if examplePKI, err = jwstest.NewPKI(); err != nil {
			panic(err)
		}
	})
	trust := jws.NewTrustStore()
	if _, err := trust.Add(examplePKI.Signer.Cert, jws.EnvFrejaTest, jws.SourceUser); err != nil {
		panic(err)
	}
	token := jwstest.SignRS256(examplePKI.Signer.RSAKey(), jwstest.Header(examplePKI.Signer.X5T),
		jwstest.AuthPayload(authRef, signedAt, false))
	return trust, token
}

// A relying party's backend verifies a result as it arrives: it must
// answer the request the backend initiated (authRef), be fresh, and come
// from the environment the backend runs against.
func ExampleVerifyLive() {
	signedAt := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	trust, details := exampleResult("the-authRef-initAuthentication-returned", signedAt)

	opts := jws.LiveOptions{
		Trust:       trust,
		Environment: jws.EnvFrejaTest, // jws.EnvFrejaProd in production
		Ref:         "the-authRef-initAuthentication-returned",
		MaxAge:      2 * time.Minute,
		Now:         signedAt.Add(3 * time.Second), // time.Now() in a real backend
		User:        &jws.User{Type: "EMAIL", Value: "test.user@example.org"},
	}
	res, err := jws.VerifyLive(details, opts)
	if err != nil {
		fmt.Println("refused:", jws.CodeOf(err))
		return
	}
	fmt.Println(res.Status, res.RefName)

	// The same token replayed an hour later, or for another login attempt:
	opts.Now = signedAt.Add(time.Hour)
	_, err = jws.VerifyLive(details, opts)
	fmt.Println("an hour later:", jws.CodeOf(err))
	opts.Now, opts.Ref = signedAt.Add(3*time.Second), "another-authRef"
	_, err = jws.VerifyLive(details, opts)
	fmt.Println("another request:", jws.CodeOf(err))
	// Output:
	// APPROVED authRef
	// an hour later: stale_result
	// another request: ref_mismatch
}

// Verify re-verifies an archived result: it proves that Freja signed it
// and that the certificate was valid then, whenever that was. It does not
// protect against replay.
func ExampleVerify() {
	signedAt := time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)
	trust, details := exampleResult("an-archived-authRef", signedAt)

	res, err := jws.Verify(details, jws.Options{
		Trust:       trust,
		Environment: jws.EnvFrejaTest,
		Now:         time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC), // time.Now()
	})
	if err != nil {
		fmt.Println("refused:", jws.CodeOf(err))
		return
	}
	fmt.Println(res.Status, res.Ref, "signed", res.SigningTime.Format(time.DateOnly))

	// A test-signed result never passes as a production one.
	_, err = jws.Verify(details, jws.Options{Trust: trust, Environment: jws.EnvFrejaProd, Now: signedAt})
	fmt.Println("under freja-prod:", jws.CodeOf(err))
	// Output:
	// APPROVED an-archived-authRef signed 2025-03-14
	// under freja-prod: unknown_x5t
}
