package executor_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/internal/subgraphtest"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// failSupergraph: products owns Product and topProducts; inventory adds inStock (nullable)
// and sku (non-null).
const failSupergraph = `
schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) { query: Query }
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
  sku: String! @join__field(graph: INVENTORY)
}
type Query @join__type(graph: INVENTORY) @join__type(graph: PRODUCTS) {
  topProducts: [Product] @join__field(graph: PRODUCTS)
}
`

const productsSDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { topProducts: [Product] }
type Product @key(fields: "upc") { upc: String! name: String }
`

const productsData = `{
  "Query": {"topProducts": [{"$ref": "Product", "upc": "1"}, {"$ref": "Product", "upc": "2"}]},
  "Product": [{"upc": "1", "name": "Table"}, {"upc": "2", "name": "Couch"}]
}`

func failingGateway(t *testing.T, inventoryURL string, timeout time.Duration) *executor.Gateway {
	t.Helper()
	return limitedGateway(t, inventoryURL, func(c *executor.Config) { c.SubgraphTimeout = timeout })
}

func handlerURL(t *testing.T, h http.HandlerFunc) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func refusedURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	return url
}

func TestSubgraphFailures(t *testing.T) {
	const nameAndStock = `{ topProducts { name inStock } }`
	const nameAndSku = `{ topProducts { name sku } }`
	nullStock := `{"data":{"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"request to subgraph \"inventory\" failed: MSG","path":["topProducts","@"],"extensions":{"code":"SUBREQUEST_HTTP_ERROR","serviceName":"inventory"}}]}`
	cases := []struct {
		name    string
		url     func(t *testing.T) string
		query   string
		want    string
		wantMsg string // replaces MSG in want, matched as a prefix of the message
		timeout time.Duration
	}{
		{
			name:    "connection refused",
			url:     refusedURL,
			query:   nameAndStock,
			want:    nullStock,
			wantMsg: "Post \"http://127.0.0.1:",
		},
		{
			// The fetch's error at ["topProducts","@"] explains every null below it: no
			// "Cannot return null" error per item.
			name:    "connection refused, non-null field",
			url:     refusedURL,
			query:   nameAndSku,
			want:    `{"data":{"topProducts":[null,null]},"errors":[{"message":"request to subgraph \"inventory\" failed: MSG","path":["topProducts","@"],"extensions":{"code":"SUBREQUEST_HTTP_ERROR","serviceName":"inventory"}}]}`,
			wantMsg: "Post \"http://127.0.0.1:",
		},
		{
			name: "timeout",
			url: func(t *testing.T) string {
				return handlerURL(t, func(w http.ResponseWriter, r *http.Request) {
					io.Copy(io.Discard, r.Body) // lets the server notice the client hanging up
					select {
					case <-r.Context().Done():
					case <-time.After(5 * time.Second):
					}
				})
			},
			query:   nameAndStock,
			want:    nullStock,
			wantMsg: "Post \"http://127.0.0.1:",
			timeout: 200 * time.Millisecond,
		},
		{
			name: "invalid JSON",
			url: func(t *testing.T) string {
				return handlerURL(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"data": {"_entities": [`)) })
			},
			query:   nameAndStock,
			want:    nullStock,
			wantMsg: "invalid JSON response",
		},
		{
			name: "HTML 502 page",
			url: func(t *testing.T) string {
				return handlerURL(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/html")
					w.WriteHeader(http.StatusBadGateway)
					w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
				})
			},
			query:   nameAndStock,
			want:    nullStock,
			wantMsg: "HTTP 502: \"<html><body><h1>502 Bad Gateway</h1></body></html>\"",
		},
		{
			name: "errors with partial data",
			url: func(t *testing.T) string {
				return handlerURL(t, func(w http.ResponseWriter, r *http.Request) {
					w.Write([]byte(`{"data":{"_entities":[{"inStock":true},{"inStock":null}]},"errors":[{"message":"stock service down","path":["_entities",1,"inStock"],"extensions":{"code":"DOWN"}}]}`))
				})
			},
			query: nameAndStock,
			want:  `{"data":{"topProducts":[{"name":"Table","inStock":true},{"name":"Couch","inStock":null}]},"errors":[{"message":"stock service down","path":["topProducts",1,"inStock"],"extensions":{"code":"DOWN","serviceName":"inventory"}}]}`,
		},
		{
			name: "null in a non-null field",
			url: func(t *testing.T) string {
				return handlerURL(t, func(w http.ResponseWriter, r *http.Request) {
					w.Write([]byte(`{"data":{"_entities":[{"sku":"T-1"},{"sku":null}]}}`))
				})
			},
			query: nameAndSku,
			want:  `{"data":{"topProducts":[{"name":"Table","sku":"T-1"},null]},"errors":[{"message":"Cannot return null for non-nullable field Product.sku.","path":["topProducts",1,"sku"]}]}`,
		},
		{
			name: "fewer entities than representations",
			url: func(t *testing.T) string {
				return handlerURL(t, func(w http.ResponseWriter, r *http.Request) {
					w.Write([]byte(`{"data":{"_entities":[{"sku":"T-1"}]}}`))
				})
			},
			query: nameAndSku,
			want:  `{"data":{"topProducts":[{"name":"Table","sku":"T-1"},null]},"errors":[{"message":"Cannot return null for non-nullable field Product.sku.","path":["topProducts",1,"sku"]}]}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 10 * time.Second
			}
			gw := failingGateway(t, tc.url(t), timeout)
			status, body := post(t, gw, tc.query)
			if status != http.StatusOK {
				t.Fatalf("status %d, want 200: %s", status, body)
			}
			want := tc.want
			if tc.wantMsg != "" {
				got := messageOf(t, body)
				if !strings.HasPrefix(got, `request to subgraph "inventory" failed: `+tc.wantMsg) {
					t.Fatalf("error message %q does not start with %q", got, tc.wantMsg)
				}
				want = strings.Replace(want, "MSG", strings.TrimPrefix(jsonEscape(got), `request to subgraph \"inventory\" failed: `), 1)
			}
			if body != want {
				t.Errorf("response\n got %s\nwant %s", body, want)
			}
		})
	}
}

