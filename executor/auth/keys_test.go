package auth

import (
	"crypto/ecdsa"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// urlAuth is an Authenticator over srv's JWKS, with a settable clock.
func urlAuth(t *testing.T, srv *jwksServer, cfg func(*Config), log *slog.Logger) (*Authenticator, *clock) {
	t.Helper()
	c := testConfig(JWKSSource{URL: srv.URL + "/jwks.json"})
	if cfg != nil {
		cfg(&c)
	}
	clk := &clock{now: t0}
	return newTestAuth(t, c, clk, log), clk
}

func wantHits(t *testing.T, srv *jwksServer, want int32) {
	t.Helper()
	if got := srv.hits.Load(); got != want {
		t.Fatalf("JWKS server hits = %d; want %d", got, want)
	}
}

func TestURLKeys(t *testing.T) {
	srv := newJWKSServer(t, jwksOf(t, rsaSigner(), ecSigner()))
	a, _ := urlAuth(t, srv, nil, nil)
	wantHits(t, srv, 1)
	for _, s := range []signer{rsaSigner(), ecSigner()} {
		if _, err := a.Authenticate(bearer(s.sign(t, claims(nil)))); err != nil {
			t.Fatalf("%s: %v", s.alg, err)
		}
	}
	wantHits(t, srv, 1)
}

// TestUnknownKeyID checks that unknown key ids refetch at most once per MinRefetchInterval.
func TestUnknownKeyID(t *testing.T) {
	srv := newJWKSServer(t, jwksOf(t, rsaSigner()))
	a, clk := urlAuth(t, srv, nil, nil)
	unknown := func(kid string) {
		t.Helper()
		_, err := a.Authenticate(bearer(signer{kid, jose.RS256, rsaKey2()}.sign(t, claims(nil))))
		if got, want := message(t, err), `the token's key id "`+kid+`" is not in the JWKS`; got != want {
			t.Fatalf("Authenticate = %q; want %q", got, want)
		}
	}
	unknown("random-1")
	wantHits(t, srv, 2)
	clk.advance(29 * time.Second)
	unknown("random-2")
	unknown("random-3")
	wantHits(t, srv, 2)
	clk.advance(time.Second)
	unknown("random-4")
	wantHits(t, srv, 3)
}

func TestKeyRotation(t *testing.T) {
	srv := newJWKSServer(t, jwksOf(t, rsaSigner()))
	a, _ := urlAuth(t, srv, nil, nil)
	srv.serve(jwksOf(t, rsaSigner2()))
	id, err := a.Authenticate(bearer(rsaSigner2().sign(t, claims(nil))))
	if err != nil || id.Subject != "user-1" {
		t.Fatalf("Authenticate(new key) = %v, %v", id, err)
	}
	wantHits(t, srv, 2)
	// The old key left the JWKS with the refetch.
	_, err = a.Authenticate(bearer(rsaSigner().sign(t, claims(nil))))
	if got, want := message(t, err), `the token's key id "rsa-1" is not in the JWKS`; got != want {
		t.Fatalf("Authenticate(old key) = %q; want %q", got, want)
	}
}

// TestFailedRefresh checks that a refresh that fails in any way keeps the last good keys.
func TestFailedRefresh(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int32
		body   string
		log    string
	}{
		{"server down", 503, "", "error=\"status 503 Service Unavailable\""},
		{"not JSON", 0, "<html>", "not a JWKS document"},
		{"no keys", 0, `{"keys":[]}`, "no usable signature key among its 0 keys"},
		{"only an encryption key", 0, `{"keys":[{"kty":"oct","k":"c2VjcmV0","use":"enc"}]}`, "no usable signature key among its 1 keys"},
		{"oversized", 0, `{"keys":[],"pad":"` + strings.Repeat("x", maxJWKSBytes) + `"}`, "body: over the limit of 1048576 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newJWKSServer(t, jwksOf(t, rsaSigner()))
			var logs logBuffer
			a, _ := urlAuth(t, srv, nil, slog.New(slog.NewTextHandler(&logs, nil)))
			srv.status.Store(tc.status)
			srv.serve([]byte(tc.body))
			<-a.keys.fetch()
			wantHits(t, srv, 2)
			if _, err := a.Authenticate(bearer(rsaSigner().sign(t, claims(nil)))); err != nil {
				t.Fatalf("Authenticate after a failed refresh: %v", err)
			}
			if !strings.Contains(logs.String(), "JWKS fetch failed") || !strings.Contains(logs.String(), tc.log) {
				t.Fatalf("log = %q; want a failed fetch with %q", logs.String(), tc.log)
			}
		})
	}
}

// TestStartWithServerDown checks that New succeeds and the keys arrive with a later fetch.
func TestStartWithServerDown(t *testing.T) {
	srv := newJWKSServer(t, jwksOf(t, rsaSigner()))
	srv.status.Store(500)
	a, _ := urlAuth(t, srv, nil, nil)
	srv.status.Store(0)
	if _, err := a.Authenticate(bearer(rsaSigner().sign(t, claims(nil)))); err != nil {
		t.Fatalf("Authenticate once the server is up: %v", err)
	}
	wantHits(t, srv, 2)
}

