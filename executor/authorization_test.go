package executor_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/executor/auth"
)

// issuer signs test tokens with one key published in a JWKS file.
type issuer struct {
	key  any // *ecdsa.PrivateKey or *rsa.PrivateKey
	alg  jose.SignatureAlgorithm
	jwks string // the JWKS file
}

func newIssuer(t testing.TB) *issuer {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return publish(t, &issuer{key: key, alg: jose.ES256}, &key.PublicKey)
}

// newRSAIssuer signs with RS256, the most common algorithm of identity providers.
func newRSAIssuer(t testing.TB) *issuer {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return publish(t, &issuer{key: key, alg: jose.RS256}, &key.PublicKey)
}

func publish(t testing.TB, is *issuer, public any) *issuer {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: public, KeyID: "test", Algorithm: string(is.alg), Use: "sig"}}}
	raw, _ := json.Marshal(set)
	is.jwks = filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(is.jwks, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return is
}

// token signs claims (a JSON object) with an expiry an hour ahead.
func (is *issuer) token(t testing.TB, claims string) string {
	var c map[string]any
	if err := json.Unmarshal([]byte(claims), &c); err != nil {
		t.Fatalf("claims %s: %v", claims, err)
	}
	if _, ok := c["exp"]; !ok {
		c["exp"] = time.Now().Add(time.Hour).Unix()
	}
	payload, _ := json.Marshal(c)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: is.alg, Key: jose.JSONWebKey{Key: is.key, KeyID: "test"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := obj.CompactSerialize()
	return tok
}

// authConfig turns JWT authentication on with the issuer's keys.
func (is *issuer) authConfig() auth.Config {
	a := auth.DefaultConfig()
	a.JWKS = []auth.JWKSSource{{File: is.jwks}}
	return a
}

// TestAuthorizationCorpus runs testdata/authorization like the federation corpus. An
// operation's "# claims:" header is sent as a signed token; config.json holds the policies.
func TestAuthorizationCorpus(t *testing.T) {
	is := newIssuer(t)
	dirs, _ := filepath.Glob("../testdata/authorization/*")
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var conf struct {
				Policies map[string]string `json:"policies"`
			}
			if raw, err := os.ReadFile(filepath.Join(dir, "config.json")); err == nil {
				if err := json.Unmarshal(raw, &conf); err != nil {
					t.Fatalf("config.json: %v", err)
				}
			}
			c := startCase(t, dir)
			c.configure = func(t testing.TB, src string, cfg *executor.Config) http.Header {
				cfg.Auth = is.authConfig()
				cfg.Authorization.Policies = conf.Policies
				h := http.Header{}
				if claims := header(src, "claims"); claims != "" {
					h.Set("Authorization", "Bearer "+is.token(t, claims))
				}
				return h
			}
			runStartedCase(t, c)
		})
	}
}
