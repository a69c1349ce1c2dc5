package executor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/trellis-gql/trellis/examples"
	"github.com/trellis-gql/trellis/examples/all"
	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// startExamples runs the four example subgraphs in process and a gateway on their supergraph.
func startExamples(tb testing.TB) (*executor.Gateway, *all.Subgraphs) {
	tb.Helper()
	subs, err := all.Start(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { subs.Close() })
	sg, err := supergraph.Load("examples/supergraph.graphql", subs.Supergraph())
	if err != nil {
		tb.Fatal(err)
	}
	gw, err := executor.New(executor.DefaultConfig(), sg, nil, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(gw.Close)
	return gw, subs
}

// gatewayAt builds a gateway on the started examples' supergraph with its own client.
func gatewayAt(tb testing.TB, subs *all.Subgraphs, client executor.Doer) *executor.Gateway {
	sg, err := supergraph.Load("examples/supergraph.graphql", subs.Supergraph())
	if err != nil {
		tb.Fatal(err)
	}
	gw, err := executor.New(executor.DefaultConfig(), sg, client, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(gw.Close)
	return gw
}

// TestBenchmarkQueryExamples checks the benchmark operation through the gateway against an
// answer stitched by hand from direct subgraph queries, without the planner.
func TestBenchmarkQueryExamples(t *testing.T) {
	gw, subs := startExamples(t)
	status, body := post(t, gw, examples.BenchmarkQuery)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	want, err := json.Marshal(map[string]any{"data": stitchBenchmark(t, subs)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(canonical(t, []byte(body)), canonical(t, want)) {
		t.Fatalf("benchmark response differs from the hand-stitched one\n got %s\nwant %s", canonical(t, []byte(body)), canonical(t, want))
	}
	// Key order is the client's: the User fragment selects id, username, name.
	if !bytes.Contains([]byte(body), []byte(`{"users":[{"id":"1","username":"urigo","name":"Uri Goldshtein","reviews":[{"id":"1","body":`)) {
		t.Fatalf("response does not follow the selection order: %.200s", body)
	}
}

// canonical re-encodes JSON with sorted keys, to compare content apart from order.
func canonical(t *testing.T, raw []byte) []byte {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("not JSON: %v: %.200s", err, raw)
	}
	out, _ := json.Marshal(v)
	return out
}

// stitcher answers the benchmark's shapes by querying each subgraph directly.
type stitcher struct {
	t    *testing.T
	subs *all.Subgraphs
}

func (s stitcher) query(subgraph, q string, vars map[string]any) map[string]any {
	s.t.Helper()
	raw, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	resp, err := http.Post(s.subs.URL(subgraph), "application/json", bytes.NewReader(raw))
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data   map[string]any
		Errors []any
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Errors) > 0 {
		s.t.Fatalf("%s: %v %v", subgraph, err, out.Errors)
	}
	return out.Data
}

func (s stitcher) entity(subgraph, typename, keyField string, key any, selection string) map[string]any {
	rep := map[string]any{"__typename": typename, keyField: key}
	d := s.query(subgraph, `query($r:[_Any!]!){_entities(representations:$r){... on `+typename+selection+`}}`, map[string]any{"r": []any{rep}})
	return d["_entities"].([]any)[0].(map[string]any)
}

func (s stitcher) user(id any, depth int) map[string]any {
	u := s.entity("accounts", "User", "id", id, "{id username name}")
	if depth > 0 {
		reviews := []any{}
		for _, r := range s.entity("reviews", "User", "id", id, "{reviews{id body product{upc}}}")["reviews"].([]any) {
			r := r.(map[string]any)
			reviews = append(reviews, map[string]any{"id": r["id"], "body": r["body"],
				"product": s.product(r["product"].(map[string]any)["upc"], depth-1)})
		}
		u["reviews"] = reviews
	}
	return u
}

func (s stitcher) product(upc any, depth int) map[string]any {
	p := s.entity("products", "Product", "upc", upc, "{upc name price weight}")
	rep := map[string]any{"__typename": "Product", "upc": upc, "price": p["price"], "weight": p["weight"]}
	inv := s.query("inventory", `query($r:[_Any!]!){_entities(representations:$r){... on Product{inStock shippingEstimate}}}`,
		map[string]any{"r": []any{rep}})["_entities"].([]any)[0].(map[string]any)
	p["inStock"], p["shippingEstimate"] = inv["inStock"], inv["shippingEstimate"]
	if depth > 0 {
		reviews := []any{}
		for _, r := range s.entity("reviews", "Product", "upc", upc, "{reviews{id body author{id}}}")["reviews"].([]any) {
			r := r.(map[string]any)
			reviews = append(reviews, map[string]any{"id": r["id"], "body": r["body"],
				"author": s.user(r["author"].(map[string]any)["id"], depth-1)})
		}
		p["reviews"] = reviews
	}
	return p
}

// stitchBenchmark builds the benchmark query's answer: users -> reviews -> product ->
// reviews -> author -> reviews -> product, and topProducts -> reviews -> author -> reviews
// -> product.
func stitchBenchmark(t *testing.T, subs *all.Subgraphs) map[string]any {
	s := stitcher{t: t, subs: subs}
	var users, top []any
	for _, u := range s.query("accounts", "{users{id}}", nil)["users"].([]any) {
		users = append(users, s.user(u.(map[string]any)["id"], 3))
	}
	for _, p := range s.query("products", "{topProducts{upc}}", nil)["topProducts"].([]any) {
		top = append(top, s.product(p.(map[string]any)["upc"], 2))
	}
	return map[string]any{"users": users, "topProducts": top}
}

// BenchmarkBenchmarkQuery is a full request for examples/benchmark.graphql through the
// gateway against the example subgraphs in process, over loopback HTTP.
func BenchmarkBenchmarkQuery(b *testing.B) {
	gw, _ := startExamples(b)
	raw, _ := json.Marshal(map[string]any{"query": examples.BenchmarkQuery})
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		gw.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Body.String())
		}
	}
}