// TestRefreshLoop checks that the loop picks up new keys and stops at Close.
func TestRefreshLoop(t *testing.T) {
	srv := newJWKSServer(t, jwksOf(t, rsaSigner()))
	a, _ := urlAuth(t, srv, func(c *Config) { c.Refresh = 20 * time.Millisecond }, nil)
	srv.serve(jwksOf(t, rsaSigner2()))
	deadline := time.Now().Add(5 * time.Second)
	for !a.keys.has("rsa-2") {
		if time.Now().After(deadline) {
			t.Fatal("the refresh loop did not fetch the new key within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	a.Close()
	a.Close()
	hits := srv.hits.Load()
	time.Sleep(100 * time.Millisecond)
	wantHits(t, srv, hits)
	if _, err := a.Authenticate(bearer(rsaSigner2().sign(t, claims(nil)))); err != nil {
		t.Fatalf("Authenticate after Close: %v", err)
	}
}

func (s *keyStore) has(kid string) bool {
	_, ok := s.set.Load().byID[kid]
	return ok
}

// TestSharedRefetch checks that concurrent requests with a new key id wait for one fetch.
func TestSharedRefetch(t *testing.T) {
	srv := newJWKSServer(t, jwksOf(t, rsaSigner()))
	a, _ := urlAuth(t, srv, nil, nil)
	gate := make(chan struct{})
	srv.gate.Store(&gate)
	srv.serve(jwksOf(t, rsaSigner2()))
	token := rsaSigner2().sign(t, claims(nil))
	const n = 20
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			_, err := a.Authenticate(bearer(token))
			errs <- err
		})
	}
	for srv.hits.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the other requests join the fetch
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Authenticate: %v", err)
		}
	}
	wantHits(t, srv, 2)
}

// TestFetchTimeout checks that an unknown key id waits no longer than FetchTimeout.
func TestFetchTimeout(t *testing.T) {
	srv := newJWKSServer(t, jwksOf(t, rsaSigner()))
	a, _ := urlAuth(t, srv, func(c *Config) { c.FetchTimeout = 50 * time.Millisecond }, nil)
	gate := make(chan struct{})
	defer close(gate)
	srv.gate.Store(&gate)
	start := time.Now()
	_, err := a.Authenticate(bearer(rsaSigner2().sign(t, claims(nil))))
	if got, want := message(t, err), `the token's key id "rsa-2" is not in the JWKS`; got != want {
		t.Fatalf("Authenticate = %q; want %q", got, want)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Authenticate took %v with a 50ms fetch timeout", d)
	}
	if _, err := a.Authenticate(bearer(rsaSigner().sign(t, claims(nil)))); err != nil {
		t.Fatalf("Authenticate(known key) after a timed-out fetch: %v", err)
	}
}

func TestFileErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		path string
		want string
	}{
		{"missing", dir + "/missing.json", "auth.jwks[0]: cannot read the JWKS file: open " + dir + "/missing.json: no such file or directory"},
		{"not JSON", writeJWKS(t, []byte("keys")), "not a JWKS document (a JSON object with a \"keys\" array): invalid character 'k' looking for beginning of value"},
		{"no usable key", writeJWKS(t, []byte(`{"keys":[{"kty":"XYZ"}]}`)), "no usable signature key among its 1 keys"},
		{"oversized", writeJWKS(t, make([]byte, maxJWKSBytes+1)), "over the limit of 1048576 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newAuthenticator(testConfig(JWKSSource{File: tc.path}), nil, nil, time.Now)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "auth.jwks[0]: ") {
				t.Fatalf("New = %v; want auth.jwks[0]: ...%s", err, tc.want)
			}
		})
	}
}

func TestParseJWKS(t *testing.T) {
	priv := jose.JSONWebKey{Key: ecKey(), KeyID: "leaked"}
	body := jwksBody(t, rsaSigner().jwk(), priv, jose.JSONWebKey{Key: []byte("secret"), KeyID: "enc", Use: "enc"})
	body = []byte(strings.Replace(string(body), `{"keys":[`, `{"keys":[{"kty":"XYZ","kid":"odd"},`, 1))
	var logs logBuffer
	keys, err := parseJWKS(body, "test", slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, k := range keys {
		got = append(got, k.id)
	}
	if strings.Join(got, ",") != "rsa-1,leaked" {
		t.Fatalf("keys = %v; want rsa-1,leaked", got)
	}
	if _, public := keys[1].pub.(*ecdsa.PublicKey); !public {
		t.Errorf("the leaked private key was kept as %T; want its *ecdsa.PublicKey", keys[1].pub)
	}
	if n := strings.Count(logs.String(), "skipping a JWKS key"); n != 2 {
		t.Errorf("log = %q; want 2 skipped keys", logs.String())
	}
}
