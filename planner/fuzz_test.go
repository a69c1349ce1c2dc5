package planner_test

import (
	"testing"

	"github.com/trellis-gql/trellis/examples"
	"github.com/trellis-gql/trellis/planner"
	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// FuzzNormalize plans arbitrary operations against the example supergraph: every valid
// operation normalizes and plans without panicking, and plans are deterministic.
func FuzzNormalize(f *testing.F) {
	sg, err := supergraph.Load("examples/supergraph.graphql", examples.Supergraph)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(examples.BenchmarkQuery)
	f.Add(`{ topProducts { name shippingEstimate reviews { body author { username name } } } }`)
	f.Add(`query($s: Boolean!) { me { id @skip(if: $s) reviews @include(if: $s) { product { inStock } } } }`)
	f.Add(`{ a: me { n: name } b: me { n: username } }`)
	f.Add(`fragment F on Product { upc ...G } fragment G on Product { name } { topProducts(first: 1) { ...F } }`)
	f.Add(`{ __typename me { __typename reviews { __typename } } }`)
	f.Fuzz(func(t *testing.T, src string) {
		doc, err := parser.ParseQuery(&ast.Source{Input: src})
		if err != nil || len(validator.ValidateWithRules(sg.API, doc, nil)) > 0 || len(doc.Operations) != 1 {
			return
		}
		op := doc.Operations[0]
		vars := map[string]any{}
		for _, v := range op.VariableDefinitions {
			if v.Type.Name() == "Boolean" {
				vars[v.Variable] = true
			}
		}
		norm, err := planner.Normalize(sg.API, op, vars)
		if err != nil {
			return
		}
		p, err := planner.Build(sg, norm, planner.Options{})
		if err != nil {
			t.Fatalf("valid operation did not plan: %v\n%s", err, src)
		}
		again, _ := planner.Build(sg, norm, planner.Options{})
		if p.String() != again.String() {
			t.Fatalf("plan not deterministic for %s", src)
		}
	})
}

// BenchmarkBenchmarkQuery plans examples/benchmark.graphql (a plan-cache miss).
func BenchmarkBenchmarkQuery(b *testing.B) {
	sg, err := supergraph.Load("examples/supergraph.graphql", examples.Supergraph)
	if err != nil {
		b.Fatal(err)
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: examples.BenchmarkQuery})
	if err != nil || len(validator.ValidateWithRules(sg.API, doc, nil)) > 0 {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		norm, err := planner.Normalize(sg.API, doc.Operations[0], nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := planner.Build(sg, norm, planner.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
