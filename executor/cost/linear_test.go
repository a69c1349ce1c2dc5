package cost_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/planner"
	"github.com/vektah/gqlparser/v2/ast"
)

const chainSchema = `type Query { t: T } type T { leaf: Int next: [T] @listSize(assumedSize: 2) a: T b: T }`

// chain is a document of depth fragments, each selecting the next twice with shape.
func chain(depth int, shape string) string {
	var b strings.Builder
	b.WriteString("{ t { ...F0 } }\n")
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&b, "fragment F%d on T { leaf "+shape+" }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on T { leaf }\n", depth)
	return b.String()
}

// TestFragmentChain costs documents whose fragments select the next fragment twice. On each
// level a T costs S(k) = 2 × (1 + S(k+1)) with S(depth) = 0, so the operation costs
// 1 + S(0) = 2^(depth+1) - 1. Normalize expands fragments itself and refuses such chains
// past about 15 levels (planner.MaxSelections); TestSharedSelectionSets covers 30.
func TestFragmentChain(t *testing.T) {
	sg := load(t, linked, chainSchema)
	calc := calculator(t, sg)
	const depth = 14
	for _, shape := range []string{
		"next { ...F%d } next { ...F%d }", // merged: one list field per level
		"a { ...F%d } b { ...F%d }",       // two fields per level: 2^14 selection sets
	} {
		t.Run(shape, func(t *testing.T) {
			op, vars := operation(t, sg, chain(depth, shape), nil)
			start := time.Now()
			got := calc.Estimate(op, vars).Cost
			if took := time.Since(start); took > time.Second {
				t.Errorf("Estimate took %v", took)
			}
			if want := math.Exp2(depth+1) - 1; got != want {
				t.Fatalf("Estimate = %v; want %v", got, want)
			}
		})
	}
}

// TestSharedSelectionSets costs an operation of 30 levels whose two fields a and b share one
// selection set per level, as a normalizer that shares expanded fragments would build it.
// Walked as a tree it visits 2^31 fields; memoised per selection set, 60. It costs
// 2^31 - 1 as in TestFragmentChain.
func TestSharedSelectionSets(t *testing.T) {
	sg := load(t, linked, chainSchema)
	calc := calculator(t, sg)
	const depth = 30
	typ := sg.API.Types["T"]
	field := func(name string, sel *planner.SelectionSet) *planner.Field {
		return &planner.Field{Alias: name, Name: name, Definition: typ.Fields.ForName(name), Selection: sel}
	}
	level := &planner.SelectionSet{Type: "T", Cases: []*planner.Case{{Type: "T", Fields: []*planner.Field{field("leaf", nil)}}}}
	for range depth {
		level = &planner.SelectionSet{Type: "T", Cases: []*planner.Case{{Type: "T",
			Fields: []*planner.Field{field("leaf", nil), field("a", level), field("b", level)}}}}
	}
	root := &planner.SelectionSet{Type: "Query", Cases: []*planner.Case{{Type: "Query",
		Fields: []*planner.Field{{Alias: "t", Name: "t", Definition: sg.API.Query.Fields.ForName("t"), Selection: level}}}}}
	op := &planner.Operation{Kind: ast.Query, Selection: root}

	done := make(chan float64, 1)
	go func() { done <- calc.Estimate(op, nil).Cost }()
	select {
	case got := <-done:
		if want := math.Exp2(depth+1) - 1; got != want {
			t.Fatalf("Estimate = %v; want %v", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Estimate walks shared selection sets once per use: exponential time")
	}
}