func post(t *testing.T, gw http.Handler, query string) (int, string) {
	t.Helper()
	raw, _ := json.Marshal(map[string]any{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	gw.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func messageOf(t *testing.T, body string) string {
	var resp struct {
		Errors []struct{ Message string } `json:"errors"`
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil || len(resp.Errors) == 0 {
		t.Fatalf("no errors in %s", body)
	}
	return resp.Errors[0].Message
}

func jsonEscape(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	out := bytes.TrimSpace(b.Bytes())
	return string(out[1 : len(out)-1])
}

// TestLimits: a response over MaxResponseBytes and an execution over RequestTimeout fail with
// a clear error instead of growing or waiting without bound.
func TestLimits(t *testing.T) {
	slow := handlerURL(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	t.Run("response too large", func(t *testing.T) {
		gw := limitedGateway(t, slow, func(c *executor.Config) { c.MaxResponseBytes = 20 })
		_, body := post(t, gw, `{ topProducts { name } }`)
		want := `{"data":null,"errors":[{"message":"the response would exceed 20 bytes; select less, or ask the operator to raise max_response_bytes","extensions":{"code":"RESPONSE_TOO_LARGE"}}]}`
		if body != want {
			t.Errorf("got  %s\nwant %s", body, want)
		}
	})
	t.Run("request timeout", func(t *testing.T) {
		gw := limitedGateway(t, slow, func(c *executor.Config) { c.RequestTimeout = 200 * time.Millisecond })
		_, body := post(t, gw, `{ topProducts { name inStock } }`)
		if !strings.Contains(body, `"message":"the operation did not finish within 200ms","extensions":{"code":"GATEWAY_TIMEOUT"}`) ||
			!strings.Contains(body, `{"name":"Table","inStock":null}`) {
			t.Errorf("got %s", body)
		}
	})
}

func limitedGateway(t *testing.T, inventoryURL string, set func(*executor.Config)) *executor.Gateway {
	products, err := subgraphtest.New("products", productsSDL, []byte(productsData))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(products)
	t.Cleanup(srv.Close)
	sdl := strings.NewReplacer("INVENTORY_URL", inventoryURL, "PRODUCTS_URL", srv.URL).Replace(failSupergraph)
	sg, err := supergraph.Load("limits.graphql", sdl)
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
	return gw
}
