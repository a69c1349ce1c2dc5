package auth

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// t0 is the tests' "now".
var t0 = time.Date(2026, 11, 30, 11, 0, 0, 0, time.UTC)

// signer is a test key pair and the algorithm it signs with.
type signer struct {
	kid  string
	alg  jose.SignatureAlgorithm
	priv crypto.Signer
}

// Keys are generated once per test binary: RSA generation is slow under -race.
var (
	rsaKey  = sync.OnceValue(func() crypto.Signer { return must(rsa.GenerateKey(rand.Reader, 2048)) })
	rsaKey2 = sync.OnceValue(func() crypto.Signer { return must(rsa.GenerateKey(rand.Reader, 2048)) })
	ecKey   = sync.OnceValue(func() crypto.Signer { return must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)) })
	edKey   = sync.OnceValue(func() crypto.Signer { _, k := must2(ed25519.GenerateKey(rand.Reader)); return k })
)

func rsaSigner() signer  { return signer{"rsa-1", jose.RS256, rsaKey()} }
func rsaSigner2() signer { return signer{"rsa-2", jose.RS256, rsaKey2()} }
func ecSigner() signer   { return signer{"ec-1", jose.ES256, ecKey()} }
func edSigner() signer   { return signer{"ed-1", jose.EdDSA, edKey()} }

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

// jwk is the public JWK of s, declaring its algorithm.
func (s signer) jwk() jose.JSONWebKey {
	return jose.JSONWebKey{Key: s.priv.Public(), KeyID: s.kid, Algorithm: string(s.alg), Use: "sig"}
}

// sign returns a compact JWS of claims, with s's key id in its header.
func (s signer) sign(t testing.TB, claims map[string]any) string {
	t.Helper()
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: s.alg, Key: jose.JSONWebKey{Key: s.priv, KeyID: s.kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := sig.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// rawToken builds a token by hand, for headers go-jose will not sign (alg none, HMAC with a
// public key). mac signs "header.payload"; nil leaves the signature empty.
func rawToken(t testing.TB, header, claims map[string]any, mac func([]byte) []byte) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := enc(header) + "." + enc(claims)
	var sig []byte
	if mac != nil {
		sig = mac([]byte(input))
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// claims returns valid claims at t0, with edits applied (a nil value deletes the claim).
func claims(edits map[string]any) map[string]any {
	c := map[string]any{
		"sub":   "user-1",
		"iss":   "https://issuer.test",
		"aud":   "trellis",
		"iat":   t0.Unix(),
		"exp":   t0.Add(time.Hour).Unix(),
		"scope": "read:products write:reviews",
	}
	for k, v := range edits {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

func jwksBody(t testing.TB, keys ...jose.JSONWebKey) []byte {
	t.Helper()
	b, err := json.Marshal(jose.JSONWebKeySet{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func jwksOf(t testing.TB, signers ...signer) []byte {
	keys := make([]jose.JSONWebKey, len(signers))
	for i, s := range signers {
		keys[i] = s.jwk()
	}
	return jwksBody(t, keys...)
}

// writeJWKS writes body to a file and returns its path.
func writeJWKS(t testing.TB, body []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// jwksServer serves a JWKS that tests can change, fail, or hold, and counts its requests.
type jwksServer struct {
	*httptest.Server
	hits   atomic.Int32
	body   atomic.Pointer[[]byte]
	status atomic.Int32                  // 0: 200
	gate   atomic.Pointer[chan struct{}] // when set, requests wait for it to close
}

func newJWKSServer(t testing.TB, body []byte) *jwksServer {
	s := &jwksServer{}
	s.serve(body)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		if g := s.gate.Load(); g != nil {
			select {
			case <-*g:
			case <-r.Context().Done():
				return
			}
		}
		if st := s.status.Load(); st != 0 {
			http.Error(w, "down", int(st))
			return
		}
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.Write(*s.body.Load())
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) serve(body []byte) { s.body.Store(&body) }

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// testConfig is DefaultConfig with the given sources, the test issuer and audience, and an
// hour between refreshes so that the loop does not run during a test.
func testConfig(sources ...JWKSSource) Config {
	cfg := DefaultConfig()
	cfg.JWKS = sources
	cfg.Issuers = []string{"https://issuer.test"}
	cfg.Audiences = []string{"trellis"}
	cfg.Refresh = time.Hour
	return cfg
}

// logBuffer is a slog destination that tests can read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func newTestAuth(t testing.TB, cfg Config, clk *clock, log *slog.Logger) *Authenticator {
	t.Helper()
	a, err := newAuthenticator(cfg, nil, log, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// fileAuth is an Authenticator over a JWKS file of the given signers, at t0.
func fileAuth(t testing.TB, cfg func(*Config), signers ...signer) *Authenticator {
	t.Helper()
	c := testConfig(JWKSSource{File: writeJWKS(t, jwksOf(t, signers...))})
	if cfg != nil {
		cfg(&c)
	}
	return newTestAuth(t, c, &clock{now: t0}, nil)
}

func request(header ...string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	return r
}

func bearer(token string) *http.Request { return request("Authorization", "Bearer "+token) }

// message is the client message of an *Error, "" for nil, and fails the test for any other error.
func message(t testing.TB, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *auth.Error", err, err)
	}
	return e.Message
}
