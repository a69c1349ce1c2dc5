package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// hs256 signs with secret as an HMAC-SHA256 key.
func hs256(secret []byte) func([]byte) []byte {
	return func(input []byte) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write(input)
		return m.Sum(nil)
	}
}

// rsaPublicPEM is the RSA public key as an attacker would use it for the HS256/RS256 confusion:
// the PEM text a verifier might pass to HMAC as a secret.
func rsaPublicPEM(t *testing.T) []byte {
	der, err := x509.MarshalPKIXPublicKey(rsaKey().Public())
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func TestRefusedTokens(t *testing.T) {
	withHS256 := func(c *Config) { c.Algorithms = append(c.Algorithms, "HS256") }
	good := rsaSigner().sign(t, claims(nil))
	parts := strings.Split(good, ".")
	other := rsaSigner().sign(t, claims(map[string]any{"sub": "admin"}))
	for _, tc := range []struct {
		name  string
		cfg   func(*Config)
		token func(t *testing.T) string
		want  string
	}{
		{"alg none", nil, func(t *testing.T) string {
			return rawToken(t, map[string]any{"alg": "none", "typ": "JWT"}, claims(nil), nil)
		}, `the token's algorithm "none" is not allowed`},
		{"alg none with a key id", nil, func(t *testing.T) string {
			return rawToken(t, map[string]any{"alg": "none", "kid": "rsa-1"}, claims(nil), nil)
		}, `the token's algorithm "none" is not allowed`},
		{"HS256 with the RSA public key as secret", nil, func(t *testing.T) string {
			return rawToken(t, map[string]any{"alg": "HS256", "kid": "rsa-1"}, claims(nil), hs256(rsaPublicPEM(t)))
		}, `the token's algorithm "HS256" is not allowed`},
		{"HS256 allowed, RSA key id", withHS256, func(t *testing.T) string {
			return rawToken(t, map[string]any{"alg": "HS256", "kid": "rsa-1"}, claims(nil), hs256(rsaPublicPEM(t)))
		}, `the token's key "rsa-1" does not fit its algorithm HS256`},
		{"HS256 allowed, no key id", withHS256, func(t *testing.T) string {
			return rawToken(t, map[string]any{"alg": "HS256"}, claims(nil), hs256(rsaPublicPEM(t)))
		}, "no JWKS key fits the token's algorithm HS256"},
		{"RS256 key used for ES256", nil, func(t *testing.T) string {
			return signer{"rsa-1", jose.ES256, ecKey()}.sign(t, claims(nil))
		}, `the token's key "rsa-1" does not fit its algorithm ES256`},
		{"JWK declares another algorithm", nil, func(t *testing.T) string {
			return signer{"rsa-1", jose.PS256, rsaKey()}.sign(t, claims(nil))
		}, `the token's key "rsa-1" does not fit its algorithm PS256`},
		{"payload swapped", nil, func(*testing.T) string {
			return parts[0] + "." + strings.Split(other, ".")[1] + "." + parts[2]
		}, "the token's signature is invalid"},
		{"signed by another key", nil, func(t *testing.T) string {
			return signer{"rsa-1", jose.RS256, rsaKey2()}.sign(t, claims(nil))
		}, "the token's signature is invalid"},
		{"signature removed", nil, func(*testing.T) string {
			return parts[0] + "." + parts[1] + "."
		}, "the token's signature is invalid"},
		{"unknown algorithm", nil, func(t *testing.T) string {
			return rawToken(t, map[string]any{"alg": "RS1"}, claims(nil), nil)
		}, `the token's algorithm "RS1" is not allowed`},
		{"algorithm not configured", func(c *Config) { c.Algorithms = []string{"ES256"} }, func(*testing.T) string {
			return good
		}, `the token's algorithm "RS256" is not allowed`},
		{"long key id is cut short", nil, func(t *testing.T) string {
			return signer{strings.Repeat("k", 100), jose.RS256, rsaKey()}.sign(t, claims(nil))
		}, `the token's key id "` + strings.Repeat("k", 64) + `"… is not in the JWKS`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := fileAuth(t, tc.cfg, rsaSigner())
			id, err := a.Authenticate(bearer(tc.token(t)))
			if got := message(t, err); got != tc.want || id != nil {
				t.Fatalf("Authenticate = %v, %q; want nil, %q", id, got, tc.want)
			}
		})
	}
}

// TestHMAC checks that HS256 verifies with an oct key only when listed in Algorithms.
func TestHMAC(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	jwks := writeJWKS(t, jwksBody(t, jose.JSONWebKey{Key: secret, KeyID: "shared", Algorithm: "HS256"}))
	token := rawToken(t, map[string]any{"alg": "HS256", "kid": "shared"}, claims(nil), hs256(secret))
	for _, tc := range []struct {
		name string
		algs []string
		want string
	}{
		{"listed", []string{"RS256", "HS256"}, ""},
		{"default algorithms", DefaultConfig().Algorithms, `the token's algorithm "HS256" is not allowed`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(JWKSSource{File: jwks})
			cfg.Algorithms = tc.algs
			a := newTestAuth(t, cfg, &clock{now: t0}, nil)
			_, err := a.Authenticate(bearer(token))
			if got := message(t, err); got != tc.want {
				t.Fatalf("Authenticate = %q; want %q", got, tc.want)
			}
		})
	}
}
