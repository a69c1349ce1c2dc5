package executor_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/examples"
	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/internal/redistest"
	"github.com/trellis-gql/trellis/internal/subgraphtest"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// cacheSupergraph: products owns Product, Store and the root fields; inventory adds
// inStock, sku and price(currency:) to Product and open to Store.
const cacheSupergraph = `
schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) { query: Query mutation: Mutation }
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph {
  INVENTORY @join__graph(name: "inventory", url: "INVENTORY_URL")
  PRODUCTS @join__graph(name: "products", url: "PRODUCTS_URL")
}
type Product @join__type(graph: INVENTORY, key: "upc") @join__type(graph: PRODUCTS, key: "upc") {
  upc: String!
  name: String @join__field(graph: PRODUCTS)
  inStock: Boolean @join__field(graph: INVENTORY)
  sku: String @join__field(graph: INVENTORY)
  price(currency: String): Int @join__field(graph: INVENTORY)
}
type Store @join__type(graph: INVENTORY, key: "id") @join__type(graph: PRODUCTS, key: "id") {
  id: ID!
  name: String @join__field(graph: PRODUCTS)
  open: Boolean @join__field(graph: INVENTORY)
}
type Query @join__type(graph: INVENTORY) @join__type(graph: PRODUCTS) {
  topProducts: [Product] @join__field(graph: PRODUCTS)
  featured: Product @join__field(graph: PRODUCTS)
  stores: [Store] @join__field(graph: PRODUCTS)
}
type Mutation @join__type(graph: PRODUCTS) {
  restock(upc: String!): Product @join__field(graph: PRODUCTS)
}
`

const cacheProductsSDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { topProducts: [Product] featured: Product stores: [Store] }
type Mutation { restock(upc: String!): Product }
type Product @key(fields: "upc") { upc: String! name: String }
type Store @key(fields: "id") { id: ID! name: String }
`

const cacheProductsData = `{
  "Query": {
    "topProducts": [{"$ref": "Product", "upc": "1"}, {"$ref": "Product", "upc": "2"}, {"$ref": "Product", "upc": "3"}],
    "featured": {"$ref": "Product", "upc": "2"},
    "stores": [{"$ref": "Store", "id": "s1"}]
  },
  "Mutation": {"restock(upc: \"1\")": {"$ref": "Product", "upc": "1"}},
  "Product": [{"upc": "1", "name": "Table"}, {"upc": "2", "name": "Couch"}, {"upc": "3", "name": "Chair"}],
  "Store": [{"id": "s1", "name": "Main"}]
}`

const cacheInventorySDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Product @key(fields: "upc") { upc: String! inStock: Boolean sku: String price(currency: String): Int }
type Store @key(fields: "id") { id: ID! open: Boolean }
`

// inventoryData is the inventory subgraph's data in version v: every sku and price differs
// between versions, so a response tells which version (and so which request) it came from.
func inventoryData(v string) []byte {
	return []byte(strings.ReplaceAll(`{
  "Product": [
    {"upc": "1", "inStock": true, "sku": "T-V", "price": 10, "price(currency: \"EUR\")": 9},
    {"upc": "2", "inStock": false, "sku": "C-V", "price": 20, "price(currency: \"EUR\")": 18},
    {"upc": "3", "inStock": {"$error": "stock unknown"}, "sku": "H-V", "price": 30}
  ],
  "Store": [{"id": "s1", "open": true}]
}`, "-V", "-"+v))
}

// versioned serves the inventory subgraph from one of several data versions, switched
// between requests, and records what it was asked.
type versioned struct {
	mu       sync.Mutex
	versions map[string]*subgraphtest.Subgraph
	current  string
	requests []subgraphtest.Request
}

func newVersioned(t testing.TB, versions ...string) *versioned {
	v := &versioned{versions: map[string]*subgraphtest.Subgraph{}, current: versions[0]}
	for _, name := range versions {
		sub, err := subgraphtest.New("inventory", cacheInventorySDL, inventoryData(name))
		if err != nil {
			t.Fatal(err)
		}
		v.versions[name] = sub
	}
	return v
}

func (v *versioned) use(version string) {
	v.mu.Lock()
	v.current = version
	v.mu.Unlock()
}

