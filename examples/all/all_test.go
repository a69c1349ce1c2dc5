package all_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/examples"
	"github.com/trellis-gql/trellis/examples/all"
)

// start starts the example subgraphs for the test and stops them after it.
func start(t *testing.T) *all.Subgraphs {
	t.Helper()
	sgs, err := all.Start(t.Context())
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := sgs.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return sgs
}

// post sends a GraphQL request to url and returns the response body.
func post(t *testing.T, url, query string, variables map[string]any) []byte {
	t.Helper()
	req, err := json.Marshal(map[string]any{"query": query, "variables": variables})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(url, "application/json", bytes.NewReader(req))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: status %d, body %s", url, resp.StatusCode, body)
	}
	return body
}

// assertJSON fails unless got and want are the same JSON text, ignoring
// whitespace only: the order of keys and of list items counts.
func assertJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w bytes.Buffer
	if err := json.Compact(&g, got); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, got)
	}
	if err := json.Compact(&w, []byte(want)); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	if g.String() != w.String() {
		t.Errorf("response\n got %s\nwant %s", g.String(), w.String())
	}
}

// reps builds the variables of an _entities query.
func reps(r ...map[string]any) map[string]any {
	return map[string]any{"r": r}
}

func TestQueries(t *testing.T) {
	sgs := start(t)
	tests := []struct {
		name      string
		subgraph  string
		query     string
		variables map[string]any
		want      string
	}{
		{
			name:     "users",
			subgraph: "accounts",
			query: `{
				me { id name username birthday }
				user(id: "2") { id name }
				nobody: user(id: "7") { id }
				users { id username }
			}`,
			want: `{"data": {
				"me": {"id": "1", "name": "Uri Goldshtein", "username": "urigo", "birthday": 1234567890},
				"user": {"id": "2", "name": "Dotan Simha"},
				"nobody": null,
				"users": [
					{"id": "1", "username": "urigo"},
					{"id": "2", "username": "dotansimha"},
					{"id": "3", "username": "kamilkisiela"},
					{"id": "4", "username": "ardatan"},
					{"id": "5", "username": "gilgardosh"},
					{"id": "6", "username": "laurin"}
				]
			}}`,
		},
		{
			name:     "user entities",
			subgraph: "accounts",
			query:    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name username birthday } } }`,
			variables: reps(
				map[string]any{"__typename": "User", "id": "4"},
				map[string]any{"__typename": "User", "id": "99"},
			),
			want: `{
				"errors": [{"message": "resolving Entity \"User\": no user with id \"99\"", "path": ["_entities"]}],
				"data": {"_entities": [
					{"id": "4", "name": "Arda Tanrikulu", "username": "ardatan", "birthday": 1234567890},
					null
				]}
			}`,
		},
		{
			name:     "top products",
			subgraph: "products",
			query: `{
				topProducts { upc name price weight }
				two: topProducts(first: 2) { upc }
				null: topProducts(first: null) { upc }
				all: topProducts(first: 100) { upc }
				none: topProducts(first: -1) { upc }
			}`,
			want: `{"data": {
				"topProducts": [
					{"upc": "1", "name": "Table", "price": 899, "weight": 100},
					{"upc": "2", "name": "Couch", "price": 1299, "weight": 1000},
					{"upc": "3", "name": "Glass", "price": 15, "weight": 20},
					{"upc": "4", "name": "Chair", "price": 499, "weight": 100},
					{"upc": "5", "name": "TV", "price": 1299, "weight": 1000}
				],
				"two": [{"upc": "1"}, {"upc": "2"}],
				"null": [{"upc": "1"}, {"upc": "2"}, {"upc": "3"}, {"upc": "4"}, {"upc": "5"}],
				"all": [
					{"upc": "1"}, {"upc": "2"}, {"upc": "3"}, {"upc": "4"}, {"upc": "5"},
					{"upc": "6"}, {"upc": "7"}, {"upc": "8"}, {"upc": "9"}
				],
				"none": []
			}}`,
		},
		{
			name:     "product entities",
			subgraph: "products",
			query:    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { upc name price weight } } }`,
			variables: reps(
				map[string]any{"__typename": "Product", "upc": "8"},
				map[string]any{"__typename": "Product", "upc": "10"},
			),
			want: `{
				"errors": [{"message": "resolving Entity \"Product\": no product with upc \"10\"", "path": ["_entities"]}],
				"data": {"_entities": [{"upc": "8", "name": "Fridge", "price": 100000, "weight": 6000}, null]}
			}`,
		},
		{
			name:     "inventory entities with required price and weight",
			subgraph: "inventory",
			query:    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { upc inStock shippingEstimate } } }`,
			variables: reps(
				// Half the weight at a price of 1000 or less.
				map[string]any{"__typename": "Product", "upc": "1", "price": 899, "weight": 100},
				// Free above 1000.
				map[string]any{"__typename": "Product", "upc": "2", "price": 1299, "weight": 1000},
				map[string]any{"__typename": "Product", "upc": "4", "price": 1000, "weight": 101},
				// Unknown without the price, or the weight when not free.
				map[string]any{"__typename": "Product", "upc": "5"},
				map[string]any{"__typename": "Product", "upc": "6", "price": 6999},
				map[string]any{"__typename": "Product", "upc": "7", "price": 999},
				map[string]any{"__typename": "Product", "upc": "10", "price": 1, "weight": 1},
			),
			want: `{
				"errors": [{"message": "resolving Entity \"Product\": no product with upc \"10\"", "path": ["_entities"]}],
				"data": {"_entities": [
					{"upc": "1", "inStock": true, "shippingEstimate": 50},
					{"upc": "2", "inStock": false, "shippingEstimate": 0},
					{"upc": "4", "inStock": false, "shippingEstimate": 50},
					{"upc": "5", "inStock": true, "shippingEstimate": null},
					{"upc": "6", "inStock": true, "shippingEstimate": 0},
					{"upc": "7", "inStock": true, "shippingEstimate": null},
					null
				]}
			}`,
		},
		{
			name:     "review entities",
			subgraph: "reviews",
			query:    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Review { id body author { id username } product { upc } } } }`,
			variables: reps(
				map[string]any{"__typename": "Review", "id": "10"},
				map[string]any{"__typename": "Review", "id": "12"},
			),
			want: `{
				"errors": [{"message": "resolving Entity \"Review\": no review with id \"12\"", "path": ["_entities"]}],
				"data": {"_entities": [
					{
						"id": "10",
						"body": "Ut enim ad minima veniam, quis nostrum exercitationem ullam corporis suscipit laboriosam, nisi ut aliquid ex ea commodi consequatur? Quis autem",
						"author": {"id": "1", "username": "urigo"},
						"product": {"upc": "4"}
					},
					null
				]}
			}`,
		},
		{
			name:     "user and product entities in reviews",
			subgraph: "reviews",
			query: `query ($r: [_Any!]!) {
				_entities(representations: $r) {
					... on User { id reviews { id product { upc } } }
					... on Product { upc reviews { id author { id } } }
				}
			}`,
			variables: reps(
				map[string]any{"__typename": "User", "id": "3"},
				map[string]any{"__typename": "Product", "upc": "2"},
				map[string]any{"__typename": "Product", "upc": "9"},
			),
			want: `{"data": {"_entities": [
				{"id": "3", "reviews": [{"id": "1", "product": {"upc": "1"}}, {"id": "2", "product": {"upc": "1"}}]},
				{"upc": "2", "reviews": [
					{"id": "5", "author": {"id": "1"}},
					{"id": "6", "author": {"id": "1"}},
					{"id": "7", "author": {"id": "1"}},
					{"id": "8", "author": {"id": "1"}}
				]},
				{"upc": "9", "reviews": []}
			]}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertJSON(t, post(t, sgs.URL(tt.subgraph), tt.query, tt.variables), tt.want)
		})
	}
}

func TestServiceSDL(t *testing.T) {
	sgs := start(t)
	keys := map[string][]string{
		"accounts":  {`type User @key(fields: "id")`},
		"inventory": {`type Product @key(fields: "upc")`},
		"products":  {`type Product @key(fields: "upc")`},
		"reviews":   {`type Review @key(fields: "id")`, `type User @key(fields: "id")`, `type Product @key(fields: "upc")`},
	}
	for _, name := range all.Names() {
		t.Run(name, func(t *testing.T) {
			var resp struct {
				Data struct {
					Service struct{ SDL string } `json:"_service"`
				}
			}
			body := post(t, sgs.URL(name), `{ _service { sdl } }`, nil)
			if err := json.Unmarshal(body, &resp); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			sdl := resp.Data.Service.SDL
			for _, key := range keys[name] {
				if !strings.Contains(sdl, key) {
					t.Errorf("sdl lacks %q:\n%s", key, sdl)
				}
			}
			file, err := os.ReadFile(filepath.Join("..", name, "subgraph", "schema.graphqls"))
			if err != nil {
				t.Fatal(err)
			}
			if sdl != string(file) {
				t.Errorf("sdl is not schema.graphqls:\n got %q\nwant %q", sdl, file)
			}
		})
	}
}

func TestHandlerPaths(t *testing.T) {
	h := all.Handlers()["accounts"]
	const want = `{"data":{"me":{"id":"1"}}}`
	tests := []struct {
		method, target, body string
		status               int
		want                 string
	}{
		{"POST", "/graphql", `{"query":"{ me { id } }"}`, http.StatusOK, want},
		{"POST", "/", `{"query":"{ me { id } }"}`, http.StatusOK, want},
		{"GET", "/graphql?query=%7Bme%7Bid%7D%7D", "", http.StatusOK, want},
		{"POST", "/playground", `{"query":"{ me { id } }"}`, http.StatusNotFound, "404 page not found\n"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status || rec.Body.String() != tt.want {
				t.Errorf("got %d %q, want %d %q", rec.Code, rec.Body.String(), tt.status, tt.want)
			}
		})
	}
}

func TestSupergraphRoutesToStartedSubgraphs(t *testing.T) {
	sgs := start(t)
	got := sgs.Supergraph()
	back := got
	for name, addr := range all.DefaultAddrs("127.0.0.1") {
		url := sgs.URL(name)
		if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/graphql") {
			t.Fatalf("URL(%q) = %q", name, url)
		}
		if !strings.Contains(got, `url: "`+url+`"`) {
			t.Errorf("supergraph does not route %s to %s", name, url)
		}
		back = strings.Replace(back, url, "http://"+addr+"/graphql", 1)
	}
	if back != examples.Supergraph {
		t.Errorf("supergraph changed beyond its URLs:\n%s", got)
	}
}

func TestDefaultAddrs(t *testing.T) {
	got := all.DefaultAddrs("127.0.0.1")
	want := map[string]string{
		"accounts":  "127.0.0.1:4001",
		"products":  "127.0.0.1:4002",
		"inventory": "127.0.0.1:4003",
		"reviews":   "127.0.0.1:4004",
	}
	if len(got) != len(want) {
		t.Fatalf("DefaultAddrs = %v, want %v", got, want)
	}
	for name, addr := range want {
		if got[name] != addr {
			t.Errorf("DefaultAddrs[%q] = %q, want %q", name, got[name], addr)
		}
		if !strings.Contains(examples.Supergraph, `url: "http://`+addr+`/graphql"`) {
			t.Errorf("supergraph.graphql does not route %s to %s", name, addr)
		}
	}
}

func TestStartAtRejectsWrongNames(t *testing.T) {
	addrs := all.DefaultAddrs("127.0.0.1")
	delete(addrs, "reviews")
	addrs["review"] = "127.0.0.1:0"
	sgs, err := all.StartAt(t.Context(), addrs)
	const want = "subgraph addresses for [accounts inventory products review], want exactly [accounts inventory products reviews]"
	if sgs != nil || err == nil || err.Error() != want {
		t.Errorf("StartAt = %v, %v; want nil, %q", sgs, err, want)
	}
}

func TestStartAtFailsOnBusyAddress(t *testing.T) {
	sgs := start(t)
	addrs := map[string]string{
		"accounts":  "127.0.0.1:0",
		"inventory": "127.0.0.1:0",
		"products":  strings.TrimSuffix(strings.TrimPrefix(sgs.URL("products"), "http://"), "/graphql"),
		"reviews":   "127.0.0.1:0",
	}
	again, err := all.StartAt(t.Context(), addrs)
	if again != nil || err == nil || !strings.HasPrefix(err.Error(), "start products subgraph: ") {
		t.Fatalf("StartAt on a busy address = %v, %v; want a products error", again, err)
	}
	// The listeners opened before the failure are closed again, so the
	// subgraphs can start on their addresses.
	next, err := all.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := next.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestClose(t *testing.T) {
	sgs, err := all.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	url := sgs.URL("reviews")
	if err := sgs.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := sgs.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"query":"{ _service { sdl } }"}`))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("POST after Close: status %d, want a connection error", resp.StatusCode)
	}
}
