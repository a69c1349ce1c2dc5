package executor_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/executor/headers"
	"github.com/trellis-gql/trellis/internal/subgraphtest"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// headerSubgraph serves a subgraph, records the headers of each request and answers with
// the response headers it is given.
type headerSubgraph struct {
	next http.Handler
	mu   sync.Mutex
	got  []http.Header
	resp http.Header
}

func (s *headerSubgraph) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.got = append(s.got, r.Header.Clone())
	for name, vs := range s.resp {
		w.Header()[name] = vs
	}
	s.mu.Unlock()
	s.next.ServeHTTP(w, r)
}

// take returns the headers received since the last take.
func (s *headerSubgraph) take() []http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.got
	s.got = nil
	return out
}

func (s *headerSubgraph) respond(h http.Header) {
	s.mu.Lock()
	s.resp = h
	s.mu.Unlock()
}

// headerGateway starts the products and inventory subgraphs of cacheSupergraph behind
// recorders, and a gateway configured by cfg.
func headerGateway(t *testing.T, cfg executor.Config) (*executor.Gateway, *headerSubgraph, *headerSubgraph) {
	t.Helper()
	start := func(name, sdl string, data []byte) (*headerSubgraph, string) {
		sub, err := subgraphtest.New(name, sdl, data)
		if err != nil {
			t.Fatal(err)
		}
		rec := &headerSubgraph{next: sub}
		srv := httptest.NewServer(rec)
		t.Cleanup(srv.Close)
		return rec, srv.URL
	}
	products, purl := start("products", cacheProductsSDL, []byte(cacheProductsData))
	inventory, iurl := start("inventory", cacheInventorySDL, inventoryData("a"))
	sg, err := supergraph.Load("headers.graphql", strings.NewReplacer("INVENTORY_URL", iurl, "PRODUCTS_URL", purl).Replace(cacheSupergraph))
	if err != nil {
		t.Fatal(err)
	}
	gw, err := executor.New(cfg, sg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	return gw, products, inventory
}

// postWith sends query with the client headers kv and returns the response, which must be
// a 200.
func postWith(t *testing.T, h http.Handler, query string, kv ...string) *httptest.ResponseRecorder {
	t.Helper()
	rec := sendWith(h, query, kv...)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	return rec
}

// sendWith sends query with the client headers kv.
func sendWith(h http.Handler, query string, kv ...string) *httptest.ResponseRecorder {
	raw, _ := json.Marshal(map[string]any{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(kv); i += 2 {
		req.Header.Add(kv[i], kv[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// only keeps the named headers of h, as "Name=v1,v2;" in the order given.
func only(h http.Header, names ...string) string {
	var b strings.Builder
	for _, n := range names {
		if vs, ok := h[http.CanonicalHeaderKey(n)]; ok {
			b.WriteString(n + "=" + strings.Join(vs, ",") + ";")
		}
	}
	return b.String()
}

var headerNames = []string{"Authorization", "X-Tenant-Id", "X-Gateway", "X-Api-Key", "X-Other", "X-Correlation-Id", "Content-Type", "Accept"}

// TestHeaderRules: what each subgraph receives (a subgraph's rules reach that subgraph
// only) and what the client gets back (Cache-Control merged across the two subgraphs,
// other headers as their algorithm says, nothing unlisted).
func TestHeaderRules(t *testing.T) {
	cfg := executor.DefaultConfig()
	cfg.Headers = headers.Config{
		All: headers.Section{
			Request: []headers.RequestRule{
				{Propagate: &headers.Propagate{Named: "authorization"}},
				{Propagate: &headers.Propagate{Matching: "^(x-tenant-|accept$|content-type$)"}}, // never Accept nor Content-Type
				{Propagate: &headers.Propagate{Named: "X-Request-Id", Rename: "X-Correlation-Id", Default: "none"}},
				{Set: &headers.Set{Name: "X-Gateway", Value: "trellis"}},
			},
			Response: []headers.ResponseRule{
				{Propagate: &headers.ResponsePropagate{Named: "Cache-Control"}},
				{Propagate: &headers.ResponsePropagate{Named: "X-Served-By", Algorithm: headers.Append}},
			},
		},
		Subgraphs: map[string]headers.Section{
			"products":  {Request: []headers.RequestRule{{Set: &headers.Set{Name: "X-Api-Key", Value: "p-key"}}}},
			"inventory": {Request: []headers.RequestRule{{Remove: &headers.Remove{Named: "Authorization"}}}},
		},
	}
	gw, products, inventory := headerGateway(t, cfg)
	products.respond(http.Header{"Cache-Control": {"public, max-age=60"}, "X-Served-By": {"products"}, "X-Secret": {"s"}})
	inventory.respond(http.Header{"Cache-Control": {"private, max-age=30"}, "X-Served-By": {"inventory"}})
	rec := postWith(t, gw, `{ featured { name inStock } }`,
		"Authorization", "Bearer t", "X-Tenant-Id", "t1", "X-Other", "o", "Accept", "application/json, text/x-client")

	p, i := products.take(), inventory.take()
	if len(p) != 1 || len(i) != 1 {
		t.Fatalf("requests: products %d, inventory %d; want 1 each", len(p), len(i))
	}
	accept := "application/graphql-response+json, application/json"
	if got, want := only(p[0], headerNames...), "Authorization=Bearer t;X-Tenant-Id=t1;X-Gateway=trellis;X-Api-Key=p-key;X-Correlation-Id=none;Content-Type=application/json;Accept="+accept+";"; got != want {
		t.Errorf("products received\n %s\nwant\n %s", got, want)
	}
	if got, want := only(i[0], headerNames...), "X-Tenant-Id=t1;X-Gateway=trellis;X-Correlation-Id=none;Content-Type=application/json;Accept="+accept+";"; got != want {
		t.Errorf("inventory received\n %s\nwant\n %s", got, want)
	}
	if got, want := only(rec.Header(), "Cache-Control", "X-Served-By", "X-Secret", "Content-Type"),
		"Cache-Control=private, max-age=30;X-Served-By=products,inventory;Content-Type=application/json;"; got != want {
		t.Errorf("client got\n %s\nwant\n %s", got, want)
	}

	// A subgraph that says nothing of caching makes the response uncacheable.
	inventory.respond(nil)
	rec = postWith(t, gw, `{ featured { name inStock } }`)
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("inventory without Cache-Control: client got %q, want no-store", got)
	}
	// Only products is asked: its policy alone.
	rec = postWith(t, gw, `{ featured { name } }`)
	if got := rec.Header().Get("Cache-Control"); got != "public, max-age=60" {
		t.Errorf("products only: client got %q, want products' policy", got)
	}
}

// TestHeaderRulesResponseErrors: a response with errors is never cacheable, and the
// gateway's own response headers win over a subgraph's.
func TestHeaderRulesResponseErrors(t *testing.T) {
	cfg := executor.DefaultConfig()
	cfg.Headers.All.Response = []headers.ResponseRule{{Propagate: &headers.ResponsePropagate{Matching: "."}}}
	gw, products, inventory := headerGateway(t, cfg)
	products.respond(http.Header{"Cache-Control": {"public, max-age=60"}, "X-From": {"products"}})
	inventory.respond(http.Header{"Cache-Control": {"public, max-age=60"}})
	// Product 3's inStock is an error in the inventory data.
	rec := postWith(t, gw, `{ topProducts { inStock } }`)
	if !strings.Contains(rec.Body.String(), `"errors"`) {
		t.Fatalf("no error in %s", rec.Body)
	}
	if got := only(rec.Header(), "Cache-Control", "X-From", "Content-Type"); got != "Cache-Control=no-store;X-From=products;Content-Type=application/graphql-response+json;" {
		t.Errorf("client got %s", got)
	}
}

// TestHeaderRulesDedup: identical concurrent queries whose propagated header differs do not
// share an execution: each subgraph request carries its client's value.
func TestHeaderRulesDedup(t *testing.T) {
	var mu sync.Mutex
	arrived := 0
	both := make(chan struct{})
	sub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		if arrived++; arrived == 2 {
			close(both)
		}
		mu.Unlock()
		// Both requests must be in flight at once for dedup to matter: wait for the other,
		// and give up (failing the count below) if it never comes because it was shared.
		select {
		case <-both:
		case <-time.After(5 * time.Second):
		}
		io.WriteString(w, `{"data":{"topProducts":[{"upc":"`+r.Header.Get("X-Tenant")+`"}]}}`)
	}))
	defer sub.Close()
	sg, err := supergraph.Load("dedup.graphql", strings.NewReplacer("INVENTORY_URL", sub.URL, "PRODUCTS_URL", sub.URL).Replace(failSupergraph))
	if err != nil {
		t.Fatal(err)
	}
	cfg := executor.DefaultConfig()
	cfg.Dedup = true
	cfg.Headers.All.Request = []headers.RequestRule{{Propagate: &headers.Propagate{Named: "X-Tenant"}}}
	gw, err := executor.New(cfg, sg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	bodies := make([]string, 2)
	var wg sync.WaitGroup
	for i, tenant := range []string{"a", "b"} {
		wg.Go(func() { bodies[i] = sendWith(gw, `{ topProducts { upc } }`, "X-Tenant", tenant).Body.String() })
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if arrived != 2 {
		t.Errorf("subgraph requests = %d, want 2: the two tenants shared an execution", arrived)
	}
	for i, tenant := range []string{"a", "b"} {
		if want := `{"data":{"topProducts":[{"upc":"` + tenant + `"}]}}`; bodies[i] != want {
			t.Errorf("tenant %s got %s", tenant, bodies[i])
		}
	}
}

// TestHeaderRulesEntityCache: an entity fetched with one tenant's header is not served to
// another tenant; the same tenant hits the cache, and a response built from a hit is not
// cacheable downstream (the hit has no Cache-Control of its own).
func TestHeaderRulesEntityCache(t *testing.T) {
	cfg := executor.DefaultConfig()
	cfg.EntityCache.Types = map[string]time.Duration{"Product": time.Minute}
	cfg.Headers.All = headers.Section{
		Request:  []headers.RequestRule{{Propagate: &headers.Propagate{Named: "X-Tenant"}}},
		Response: []headers.ResponseRule{{Propagate: &headers.ResponsePropagate{Named: "Cache-Control"}}},
	}
	gw, products, inventory := headerGateway(t, cfg)
	products.respond(http.Header{"Cache-Control": {"max-age=60"}})
	inventory.respond(http.Header{"Cache-Control": {"max-age=60"}})
	const q = `{ featured { name sku } }`
	steps := []struct {
		tenant, wantSent, wantCC string
	}{
		{"a", "a", "max-age=60"},
		{"b", "b", "max-age=60"}, // another tenant: fetched again, with its header
		{"a", "", "no-store"},    // tenant a again: from the cache
	}
	for n, s := range steps {
		rec := postWith(t, gw, q, "X-Tenant", s.tenant)
		if !strings.Contains(rec.Body.String(), `"sku":"C-a"`) {
			t.Fatalf("step %d: %s", n, rec.Body)
		}
		var sent []string
		for _, h := range inventory.take() {
			sent = append(sent, h.Get("X-Tenant"))
		}
		if got := strings.Join(sent, ","); got != s.wantSent {
			t.Errorf("step %d (tenant %s): inventory received tenants %q, want %q", n, s.tenant, got, s.wantSent)
		}
		if got := rec.Header().Get("Cache-Control"); got != s.wantCC {
			t.Errorf("step %d (tenant %s): Cache-Control %q, want %q", n, s.tenant, got, s.wantCC)
		}
	}
	if st := gw.EntityCacheStats(); st.Hits != 1 || st.Misses != 2 {
		t.Errorf("entity cache %+v, want 1 hit and 2 misses", st)
	}
}

// TestHeaderRulesConfig: rules are checked with the gateway's config, claims need auth,
// and unknown subgraphs are warned about.
func TestHeaderRulesConfig(t *testing.T) {
	cfg := executor.DefaultConfig()
	cfg.Headers.All.Request = []headers.RequestRule{{Propagate: &headers.Propagate{Matching: "("}}}
	if err := cfg.Validate(); err == nil || err.Error() != "headers.all.request[0].propagate.matching: invalid regex \"(\": missing closing ): `(`" {
		t.Errorf("Validate = %v", err)
	}
	cfg.Headers.All.Request = []headers.RequestRule{{Set: &headers.Set{Name: "X-User", Claim: "sub"}}}
	if err := cfg.Validate(); err == nil || err.Error() != "headers.all.request[0].set.claim: reading a claim needs authentication: configure auth.jwks, or set a value instead" {
		t.Errorf("Validate = %v", err)
	}
	cfg.Headers = headers.Config{Subgraphs: map[string]headers.Section{
		"nosuch":   {Request: []headers.RequestRule{{Set: &headers.Set{Name: "X-A", Value: "1"}}}},
		"products": {Request: []headers.RequestRule{{Set: &headers.Set{Name: "X-A", Value: "1"}}}},
	}}
	var logged bytes.Buffer
	sg, err := supergraph.Load("headers.graphql", cacheSupergraph)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := executor.New(cfg, sg, nil, slog.New(slog.NewTextHandler(&logged, nil)))
	if err != nil {
		t.Fatal(err)
	}
	gw.Close()
	if got := logged.String(); strings.Count(got, "headers.subgraphs names a subgraph") != 1 || !strings.Contains(got, "subgraph=nosuch") {
		t.Errorf("log:\n%s", got)
	}
}