// take returns the requests received since the last take.
func (v *versioned) take() []subgraphtest.Request {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := v.requests
	v.requests = nil
	return out
}

func (v *versioned) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req subgraphtest.Request
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	v.mu.Lock()
	v.requests = append(v.requests, req)
	sub := v.versions[v.current]
	v.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	sub.ServeHTTP(w, r)
}

// scoped passes the X-Test-Scope header on as the caller's scope, in the request context and
// as credentials, so that the tests hold whichever way the handler derives the scope.
type scoped struct{ gw *executor.Gateway }

func (s scoped) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	scope := r.Header.Get("X-Test-Scope")
	if scope != "" {
		r.Header.Set("Authorization", "Bearer "+scope)
	}
	s.gw.ServeHTTP(w, r.WithContext(executor.WithScope(r.Context(), scope)))
}

// cacheGateway starts the products and a versioned inventory subgraph (versions "a" first)
// and a gateway caching entities as cfg says.
func cacheGateway(t testing.TB, cfg executor.EntityCacheConfig, inventoryURL string, versions ...string) (*executor.Gateway, *versioned) {
	t.Helper()
	products, err := subgraphtest.New("products", cacheProductsSDL, []byte(cacheProductsData))
	if err != nil {
		t.Fatal(err)
	}
	psrv := httptest.NewServer(products)
	t.Cleanup(psrv.Close)
	if len(versions) == 0 {
		versions = []string{"a"}
	}
	inv := newVersioned(t, versions...)
	if inventoryURL == "" {
		isrv := httptest.NewServer(inv)
		t.Cleanup(isrv.Close)
		inventoryURL = isrv.URL
	}
	sdl := strings.NewReplacer("INVENTORY_URL", inventoryURL, "PRODUCTS_URL", psrv.URL).Replace(cacheSupergraph)
	sg, err := supergraph.Load("entitycache.graphql", sdl)
	if err != nil {
		t.Fatal(err)
	}
	c := executor.DefaultConfig()
	c.EntityCache = cfg
	gw, err := executor.New(c, sg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	return gw, inv
}

// ask sends query (with variables, as the caller with scope, "" for anonymous).
func ask(t testing.TB, h http.Handler, scope, query string, vars map[string]any) string {
	t.Helper()
	raw, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if scope != "" {
		req.Header.Set("X-Test-Scope", scope)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// sent summarizes requests as the representations each carried, by variable: a Product by
// its upc, a Store by its id, e.g. "representations=[1 3]" or "r0=[1] r1=[]".
func sent(reqs []subgraphtest.Request) []string {
	out := []string{}
	for _, r := range reqs {
		var vars []string
		for name := range r.Variables {
			vars = append(vars, name)
		}
		slices.Sort(vars)
		var b strings.Builder
		for _, name := range vars {
			list, ok := r.Variables[name].([]any)
			if !ok {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			keys := make([]string, len(list))
			for i, rep := range list {
				m, _ := rep.(map[string]any)
				keys[i] = fmt.Sprint(cmp.Or(m["upc"], m["id"]))
			}
			fmt.Fprintf(&b, "%s=[%s]", name, strings.Join(keys, " "))
		}
		out = append(out, b.String())
	}
	return out
}

// step is one request of a scenario: who asks what with which inventory data version, what
// inventory is sent (see sent) and the response.
type step struct {
	name    string
	version string // inventory data version to serve, "" to keep the current one
	scope   string
	query   string
	vars    map[string]any
	sent    []string
	want    string
}

func runSteps(t *testing.T, h http.Handler, inv *versioned, steps []step) {
	t.Helper()
	for _, s := range steps {
		if s.version != "" {
			inv.use(s.version)
		}
		got := ask(t, h, s.scope, s.query, s.vars)
		if reqs := sent(inv.take()); !slices.Equal(reqs, s.sent) {
			t.Errorf("%s: inventory received %q, want %q", s.name, reqs, s.sent)
		}
		if got != s.want {
			t.Errorf("%s: response\n got %s\nwant %s", s.name, got, s.want)
		}
	}
}

// storeConfigs are the entity cache configurations the scenarios run with: in process and,
// when redis-server is installed, in Redis.
func storeConfigs(t *testing.T, types map[string]time.Duration) map[string]executor.EntityCacheConfig {
	local := executor.DefaultEntityCacheConfig()
	local.Types = types
	out := map[string]executor.EntityCacheConfig{"local": local}
	if _, err := exec.LookPath("redis-server"); err == nil || os.Getenv("CI") != "" {
		remote := local
		remote.RedisURL = redistest.Start(t).URL
		out["redis"] = remote
	}
	return out
}

const (
	skus      = `{ topProducts { name sku } }`
	skusA     = `{"data":{"topProducts":[{"name":"Table","sku":"T-a"},{"name":"Couch","sku":"C-a"},{"name":"Chair","sku":"H-a"}]}}`
	skusB     = `{"data":{"topProducts":[{"name":"Table","sku":"T-b"},{"name":"Couch","sku":"C-b"},{"name":"Chair","sku":"H-b"}]}}`
	skusC     = `{"data":{"topProducts":[{"name":"Table","sku":"T-c"},{"name":"Couch","sku":"C-c"},{"name":"Chair","sku":"H-c"}]}}`
	allSent   = "representations=[1 2 3]"
	priceEUR  = `query($c: String) { featured { price(currency: $c) } }`
	stockLost = `{"message":"stock unknown","path":["topProducts",2,"inStock"],"extensions":{"serviceName":"inventory"}}`
)

// TestEntityCache: a repeated query is answered without an _entities request and with the
// same response, even once the subgraph's data changed; another selection, other variable
// values or a type not configured are fetched.
func TestEntityCache(t *testing.T) {
	for name, cfg := range storeConfigs(t, map[string]time.Duration{"Product": time.Minute}) {
		t.Run(name, func(t *testing.T) {
			gw, inv := cacheGateway(t, cfg, "", "a", "b")
			runSteps(t, gw, inv, []step{
				{name: "first", query: skus, sent: []string{allSent}, want: skusA},
				{name: "repeated", query: skus, sent: []string{}, want: skusA},
				{name: "data changed, still cached", version: "b", query: skus, sent: []string{}, want: skusA},
				{name: "other selection", query: `{ topProducts { sku inStock } }`, sent: []string{allSent},
					want: `{"data":{"topProducts":[{"sku":"T-b","inStock":true},{"sku":"C-b","inStock":false},{"sku":"H-b","inStock":null}]},"errors":[` + stockLost + `]}`},
				{name: "variable EUR", query: priceEUR, vars: map[string]any{"c": "EUR"}, sent: []string{"representations=[2]"},
					want: `{"data":{"featured":{"price":18}}}`},
				{name: "variable absent", query: priceEUR, sent: []string{"representations=[2]"},
					want: `{"data":{"featured":{"price":20}}}`},
				{name: "variable EUR again", query: priceEUR, vars: map[string]any{"c": "EUR"}, sent: []string{},
					want: `{"data":{"featured":{"price":18}}}`},
				{name: "type not cached", query: `{ stores { open } }`, sent: []string{"representations=[s1]"},
					want: `{"data":{"stores":[{"open":true}]}}`},
				{name: "type not cached, again", query: `{ stores { open } }`, sent: []string{"representations=[s1]"},
					want: `{"data":{"stores":[{"open":true}]}}`},
			})
			// Stores are not counted: their type is not cached.
			want := executor.EntityCacheStats{Hits: 3 + 3 + 1, Misses: 3 + 3 + 1 + 1}
			if got := gw.EntityCacheStats(); got != want {
				t.Errorf("stats %+v, want %+v", got, want)
			}
		})
	}
}

// TestEntityCacheScopes: what one caller's request cached is never served to a caller with
// other credentials, nor to an anonymous one, and each finds its own entities again.
func TestEntityCacheScopes(t *testing.T) {
	for name, cfg := range storeConfigs(t, map[string]time.Duration{"Product": time.Minute}) {
		t.Run(name, func(t *testing.T) {
			gw, inv := cacheGateway(t, cfg, "", "a", "b", "c", "d")
			runSteps(t, scoped{gw}, inv, []step{
				{name: "alice", version: "a", scope: "alice", query: skus, sent: []string{allSent}, want: skusA},
				{name: "bob", version: "b", scope: "bob", query: skus, sent: []string{allSent}, want: skusB},
				{name: "anonymous", version: "c", query: skus, sent: []string{allSent}, want: skusC},
				{name: "alice again", version: "d", scope: "alice", query: skus, sent: []string{}, want: skusA},
				{name: "bob again", scope: "bob", query: skus, sent: []string{}, want: skusB},
				{name: "anonymous again", query: skus, sent: []string{}, want: skusC},
				{name: "carol", scope: "carol", query: skus, sent: []string{allSent},
					want: strings.ReplaceAll(skusA, "-a", "-d")},
			})
		})
	}
}

// TestEntityCachePartialHits: only the representations not cached are sent, in batches too,
// and subgraph errors are still placed on the right objects when the error's index refers
// to the shorter list sent. An entity with an error is not cached; the others are.
func TestEntityCachePartialHits(t *testing.T) {
	const (
		stock     = `{ topProducts { inStock } }`
		both      = `{ topProducts { inStock } featured { inStock } }`
		stockWant = `{"data":{"topProducts":[{"inStock":true},{"inStock":false},{"inStock":null}]},"errors":[` + stockLost + `]}`
		bothWant  = `{"data":{"topProducts":[{"inStock":true},{"inStock":false},{"inStock":null}],"featured":{"inStock":false}},"errors":[` + stockLost + `]}`
	)
	for name, cfg := range storeConfigs(t, map[string]time.Duration{"Product": time.Minute}) {
		t.Run(name, func(t *testing.T) {
			gw, inv := cacheGateway(t, cfg, "", "a")
			runSteps(t, gw, inv, []step{
				{name: "featured", query: `{ featured { inStock } }`, sent: []string{"representations=[2]"},
					want: `{"data":{"featured":{"inStock":false}}}`},
				// Product 3's error is at _entities.1: the second of those sent.
				{name: "top products", query: stock, sent: []string{"representations=[1 3]"}, want: stockWant},
				{name: "top products again", query: stock, sent: []string{"representations=[3]"}, want: stockWant},
				// One request for two parts: _e0 sends only product 3, _e1 nothing.
				{name: "batch", query: both, sent: []string{"r0=[3] r1=[]"}, want: bothWant},
			})
		})
	}
}

// TestEntityCacheErrorNotStored: an entity the subgraph answered with an error under its path
// is fetched again next time; so is every entity of a response with an error on no entity.
func TestEntityCacheErrorNotStored(t *testing.T) {
	// The first answer has an error without a path; later ones an error on product 2.
	var calls atomic.Int32
	inventory := handlerURL(t, func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Variables struct{ Representations []struct{ UPC string } }
		}
		json.NewDecoder(r.Body).Decode(&req)
		first := calls.Add(1) == 1
		var entities, errs []string
		for i, rep := range req.Variables.Representations {
			if rep.UPC == "2" && !first {
				entities = append(entities, `{"sku":null}`)
				errs = append(errs, fmt.Sprintf(`{"message":"sku unknown","path":["_entities",%d,"sku"]}`, i))
				continue
			}
			entities = append(entities, fmt.Sprintf(`{"sku":"%s-%s"}`, map[string]string{"1": "T", "2": "C", "3": "H"}[rep.UPC], rep.UPC))
		}
		if first {
			errs = append(errs, `{"message":"partial outage"}`)
		}
		fmt.Fprintf(w, `{"data":{"_entities":[%s]},"errors":[%s]}`, strings.Join(entities, ","), strings.Join(errs, ","))
	})
	cfg := executor.DefaultEntityCacheConfig()
	cfg.Types = map[string]time.Duration{"Product": time.Minute}
	gw, _ := cacheGateway(t, cfg, inventory)
	const partial = `{"data":{"topProducts":[{"sku":"T-1"},{"sku":null},{"sku":"H-3"}]},"errors":[{"message":"sku unknown","path":["topProducts",1,"sku"],"extensions":{"serviceName":"inventory"}}]}`
	for i, want := range []struct {
		body  string
		calls int32
		stats executor.EntityCacheStats
	}{
		{`{"data":{"topProducts":[{"sku":"T-1"},{"sku":"C-2"},{"sku":"H-3"}]},"errors":[{"message":"partial outage","extensions":{"serviceName":"inventory"}}]}`, 1, executor.EntityCacheStats{Misses: 3}},
		{partial, 2, executor.EntityCacheStats{Misses: 6}},
		// Products 1 and 3 are cached now; 2 is asked again (and answered as the second time).
		{partial, 3, executor.EntityCacheStats{Hits: 2, Misses: 7}},
	} {
		_, body := post(t, gw, `{ topProducts { sku } }`)
		if body != want.body {
			t.Errorf("request %d:\n got %s\nwant %s", i+1, body, want.body)
		}
		if got := calls.Load(); got != want.calls {
			t.Errorf("request %d: %d inventory requests, want %d", i+1, got, want.calls)
		}
		if got := gw.EntityCacheStats(); got != want.stats {
			t.Errorf("request %d: stats %+v, want %+v", i+1, got, want.stats)
		}
	}
}

// TestEntityCacheMutation: a mutation's entity fetches neither read nor write the cache.
func TestEntityCacheMutation(t *testing.T) {
	const restock = `mutation { restock(upc: "1") { sku } }`
	cfg := executor.DefaultEntityCacheConfig()
	cfg.Types = map[string]time.Duration{"Product": time.Minute}
	gw, inv := cacheGateway(t, cfg, "", "a", "b")
	runSteps(t, gw, inv, []step{
		{name: "mutation", query: restock, sent: []string{"representations=[1]"}, want: `{"data":{"restock":{"sku":"T-a"}}}`},
		{name: "query after it", query: `{ topProducts { sku } }`, sent: []string{allSent},
			want: `{"data":{"topProducts":[{"sku":"T-a"},{"sku":"C-a"},{"sku":"H-a"}]}}`},
		{name: "mutation after the query", version: "b", query: restock, sent: []string{"representations=[1]"},
			want: `{"data":{"restock":{"sku":"T-b"}}}`},
	})
}

// TestEntityCacheTTL: an entity is served from the cache until its TTL ends, then fetched.
func TestEntityCacheTTL(t *testing.T) {
	const ttl = 300 * time.Millisecond
	for name, cfg := range storeConfigs(t, map[string]time.Duration{"Product": ttl}) {
		t.Run(name, func(t *testing.T) {
			gw, inv := cacheGateway(t, cfg, "", "a", "b")
			start := time.Now()
			runSteps(t, gw, inv, []step{
				{name: "first", query: skus, sent: []string{allSent}, want: skusA},
				{name: "within the TTL", version: "b", query: skus, sent: []string{}, want: skusA},
			})
			if time.Since(start) >= ttl {
				t.Skip("the machine is too slow for this TTL") // the second step may have missed
			}
			deadline := time.Now().Add(10 * time.Second)
			refetched := false
			for {
				got := ask(t, gw, "", skus, nil)
				reqs := sent(inv.take())
				if len(reqs) > 0 {
					if since := time.Since(start); since < ttl {
						t.Fatalf("fetched again after %v, before the TTL of %v", since, ttl)
					}
					if got == skusB {
						return
					}
					// Entities expire one by one (each was written a moment apart): those still
					// cached answer until they expire too.
					refetched = true
				} else if got != skusA && !refetched {
					t.Fatalf("within the TTL: %s", got)
				}
				if time.Now().After(deadline) {
					t.Fatalf("still cached %v after a TTL of %v", time.Since(start), ttl)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

func TestEntityCacheConfigValidate(t *testing.T) {
	cases := []struct {
		name string
		set  func(*executor.EntityCacheConfig)
		want string
	}{
		{"defaults", func(*executor.EntityCacheConfig) {}, ""},
		{"types", func(c *executor.EntityCacheConfig) { c.Types = map[string]time.Duration{"Product": time.Minute} }, ""},
		{"zero ttl", func(c *executor.EntityCacheConfig) {
			c.Types = map[string]time.Duration{"User": time.Second, "Product": 0}
		},
			"entity_cache.types.Product: ttl must be positive, e.g. 30s"},
		{"negative ttl", func(c *executor.EntityCacheConfig) { c.Types = map[string]time.Duration{"User": -time.Second} },
			"entity_cache.types.User: ttl must be positive, e.g. 30s"},
		{"empty type name", func(c *executor.EntityCacheConfig) { c.Types = map[string]time.Duration{"": time.Second} },
			"entity_cache.types: a type name is empty"},
		{"negative max bytes", func(c *executor.EntityCacheConfig) { c.MaxBytes = -1 },
			"entity_cache.max_bytes: must be 0 (64 MiB) or positive"},
		{"negative redis timeout", func(c *executor.EntityCacheConfig) { c.RedisTimeout = -time.Millisecond },
			"entity_cache.redis_timeout: must be 0 (50ms) or positive"},
		{"redis url", func(c *executor.EntityCacheConfig) { c.RedisURL = "http://localhost:6379" },
			"entity_cache.redis_url: redis: invalid URL scheme: http"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := executor.DefaultEntityCacheConfig()
			c.set(&cfg)
			err := cfg.Validate()
			if got := fmt.Sprint(err); c.want == "" && err != nil || c.want != "" && got != c.want {
				t.Errorf("Validate() = %v, want %q", err, c.want)
			}
			if c.want == "" {
				return
			}
			gc := executor.DefaultConfig()
			gc.EntityCache = cfg
			if _, err := executor.New(gc, nil, nil, nil); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("New() = %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// TestEntityCacheRedisFailures: when Redis refuses connections, stops, or holds its answers,
// requests are answered as without a cache, within about the Redis timeout, and the cache
// works again once Redis is back.
func TestEntityCacheRedisFailures(t *testing.T) {
	cfg := executor.DefaultEntityCacheConfig()
	cfg.Types = map[string]time.Duration{"Product": time.Minute}
	// timed asks for skus and checks the response, what inventory received, and that the
	// request did not wait for Redis much longer than its timeout.
	timed := func(t *testing.T, gw *executor.Gateway, inv *versioned, wantSent []string) {
		t.Helper()
		start := time.Now()
		got := ask(t, gw, "", skus, nil)
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("the request took %v", took)
		}
		if reqs := sent(inv.take()); got != skusA || !slices.Equal(reqs, wantSent) {
			t.Errorf("inventory received %q, want %q; response %s", reqs, wantSent, got)
		}
	}
	t.Run("refused", func(t *testing.T) {
		c := cfg
		c.RedisURL = "redis" + strings.TrimPrefix(refusedURL(t), "http") + "/0"
		gw, inv := cacheGateway(t, c, "")
		timed(t, gw, inv, []string{allSent})
		timed(t, gw, inv, []string{allSent})
		if got := gw.EntityCacheStats(); got.Hits != 0 || got.Misses != 6 || got.Errors == 0 {
			t.Errorf("stats %+v, want 6 misses and errors", got)
		}
	})
	t.Run("stopped and restarted", func(t *testing.T) {
		srv := redistest.Start(t)
		c := cfg
		c.RedisURL = srv.URL
		gw, inv := cacheGateway(t, c, "")
		timed(t, gw, inv, []string{allSent})
		timed(t, gw, inv, []string{})
		srv.Stop()
		timed(t, gw, inv, []string{allSent})
		if got := gw.EntityCacheStats().Errors; got == 0 {
			t.Errorf("no Redis error counted")
		}
		srv.Restart() // empty
		waitCached(t, gw, inv)
	})
	t.Run("paused", func(t *testing.T) {
		srv := redistest.Start(t)
		c := cfg
		c.RedisURL = srv.URL
		gw, inv := cacheGateway(t, c, "")
		timed(t, gw, inv, []string{allSent})
		srv.Pause(3 * time.Second)
		timed(t, gw, inv, []string{allSent})
		if got := gw.EntityCacheStats().Errors; got == 0 {
			t.Errorf("no Redis timeout counted")
		}
		waitCached(t, gw, inv)
	})
}

// waitCached asks for skus until a request is answered from the cache (Redis is back and the
// store tries it again), failing after ten seconds.
func waitCached(t *testing.T, gw *executor.Gateway, inv *versioned) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		got := ask(t, gw, "", skus, nil)
		if got != skusA {
			t.Fatalf("response %s", got)
		}
		if len(inv.take()) == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the cache did not work again within 10s")
}

// BenchmarkEntityCacheHit is BenchmarkExecuteRecorded with every entity type of the
// examples cached in process: after the first request, only the root fetches are sent.
func BenchmarkEntityCacheHit(b *testing.B) {
	_, subs := startExamples(b)
	rec := &recorder{subs: subs, answers: map[string][]byte{}, live: true}
	sg, err := supergraph.Load("examples/supergraph.graphql", subs.Supergraph())
	if err != nil {
		b.Fatal(err)
	}
	cfg := executor.DefaultConfig()
	cfg.EntityCache = executor.DefaultEntityCacheConfig()
	cfg.EntityCache.Types = map[string]time.Duration{"Product": time.Hour, "Review": time.Hour, "User": time.Hour}
	gw, err := executor.New(cfg, sg, rec, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(gw.Close)
	raw, _ := json.Marshal(map[string]any{"query": examples.BenchmarkQuery})
	serve := func() string {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		gw.ServeHTTP(w, req)
		return w.Body.String()
	}
	first := serve()
	if strings.Contains(first, `"errors"`) || len(first) < 80_000 {
		b.Fatalf("the first answer is not the full benchmark response: %.300s", first)
	}
	rec.live = false
	if second := serve(); second != first {
		b.Fatalf("the answer from the cache differs from the first")
	}
	warm := gw.EntityCacheStats()
	if warm.Hits == 0 {
		b.Fatalf("no entity served from the cache: %+v", warm)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if body := serve(); len(body) != len(first) {
			b.Fatalf("answer changed: %d vs %d bytes", len(body), len(first))
		}
		n++
	}
	got := gw.EntityCacheStats()
	if got.Misses != warm.Misses {
		b.Fatalf("misses while benchmarking: %+v, after warming %+v", got, warm)
	}
	b.ReportMetric(float64(got.Hits-warm.Hits)/float64(n), "hits/op")
}

// TestEntityCacheCorpus runs every operation of the federation conformance corpus twice
// through one gateway caching every type: the second response, built from cached entities
// (rewrites, batches, interface objects, requirements...), must be the expected one too.
func TestEntityCacheCorpus(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(corpusDir, "*", "supergraph.graphql"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no conformance cases under %s", corpusDir)
	}
	hits := uint64(0)
	for _, sgFile := range dirs {
		dir := filepath.Dir(sgFile)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c := startCase(t, dir)
			ops, _ := filepath.Glob(filepath.Join(dir, "operations", "*.graphql"))
			for _, opFile := range ops {
				t.Run(strings.TrimSuffix(filepath.Base(opFile), ".graphql"), func(t *testing.T) {
					hits += c.serveCachedTwice(t, opFile)
				})
			}
		})
	}
	if hits == 0 {
		t.Error("no entity was served from the cache")
	}
}

// serveCachedTwice sends one corpus operation twice and compares both responses with the
// expected one. It returns the cache hits.
func (c *corpusCase) serveCachedTwice(t *testing.T, opFile string) uint64 {
	src := readFile(t, opFile)
	want := readFile(t, strings.TrimSuffix(opFile, ".graphql")+".response.json")
	sg, err := supergraph.Load(filepath.Join(c.dir, "supergraph.graphql"), c.sdl)
	if err != nil {
		t.Fatal(err)
	}
	cfg := executor.DefaultConfig()
	if l := header(src, "labels"); l != "" {
		cfg.OverrideLabels = strings.Split(l, ",")
	}
	cfg.EntityCache = executor.DefaultEntityCacheConfig()
	cfg.EntityCache.Types = map[string]time.Duration{}
	for name := range sg.Schema.Types {
		cfg.EntityCache.Types[name] = time.Minute
	}
	gw, err := executor.New(cfg, sg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	body := map[string]any{"query": src}
	if v := header(src, "variables"); v != "" {
		var vars map[string]any
		if err := json.Unmarshal([]byte(v), &vars); err != nil {
			t.Fatalf("variables header: %v", err)
		}
		body["variables"] = vars
	}
	if n := header(src, "operationName"); n != "" {
		body["operationName"] = n
	}
	raw, _ := json.Marshal(body)
	for i := range 2 {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		rec := httptest.NewRecorder()
		gw.ServeHTTP(rec, req)
		var resp struct { // as TestConformance compares: data (null when absent) and errors
			Data   json.RawMessage `json:"data"`
			Errors json.RawMessage `json:"errors,omitempty"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("response is not JSON: %v\n%s", err, rec.Body)
		}
		if got, _ := json.Marshal(resp); !sameJSON([]byte(want), got) {
			t.Errorf("request %d:\n got %s\nwant %s", i+1, got, want)
		}
	}
	return gw.EntityCacheStats().Hits
}
