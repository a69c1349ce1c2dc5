package auth

import (
	"strings"
	"testing"
	"time"
)

// TestVerifiedTokenExpires: a token whose signature was checked once is still refused once
// it expires.
func TestVerifiedTokenExpires(t *testing.T) {
	srv := newJWKSServer(t, jwksOf(t, rsaSigner()))
	a, clk := urlAuth(t, srv, nil, nil)
	tok := rsaSigner().sign(t, claims(nil))
	first, err := a.Authenticate(bearer(tok))
	if err != nil {
		t.Fatal(err)
	}
	a.verified.Wait()
	if again, err := a.Authenticate(bearer(tok)); err != nil || again != first {
		t.Fatalf("second use: %v, same identity %v (a cache hit returns the identity verified first)", err, again == first)
	}
	clk.advance(2 * time.Hour)
	if _, err := a.Authenticate(bearer(tok)); err == nil || !strings.Contains(message(t, err), "expired") {
		t.Fatalf("expired token accepted from the cache: %v", err)
	}
}

// TestVerifiedTokenKeyRemoved: once the key set no longer holds a token's key, the token is
// refused even though its signature was checked before.
func TestVerifiedTokenKeyRemoved(t *testing.T) {
	srv := newJWKSServer(t, jwksOf(t, rsaSigner()))
	a, _ := urlAuth(t, srv, nil, nil)
	old := rsaSigner().sign(t, claims(nil))
	if _, err := a.Authenticate(bearer(old)); err != nil {
		t.Fatal(err)
	}
	a.verified.Wait()
	srv.serve(jwksOf(t, rsaSigner2())) // rotation: rsa-1 removed
	if _, err := a.Authenticate(bearer(rsaSigner2().sign(t, claims(nil)))); err != nil {
		t.Fatalf("new key: %v", err) // its unknown kid refetched the key set
	}
	if _, err := a.Authenticate(bearer(old)); err == nil || !strings.Contains(message(t, err), `"rsa-1" is not in the JWKS`) {
		t.Fatalf("token of a removed key accepted from the cache: %v", err)
	}
}

// TestVerifiedTokenExact: a token that differs from a verified one in its signature is
// checked, not taken from the cache.
func TestVerifiedTokenExact(t *testing.T) {
	a := fileAuth(t, nil, rsaSigner())
	tok := rsaSigner().sign(t, claims(nil))
	if _, err := a.Authenticate(bearer(tok)); err != nil {
		t.Fatal(err)
	}
	a.verified.Wait()
	forged := tok[:len(tok)-4] + "AAAA"
	if forged == tok {
		forged = tok[:len(tok)-4] + "BBBB"
	}
	if _, err := a.Authenticate(bearer(forged)); err == nil {
		t.Fatal("a token with another signature was accepted")
	}
}

// TestIssuerBoundKeys: with a source per identity provider, one provider's key cannot sign a
// token in the other's name.
func TestIssuerBoundKeys(t *testing.T) {
	c := testConfig(
		JWKSSource{File: writeJWKS(t, jwksOf(t, rsaSigner())), Issuer: "https://corp.example"},
		JWKSSource{File: writeJWKS(t, jwksOf(t, ecSigner())), Issuer: "https://partner.example"},
	)
	c.Issuers = []string{"https://corp.example", "https://partner.example"}
	a := newTestAuth(t, c, &clock{now: t0}, nil)
	if _, err := a.Authenticate(bearer(rsaSigner().sign(t, claims(map[string]any{"iss": "https://corp.example"})))); err != nil {
		t.Fatalf("corp token: %v", err)
	}
	if _, err := a.Authenticate(bearer(ecSigner().sign(t, claims(map[string]any{"iss": "https://partner.example"})))); err != nil {
		t.Fatalf("partner token: %v", err)
	}
	_, err := a.Authenticate(bearer(ecSigner().sign(t, claims(map[string]any{"iss": "https://corp.example"}))))
	if got := message(t, err); got != `the token's issuer "https://corp.example" is not the issuer of the key that signed it` {
		t.Fatalf("partner key signing for corp: %q", got)
	}
}
