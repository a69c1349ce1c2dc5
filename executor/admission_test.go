package executor_test

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

const authzCase = "../testdata/authorization/01-fields-types-fragments"

// caseGateway starts the authorization case's subgraphs and a gateway configured by set.
func caseGateway(t *testing.T, set func(*executor.Config)) (*executor.Gateway, *corpusCase) {
	return caseGatewayAt(t, authzCase, set)
}

func caseGatewayAt(t *testing.T, dir string, set func(*executor.Config)) (*executor.Gateway, *corpusCase) {
	c := startCase(t, dir)
	sg, err := supergraph.Load("supergraph.graphql", c.sdl)
	if err != nil {
		t.Fatal(err)
	}
	cfg := executor.DefaultConfig()
	set(&cfg)
	gw, err := executor.New(cfg, sg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	return gw, c
}

func (c *corpusCase) totalRequests() int {
	n := 0
	for _, s := range c.subgraphs {
		n += len(s.Requests())
	}
	return n
}

// send posts body with the given headers and returns the status and the body.
func send(gw http.Handler, body string, headers ...string) (int, http.Header, string) {
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	gw.ServeHTTP(rec, req)
	return rec.Code, rec.Header(), rec.Body.String()
}

func TestInvalidTokenRefusedBeforeAnyFetch(t *testing.T) {
	is := newIssuer(t)
	other := newIssuer(t) // a key the gateway does not trust
	gw, c := caseGateway(t, func(cfg *executor.Config) { cfg.Auth = is.authConfig() })
	tests := []struct{ name, header, want string }{
		{"garbage", "Bearer not-a-token", "UNAUTHENTICATED"},
		{"unknown key", "Bearer " + other.token(t, `{"sub": "1"}`), "UNAUTHENTICATED"},
		{"expired", "Bearer " + is.token(t, `{"sub": "1", "exp": 1000}`), "expired"},
		{"wrong scheme", "Basic dXNlcjpwYXNz", "UNAUTHENTICATED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := send(gw, `{"query":"{ topProducts { name } }"}`, "Authorization", tt.header)
			if status != http.StatusUnauthorized || !strings.Contains(body, tt.want) || strings.Contains(body, `"data"`) {
				t.Fatalf("status %d body %s", status, body)
			}
			if h.Get("WWW-Authenticate") == "" {
				t.Fatal("no WWW-Authenticate header")
			}
			if n := c.totalRequests(); n != 0 {
				t.Fatalf("%d subgraph requests for a refused token", n)
			}
		})
	}
	if status, _, body := send(gw, `{"query":"{ topProducts { name } }"}`, "Authorization", "Bearer "+is.token(t, `{"sub": "1"}`)); status != 200 || !strings.Contains(body, "Table") {
		t.Fatalf("valid token: %d %s", status, body)
	}
}

func TestRejectMode(t *testing.T) {
	gw, c := caseGateway(t, func(cfg *executor.Config) { cfg.Authorization.Reject = true })
	status, _, body := send(gw, `{"query":"{ topProducts { name cost } }"}`)
	if status != http.StatusForbidden || !strings.Contains(body, `"path":["topProducts","@","cost"]`) || strings.Contains(body, `"data"`) {
		t.Fatalf("status %d body %s", status, body)
	}
	if n := c.totalRequests(); n != 0 {
		t.Fatalf("%d subgraph requests for a rejected operation", n)
	}
	if status, _, body := send(gw, `{"query":"{ topProducts { name } }"}`); status != 200 || !strings.Contains(body, "Table") {
		t.Fatalf("allowed operation: %d %s", status, body)
	}
}

func hashOf(q string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(q))) }

func apqBody(query, hash string) string {
	body := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}}
	if query != "" {
		body["query"] = query
	}
	raw, _ := json.Marshal(body)
	return string(raw)
}

