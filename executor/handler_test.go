package executor_test

import (
	"bytes"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/internal/subgraphtest"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// httpGateway serves failSupergraph with a working inventory subgraph.
func httpGateway(t *testing.T, dev bool) *executor.Gateway {
	t.Helper()
	inventory, err := subgraphtest.New("inventory", `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Product @key(fields: "upc") { upc: String! inStock: Boolean sku: String! }
type Mutation { restock(upc: String!): Boolean }`, []byte(`{
  "Product": [{"upc": "1", "inStock": true, "sku": "T-1"}, {"upc": "2", "inStock": false, "sku": "C-2"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(inventory)
	t.Cleanup(srv.Close)
	products, err := subgraphtest.New("products", productsSDL, []byte(productsData))
	if err != nil {
		t.Fatal(err)
	}
	psrv := httptest.NewServer(products)
	t.Cleanup(psrv.Close)
	sdl := strings.NewReplacer("INVENTORY_URL", srv.URL, "PRODUCTS_URL", psrv.URL).Replace(failSupergraph)
	sdl = strings.Replace(sdl, "{ query: Query }", "{ query: Query mutation: Mutation }", 1) +
		"type Mutation @join__type(graph: INVENTORY) { restock(upc: String!): Boolean @join__field(graph: INVENTORY) }\n"
	sg, err := supergraph.Load("http.graphql", sdl)
	if err != nil {
		t.Fatal(err)
	}
	cfg := executor.DefaultConfig()
	cfg.Dev = dev
	cfg.HTTP.MaxBodyBytes = 1 << 20
	gw, err := executor.New(cfg, sg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	return gw
}

func TestGraphQLOverHTTP(t *testing.T) {
	gw := httpGateway(t, false)
	const gqlResp = "application/graphql-response+json"
	cases := []struct {
		name        string
		method      string
		target      string
		body        string
		accept      string
		contentType string
		wantStatus  int
		wantType    string
		wantBody    string
	}{
		{name: "POST query", method: "POST", body: `{"query":"{ topProducts { name inStock } }"}`, accept: gqlResp,
			wantStatus: 200, wantType: gqlResp,
			wantBody: `{"data":{"topProducts":[{"name":"Table","inStock":true},{"name":"Couch","inStock":false}]}}`},
		{name: "GET query", method: "GET", target: "/graphql?query=" + url.QueryEscape("{ topProducts { upc } }"),
			wantStatus: 200, wantType: gqlResp,
			wantBody: `{"data":{"topProducts":[{"upc":"1"},{"upc":"2"}]}}`},
		{name: "GET mutation is 405", method: "GET", target: "/graphql?query=" + url.QueryEscape(`mutation { restock(upc: "1") }`),
			wantStatus: 405, wantType: gqlResp,
			wantBody: `{"errors":[{"message":"mutation operations cannot be sent with GET; use POST","extensions":{"code":"BAD_REQUEST"}}]}`},
		{name: "unparsable body is 400", method: "POST", body: `{"query":`, wantStatus: 400},
		{name: "invalid document under graphql-response+json is 400", method: "POST", accept: gqlResp,
			body: `{"query":"{ nope }"}`, wantStatus: 400, wantType: gqlResp,
			wantBody: `{"errors":[{"message":"Cannot query field \"nope\" on type \"Query\".","locations":[{"line":1,"column":3}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`},
		{name: "invalid document under application/json is 200", method: "POST", accept: "application/json",
			body: `{"query":"{ nope }"}`, wantStatus: 200, wantType: "application/json"},
		{name: "syntax error", method: "POST", accept: gqlResp, body: `{"query":"{ topProducts { "}`, wantStatus: 400,
			wantBody: `{"errors":[{"message":"Expected Name, found <EOF>","locations":[{"line":1,"column":17}],"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`},
		{name: "operationName picks", method: "POST",
			body:       `{"query":"query A { topProducts { upc } } query B { topProducts { name } }","operationName":"B"}`,
			wantStatus: 200, wantBody: `{"data":{"topProducts":[{"name":"Table"},{"name":"Couch"}]}}`},
		{name: "operationName required", method: "POST", accept: gqlResp,
			body: `{"query":"query A { topProducts { upc } } query B { topProducts { name } }"}`, wantStatus: 400,
			wantBody: `{"errors":[{"message":"the document has several operations: name one in \"operationName\"","extensions":{"code":"OPERATION_RESOLUTION_FAILURE"}}]}`},
		{name: "unknown operationName", method: "POST", accept: gqlResp,
			body: `{"query":"query A { topProducts { upc } }","operationName":"C"}`, wantStatus: 400,
			wantBody: `{"errors":[{"message":"unknown operation named \"C\"","extensions":{"code":"OPERATION_RESOLUTION_FAILURE"}}]}`},
		{name: "variable coercion error", method: "POST", accept: gqlResp,
			body: `{"query":"mutation($u: String!) { restock(upc: $u) }","variables":{"u":5}}`, wantStatus: 400,
			wantBody: `{"errors":[{"message":"cannot use int64 as String","path":["variable","u"],"extensions":{"code":"BAD_USER_INPUT"}}]}`},
		{name: "body over the limit is 413", method: "POST", body: `{"query":"` + strings.Repeat(" ", 2<<20) + `{ topProducts { upc } }"}`, wantStatus: 413},
		{name: "wrong content type is 415", method: "POST", contentType: "text/plain", body: `{"query":"{ topProducts { upc } }"}`, wantStatus: 415},
		{name: "PUT is 405", method: "PUT", body: `{}`, wantStatus: 405},
		{name: "not acceptable", method: "POST", accept: "text/html", body: `{"query":"{ topProducts { upc } }"}`, wantStatus: 406},
		{name: "plan header ignored outside dev", method: "POST", body: `{"query":"{ topProducts { upc } }"}`,
			wantStatus: 200, wantBody: `{"data":{"topProducts":[{"upc":"1"},{"upc":"2"}]}}`},
		{name: "introspection with a field", method: "POST",
			body:       `{"query":"{ __type(name: \"Product\") { name fields { name } } topProducts { upc } }"}`,
			wantStatus: 200, wantBody: `{"data":{"__type":{"name":"Product","fields":[{"name":"upc"},{"name":"name"},{"name":"inStock"},{"name":"sku"}]},"topProducts":[{"upc":"1"},{"upc":"2"}]}}`},
		{name: "too many tokens", method: "POST", accept: gqlResp, body: `{"query":"{ ` + strings.Repeat("__typename ", 20000) + `}"}`,
			wantStatus: 400, wantBody: `{"errors":[{"message":"exceeded token limit of 15000","extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`},
		{name: "typename at the root", method: "POST", body: `{"query":"{ t: __typename __typename }"}`,
			wantStatus: 200, wantBody: `{"data":{"t":"Query","__typename":"Query"}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			target := tc.target
			if target == "" {
				target = "/graphql"
			}
			req := httptest.NewRequest(tc.method, target, bytes.NewReader([]byte(tc.body)))
			if tc.method != "GET" {
				ct := tc.contentType
				if ct == "" {
					ct = "application/json"
				}
				req.Header.Set("Content-Type", ct)
			}
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			req.Header.Set(executor.HeaderIncludePlan, "true")
			rec := httptest.NewRecorder()
			gw.ServeHTTP(rec, req)
			if rec.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.wantStatus, rec.Body)
			}
			if tc.wantType != "" && rec.Header().Get("Content-Type") != tc.wantType {
				t.Errorf("content type %q, want %q", rec.Header().Get("Content-Type"), tc.wantType)
			}
			if tc.wantBody != "" && rec.Body.String() != tc.wantBody {
				t.Errorf("body\n got %s\nwant %s", rec.Body, tc.wantBody)
			}
		})
	}
}

func TestQueryPlanExtensionInDev(t *testing.T) {
	gw := httpGateway(t, true)
	req := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":"{ topProducts { inStock } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(executor.HeaderIncludePlan, "true")
	rec := httptest.NewRecorder()
	gw.ServeHTTP(rec, req)
	body := rec.Body.String()
	for _, want := range []string{`"extensions":{"queryPlan":{`, `Flatten(path: \"topProducts.@\")`, `Fetch(service: \"inventory\")`} {
		if !strings.Contains(body, want) {
			t.Errorf("response lacks %s: %s", want, body)
		}
	}
}
