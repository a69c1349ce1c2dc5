package executor

import (
	"testing"

	"github.com/trellis-gql/trellis/examples"
	"github.com/trellis-gql/trellis/executor/graphqlhttp"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

func exampleGateway(t testing.TB) *Gateway {
	sg, err := supergraph.Load("examples/supergraph.graphql", examples.Supergraph)
	if err != nil {
		t.Fatal(err)
	}
	g, err := New(DefaultConfig(), sg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.Close)
	return g
}

func prepareQuery(t testing.TB, st *state, query string, vars map[string]any) *prepared {
	p, rerr := st.prepare(&graphqlhttp.Request{Query: query, Variables: vars, Method: "POST"}, 15000, DefaultLimits())
	if rerr != nil {
		t.Fatal(rerr.errs)
	}
	return p
}

// TestPlanCacheSharesEqualOperations: operations written differently but equal once
// normalized share one cached plan; different @skip outcomes do not.
func TestPlanCacheSharesEqualOperations(t *testing.T) {
	g := exampleGateway(t)
	st := g.state.Load()
	a := prepareQuery(t, st, `query A { topProducts { name ...P } } fragment P on Product { reviews { body } }`, nil)
	b := prepareQuery(t, st, `{ topProducts { name, reviews { body } } }`, nil)
	c := prepareQuery(t, st, `query($s: Boolean = true) { topProducts { name reviews @skip(if: $s) { body } } }`, nil)
	if a.op.Key != b.op.Key {
		t.Fatalf("equal operations normalize differently:\n%s\n%s", a.op.Key, b.op.Key)
	}
	if c.op.Key == a.op.Key {
		t.Fatal("a skipped field did not change the normalized operation")
	}
	pa, err := g.plan(st, a.op)
	if err != nil {
		t.Fatal(err)
	}
	st.plans.Wait()
	pb, _ := g.plan(st, b.op)
	if pa != pb {
		t.Error("the second operation was planned again instead of taken from the cache")
	}
	pc, _ := g.plan(st, c.op)
	if pc == pa || pc.String() == pa.String() {
		t.Error("a skipped field shares the plan of the operation that selects it")
	}
}

// TestNormalizedCacheFollowsConditions: one query text normalizes once per @skip outcome.
func TestNormalizedCacheFollowsConditions(t *testing.T) {
	g := exampleGateway(t)
	st := g.state.Load()
	const q = `query($s: Boolean!) { me { id name @skip(if: $s) } }`
	on := prepareQuery(t, st, q, map[string]any{"s": false})
	st.ops.Wait()
	off := prepareQuery(t, st, q, map[string]any{"s": true})
	again := prepareQuery(t, st, q, map[string]any{"s": false})
	if on.op.Key == off.op.Key {
		t.Fatalf("skip outcome ignored: %s", on.op.Key)
	}
	if again.op != on.op {
		t.Error("the same text and outcome was normalized again instead of taken from the cache")
	}
}

// BenchmarkPlanCacheHit measures prepare (parse, validate, normalize) plus a plan-cache hit
// for the benchmark query, and BenchmarkPlanMiss the planning itself.
func BenchmarkPlanCacheHit(b *testing.B) {
	g := exampleGateway(b)
	st := g.state.Load()
	p := prepareQuery(b, st, examples.BenchmarkQuery, nil)
	g.plan(st, p.op)
	st.plans.Wait()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.plan(st, p.op); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPrepare(b *testing.B) {
	g := exampleGateway(b)
	st := g.state.Load()
	b.ReportAllocs()
	for b.Loop() {
		prepareQuery(b, st, examples.BenchmarkQuery, nil)
	}
}