func TestAutomaticPersistedQueries(t *testing.T) {
	gw, _ := caseGateway(t, func(*executor.Config) {})
	q := "{ topProducts { name } }"
	h := hashOf(q)
	// The Apollo client flow: hash only, PersistedQueryNotFound, then hash and query.
	status, _, body := send(gw, apqBody("", h))
	if status != 200 || !strings.Contains(body, `"message":"PersistedQueryNotFound"`) || !strings.Contains(body, "PERSISTED_QUERY_NOT_FOUND") {
		t.Fatalf("unknown hash: %d %s", status, body)
	}
	if status, _, body := send(gw, apqBody(q, h)); status != 200 || !strings.Contains(body, "Table") {
		t.Fatalf("register: %d %s", status, body)
	}
	waitFor(t, func() bool {
		_, _, body := send(gw, apqBody("", h))
		return strings.Contains(body, "Table")
	})
	if status, _, body := send(gw, apqBody("{ topProducts { upc } }", h)); status != 400 || !strings.Contains(body, "provided sha does not match query") {
		t.Fatalf("mismatch: %d %s", status, body)
	}
	if _, _, body := send(gw, `{"extensions":{"persistedQuery":{"version":2,"sha256Hash":"`+h+`"}}}`); !strings.Contains(body, "unsupported persisted query version") {
		t.Fatalf("version 2: %s", body)
	}
	// An invalid query is not registered.
	bad := "{ nope }"
	send(gw, apqBody(bad, hashOf(bad)))
	if _, _, body := send(gw, apqBody("", hashOf(bad))); !strings.Contains(body, "PersistedQueryNotFound") {
		t.Fatalf("invalid query registered: %s", body)
	}
}

func TestAPQOff(t *testing.T) {
	gw, _ := caseGateway(t, func(cfg *executor.Config) { cfg.PersistedQueries.APQ = false })
	if status, _, body := send(gw, apqBody("", hashOf("{ a }"))); status != 400 || !strings.Contains(body, "PERSISTED_QUERY_NOT_SUPPORTED") {
		t.Fatalf("%d %s", status, body)
	}
}

func TestTrustedDocuments(t *testing.T) {
	trusted := "{ topProducts { name } }"
	gw, c := caseGateway(t, func(cfg *executor.Config) {
		cfg.PersistedQueries.Trusted = map[string]string{hashOf(trusted): trusted}
	})
	if status, _, body := send(gw, apqBody("", hashOf(trusted))); status != 200 || !strings.Contains(body, "Table") {
		t.Fatalf("by hash: %d %s", status, body)
	}
	if status, _, body := send(gw, `{"query":"{ topProducts { name } }"}`); status != 200 || !strings.Contains(body, "Table") {
		t.Fatalf("by text: %d %s", status, body)
	}
	before := c.totalRequests()
	other := "{ topProducts { upc } }"
	for _, body := range []string{`{"query":"{ topProducts { upc } }"}`, apqBody(other, hashOf(other)), apqBody("", hashOf(other))} {
		status, _, resp := send(gw, body)
		if status != 400 || !strings.Contains(resp, "PERSISTED_QUERY_NOT_IN_LIST") {
			t.Fatalf("untrusted %s: %d %s", body, status, resp)
		}
	}
	if c.totalRequests() != before {
		t.Fatal("an untrusted operation reached a subgraph")
	}
}

func TestTrustedManifestChecked(t *testing.T) {
	cfg := executor.DefaultConfig()
	cfg.PersistedQueries.Trusted = map[string]string{hashOf("{ a }"): "{ b }"}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "regenerate the manifest") {
		t.Fatalf("Validate = %v", err)
	}
	cfg = executor.DefaultConfig()
	cfg.Authorization.Policies = map[string]string{"admin": `claims.role = "admin"`}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "authorization.policies.admin: column 13") {
		t.Fatalf("Validate = %v", err)
	}
}

// waitFor polls cond (caches apply writes asynchronously) for up to two seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not met within 2s")
}

// TestCacheStats: the caches count their hits and misses for the metrics.
func TestCacheStats(t *testing.T) {
	gw, _ := caseGateway(t, func(*executor.Config) {})
	send(gw, apqBody("", hashOf("{ topProducts { name } }"))) // an APQ miss
	send(gw, `{"query":"{ topProducts { name } }"}`)
	waitFor(t, func() bool {
		send(gw, `{"query":"{ topProducts { name } }"}`)
		return gw.CacheStats()["plans"].Hits > 0
	})
	s := gw.CacheStats()
	for _, name := range []string{"plans", "documents", "operations"} {
		if s[name].Misses == 0 || s[name].Hits == 0 {
			t.Errorf("%s: %+v, want hits and misses", name, s[name])
		}
	}
	if s["apq"].Misses != 1 || s["apq"].Hits != 0 {
		t.Errorf("apq: %+v, want one miss", s["apq"])
	}
}

