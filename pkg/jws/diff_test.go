package jws

import (
	"crypto/rsa"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/caronboard/caronboard/pkg/jws/internal/jwstest"
)

// corpusEntry is a token of the differential corpus; stricter, when set,
// says why this package refuses by policy a token go-jose may accept.
type corpusEntry struct {
	name, token, stricter string
}

// corpus is every token the tests use: the attack table, good and
// time-failing tokens, altered tokens, and the real vectors when present.
func corpus(t testing.TB) []corpusEntry {
	var c []corpusEntry
	for _, a := range attacks() {
		c = append(c, corpusEntry{a.name, a.token, a.stricter})
	}
	s := pki.Signer.RSAKey()
	add := func(name, tok string) { c = append(c, corpusEntry{name: name, token: tok}) }
	add("auth", goodToken())
	add("auth SSN", jwstest.SignRS256(s, jwstest.Header(pki.Signer.X5T), jwstest.AuthPayload("r", jwstest.SignedAt, true)))
	add("sign SIMPLE", jwstest.SignRS256(s, jwstest.Header(pki.Signer.X5T), pki.SignPayload("r", "SIMPLE", jwstest.SignedAt)))
	add("sign EXTENDED", jwstest.SignRS256(s, jwstest.Header(pki.Signer.X5T), pki.SignPayload("r", "EXTENDED", jwstest.SignedAt)))
	add("expired signer", jwstest.SignRS256(pki.Expired.RSAKey(), jwstest.Header(pki.Expired.X5T), jwstest.AuthPayload("r", jwstest.ExpiredSignedAt, false)))
	add("signed after expiry", jwstest.SignRS256(pki.Expired.RSAKey(), jwstest.Header(pki.Expired.X5T), jwstest.AuthPayload("r", jwstest.SignedAt, false)))
	add("not yet valid", jwstest.SignRS256(pki.NotYetValid.RSAKey(), jwstest.Header(pki.NotYetValid.X5T), jwstest.AuthPayload("r", jwstest.SignedAt, false)))
	add("empty payload", jwstest.SignRS256(s, jwstest.Header(pki.Signer.X5T), nil))
	add("text payload", jwstest.SignRS256(s, jwstest.Header(pki.Signer.X5T), []byte("hello")))
	add("b64 true", jwstest.SignRS256(s, `{"alg":"RS256","b64":true,"x5t":"`+pki.Signer.X5T+`"}`, []byte("{}")))
	good := strings.Split(goodToken(), ".")
	payload, _ := b64.DecodeString(good[1])
	sig, _ := b64.DecodeString(good[2])
	for _, i := range []int{0, 1, len(payload) / 2, len(payload) - 1} {
		p := append([]byte(nil), payload...)
		p[i] ^= 0x80
		add("payload byte flipped", good[0]+"."+b64.EncodeToString(p)+"."+good[2])
	}
	for _, i := range []int{0, len(sig) / 2, len(sig) - 1} {
		p := append([]byte(nil), sig...)
		p[i] ^= 0x01
		add("signature byte flipped", good[0]+"."+good[1]+"."+b64.EncodeToString(p))
	}
	if _, err := readVectorIfPresent(vectorCert2020); err == nil {
		for _, name := range vectorTokens {
			tok := vectorToken(t, name)
			add(name, tok)
			parts := strings.Split(tok, ".")
			p, _ := b64.DecodeString(parts[1])
			p[len(p)/3] ^= 0x04
			add(name+" altered", parts[0]+"."+b64.EncodeToString(p)+"."+parts[2])
		}
	}
	return c
}

// TestDifferentialGoJose checks the RS256 verifier against go-jose used
// directly: for every token of the corpus and every key, this package's
// verdict (structure, policy and signature, without trust lookup or time)
// equals go-jose's ParseSignedCompact(RS256) + Verify(key), except where a
// corpus entry names the policy that makes this package stricter. It never
// accepts what go-jose refuses.
func TestDifferentialGoJose(t *testing.T) {
	keys := map[string]*rsa.PublicKey{
		"signer": &pki.Signer.RSAKey().PublicKey, "other": &pki.Other.RSAKey().PublicKey,
		"expired": &pki.Expired.RSAKey().PublicKey, "not yet valid": &pki.NotYetValid.RSAKey().PublicKey,
		"attacker": &pki.Attacker.RSAKey().PublicKey,
	}
	if data, err := readVectorIfPresent(vectorCert2020); err == nil {
		certs, err := ParseCertificates(data)
		if err != nil {
			t.Fatal(err)
		}
		keys["freja test 2020"] = certs[0].PublicKey.(*rsa.PublicKey)
	} else {
		t.Log("real Freja vectors absent: differential runs on generated tokens only")
	}
	opts := testOpts(t)
	if data, err := readVectorIfPresent(vectorCert2020); err == nil {
		if _, err := opts.Trust.AddBytes(data, "", SourceFlag); err != nil {
			t.Fatal(err)
		}
	}
	entries := corpus(t)
	agreements, stricter := 0, 0
	for _, e := range entries {
		for keyName, key := range keys {
			ours := oursVerdict(e.token, key)
			theirs := goJoseVerdict(e.token, key)
			switch {
			case ours == nil && theirs != nil:
				t.Errorf("%s with %s key: accepted here, refused by go-jose: %v", e.name, keyName, theirs)
			case ours != nil && theirs == nil && e.stricter == "":
				t.Errorf("%s with %s key: refused here (%v), accepted by go-jose, and not marked stricter", e.name, keyName, ours)
			case ours != nil && theirs == nil:
				stricter++
				t.Logf("stricter: %s with %s key (%s)", e.name, keyName, e.stricter)
			default:
				agreements++
			}
		}
		// The full verification never accepts what go-jose refuses with the
		// key of the certificate the token names.
		if res, err := Verify(e.token, opts); err == nil {
			if theirs := goJoseVerdict(e.token, res.Signer.PublicKey()); theirs != nil {
				t.Errorf("%s: Verify accepted, go-jose refused: %v", e.name, theirs)
			}
		}
	}
	t.Logf("%d tokens × %d keys: %d agreements, %d refusals by stricter policy", len(entries), len(keys), agreements, stricter)
}

// oursVerdict runs this package's verifier with a given key, skipping the
// trust lookup and the time check.
func oursVerdict(token string, key *rsa.PublicKey) error {
	if len(token) > MaxTokenSize {
		return ErrTooLarge
	}
	v := newVerifier(Options{})
	p, err := split([]byte(token))
	if err != nil {
		return err
	}
	h, err := v.header(p.header)
	if err != nil {
		return err
	}
	if err := checkPolicy(h, len(p.sig)); err != nil {
		return err
	}
	_, err = v.checkSignature(p, key)
	return err
}

func goJoseVerdict(token string, key *rsa.PublicKey) error {
	obj, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return err
	}
	_, err = obj.Verify(key)
	return err
}

func readVectorIfPresent(name string) ([]byte, error) {
	return osReadFile(vectorsDir + name)
}
