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
func gatewayAt(tb testing.TB, subs *all.Subgraphs, client executor.Doer, cfg executor.Config) *executor.Gateway {
	sg, err := supergraph.Load("examples/supergraph.graphql", subs.Supergraph())
	if err != nil {
		tb.Fatal(err)
	}
	gw, err := executor.New(cfg, sg, client, nil)
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
	want, err := all.StitchBenchmark(subs.URLs())
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