// TestEntityCacheNeverSharedAcrossClaims: with JWT authentication, one caller's cached
// entities are served to that caller again, never to a caller with other claims.
func TestEntityCacheNeverSharedAcrossClaims(t *testing.T) {
	is := newIssuer(t)
	gw, c := caseGateway(t, func(cfg *executor.Config) {
		cfg.Auth = is.authConfig()
		cfg.EntityCache.Types = map[string]time.Duration{"Product": time.Minute}
	})
	reviews := c.subgraphs["reviews"]
	query := `{"query":"{ topProducts { name reviews { body } } }"}`
	ask := func(who, claims string) string {
		t.Helper()
		before := len(reviews.Requests())
		status, _, body := send(gw, query, "Authorization", "Bearer "+is.token(t, claims))
		if status != 200 || !strings.Contains(body, "Sturdy") {
			t.Fatalf("%s: %d %s", who, status, body)
		}
		return fmt.Sprint(len(reviews.Requests()) - before)
	}
	if n := ask("alice", `{"sub": "alice"}`); n != "1" {
		t.Fatalf("alice's first request sent %s requests to reviews, want 1", n)
	}
	if n := ask("alice again", `{"sub": "alice"}`); n != "0" {
		t.Fatalf("alice's second request sent %s requests to reviews, want 0 (cached)", n)
	}
	if n := ask("bob", `{"sub": "bob"}`); n != "1" {
		t.Fatalf("bob was served alice's cached entities (%s requests to reviews)", n)
	}
	if n := ask("alice with another scope", `{"sub": "alice", "scope": "admin"}`); n != "1" {
		t.Fatalf("other claims were served cached entities (%s requests to reviews)", n)
	}
}

// TestPlanCacheKeyedByDeniedFields: two callers denied the same response path in different
// cases of a union never share a plan.
func TestPlanCacheKeyedByDeniedFields(t *testing.T) {
	is := newIssuer(t)
	gw, c := caseGatewayAt(t, "../testdata/authorization/02-abstract-requires-bubbling", func(cfg *executor.Config) { cfg.Auth = is.authConfig() })
	q := `{"query":"{ media { ... on Book { title } ... on Movie { title } } }"}`
	movie := "Bearer " + is.token(t, `{"sub": "m", "scope": "movie"}`)
	book := "Bearer " + is.token(t, `{"sub": "b", "scope": "book"}`)
	waitFor(t, func() bool {
		_, _, body := send(gw, q, "Authorization", movie)
		if !strings.Contains(body, `[{"title":null},{"title":"Alien"}]`) {
			t.Fatalf("movie caller: %s", body)
		}
		return gw.CacheStats()["plans"].Hits > 0 // the movie caller's plan is cached
	})
	products := c.subgraphs["products"]
	products.Reset()
	_, _, body := send(gw, q, "Authorization", book)
	if !strings.Contains(body, `[{"title":"Dune"},{"title":null}]`) {
		t.Fatalf("book caller got %s", body)
	}
	for _, r := range products.Requests() {
		if strings.Contains(r.Query, "Movie") {
			t.Fatalf("the book caller's plan asks for Movie fields: %s", r.Query)
		}
	}
}

// TestScopeCoversClaimsPoliciesRead: the scope key leaves out exp, iat, nbf and jti, unless
// a policy reads one of them; then callers who differ there share no cached entity.
func TestScopeCoversClaimsPoliciesRead(t *testing.T) {
	for _, tt := range []struct {
		name, policy string
		want         string // reviews requests for the second caller
	}{
		{"policies read no volatile claim", `claims.role == "hr"`, "0"},
		{"a policy reads iat", `claims.iat > 1000`, "1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			is := newIssuer(t)
			gw, c := caseGateway(t, func(cfg *executor.Config) {
				cfg.Auth = is.authConfig()
				cfg.Authorization.Policies = map[string]string{"hr": tt.policy}
				cfg.EntityCache.Types = map[string]time.Duration{"Product": time.Minute}
			})
			reviews := c.subgraphs["reviews"]
			query := `{"query":"{ topProducts { reviews { body } } }"}`
			send(gw, query, "Authorization", "Bearer "+is.token(t, `{"sub": "a", "iat": 2000}`))
			before := len(reviews.Requests())
			send(gw, query, "Authorization", "Bearer "+is.token(t, `{"sub": "a", "iat": 3000}`))
			if got := fmt.Sprint(len(reviews.Requests()) - before); got != tt.want {
				t.Fatalf("second caller sent %s requests to reviews, want %s", got, tt.want)
			}
		})
	}
}
