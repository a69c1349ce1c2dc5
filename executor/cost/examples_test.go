package cost_test

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
	"github.com/trellis-gql/trellis/executor/cost"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

func examplesSupergraph(tb testing.TB) *supergraph.Supergraph {
	tb.Helper()
	sg, err := supergraph.Load("examples/supergraph.graphql", examples.Supergraph)
	if err != nil {
		tb.Fatal(err)
	}
	return sg
}

// TestEstimateBenchmarkQuery checks the benchmark operation's estimate, lists of 10:
//
//	product3 = 1                          (Review.product in the innermost reviews)
//	reviews3 = 10 × (1 + product3) = 20   (User.reviews)
//	author2  = 1 + reviews3 = 21
//	reviews2 = 10 × (1 + author2) = 220   (Product.reviews)
//	product1 = 1 + reviews2 = 221
//	reviews1 = 10 × (1 + product1) = 2220 (User.reviews)
//	users    = 10 × (1 + reviews1) = 22210
//	topProducts = 10 × (1 + reviews2) = 2210
//
// 22210 + 2210 = 24420.
func TestEstimateBenchmarkQuery(t *testing.T) {
	sg := examplesSupergraph(t)
	op, vars := operation(t, sg, examples.BenchmarkQuery, nil)
	est := calculator(t, sg).Estimate(op, vars)
	if want := (cost.Estimate{Cost: 24420}); est != want {
		t.Fatalf("Estimate = %+v; want %+v", est, want)
	}
}

func BenchmarkEstimateBenchmarkQuery(b *testing.B) {
	sg := examplesSupergraph(b)
	calc := calculator(b, sg)
	op, vars := operation(b, sg, examples.BenchmarkQuery, nil)
	b.ReportAllocs()
	for b.Loop() {
		calc.Estimate(op, vars)
	}
}

// benchmarkData runs the benchmark operation through a gateway on the example subgraphs and
// returns the response's data.
func benchmarkData(tb testing.TB) map[string]any {
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
	body, _ := json.Marshal(map[string]any{"query": examples.BenchmarkQuery})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	gw.ServeHTTP(rec, req)
	var resp struct {
		Data   map[string]any `json:"data"`
		Errors []any          `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || resp.Data == nil || resp.Errors != nil {
		tb.Fatalf("status %d, %v: %.300s", rec.Code, err, rec.Body.String())
	}
	return resp.Data
}

// objects counts the objects in a JSON tree.
func objects(v any) int {
	switch v := v.(type) {
	case map[string]any:
		n := 1
		for _, c := range v {
			n += objects(c)
		}
		return n
	case []any:
		n := 0
		for _, c := range v {
			n += objects(c)
		}
		return n
	}
	return 0
}

// TestActualBenchmarkQuery measures the benchmark operation's response from the real
// executor: every field is a scalar (0) or an object (1) without arguments, so the actual cost
// is the number of objects under data. (The response's keys are the client's, which are the
// aliases here.)
func TestActualBenchmarkQuery(t *testing.T) {
	data := benchmarkData(t)
	sg := examplesSupergraph(t)
	op, vars := operation(t, sg, examples.BenchmarkQuery, nil)
	got := calculator(t, sg).Actual(op, vars, asTree(data))
	want := objects(data) - 1 // not data itself: the root costs nothing
	if want < 50 || got != float64(want) {
		t.Fatalf("Actual = %v; want %d objects", got, want)
	}
	t.Logf("benchmark query: estimated 24420, actual %v", got)
}

func BenchmarkActualBenchmarkQuery(b *testing.B) {
	data := benchmarkData(b)
	sg := examplesSupergraph(b)
	calc := calculator(b, sg)
	op, vars := operation(b, sg, examples.BenchmarkQuery, nil)
	tree := asTree(data)
	b.ReportAllocs()
	for b.Loop() {
		calc.Actual(op, vars, tree)
	}
}
