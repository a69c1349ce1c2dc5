package planner

import (
	"testing"

	"github.com/trellis-gql/trellis/examples"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// TestEmitJoinsBranches: a fetch that needs two independent branches runs after the
// Parallel that holds them; a fetch that needs one branch stays inside it.
func TestEmitJoinsBranches(t *testing.T) {
	sg, err := supergraph.Load("examples/supergraph.graphql", examples.Supergraph)
	if err != nil {
		t.Fatal(err)
	}
	b := &builder{sg: sg}
	mk := func(graph string, root bool, deps ...*step) *step {
		s := &step{id: len(b.steps), graph: graph, root: root, path: []string{"x"}, sel: &fset{}, deps: map[*step]bool{}}
		if root {
			s.path = nil
		}
		s.sel.field("id", "id", nil)
		for _, d := range deps {
			s.deps[d] = true
		}
		b.steps = append(b.steps, s)
		return s
	}
	a := mk("a", true)
	c := mk("c", true)
	mk("b", false, a)
	mk("d", false, a, c)
	p := b.emit(&Operation{})
	var kinds []string
	p.Walk(func(n *Node) {
		if n.Kind == KindFetch {
			kinds = append(kinds, n.Fetch.Service)
		} else {
			kinds = append(kinds, n.Kind)
		}
	})
	got := ""
	for _, k := range kinds {
		got += k + " "
	}
	want := "Sequence Parallel Sequence a Flatten b c Flatten d "
	if got != want {
		t.Fatalf("emitted %q, want %q\n%s", got, want, p)
	}
}
