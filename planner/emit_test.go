package planner

import (
	"testing"

	"github.com/trellis-gql/trellis/examples"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// TestEmitJoinsBranches: in tree emission, a fetch that needs two independent branches runs
// after the Parallel that holds them; a fetch that needs one branch stays inside it. In wave
// emission both wait for the first wave.
func TestEmitJoinsBranches(t *testing.T) {
	sg, err := supergraph.Load("examples/supergraph.graphql", examples.Supergraph)
	if err != nil {
		t.Fatal(err)
	}
	b := &builder{sg: sg, tree: true}
	mk := stepMaker(b)
	a := mk("a", true)
	c := mk("c", true)
	mk("b", false, a)
	mk("d", false, a, c)
	if got, want := emitted(b), "Sequence Parallel Sequence a Flatten b c Flatten d "; got != want {
		t.Errorf("tree: emitted %q, want %q", got, want)
	}
	b.tree = false
	if got, want := emitted(b), "Sequence Parallel a c Parallel Flatten b Flatten d "; got != want {
		t.Errorf("waves: emitted %q, want %q", got, want)
	}
}

// TestEmitBatchesAWave: entity fetches of one wave to one subgraph become one Batch whose
// operation holds one aliased _entities field per part.
func TestEmitBatchesAWave(t *testing.T) {
	sg, err := supergraph.Load("examples/supergraph.graphql", examples.Supergraph)
	if err != nil {
		t.Fatal(err)
	}
	b := &builder{sg: sg}
	root := &step{id: 0, graph: "a", root: true, sel: &fset{}, deps: map[*step]bool{}}
	root.sel.field("id", "id", nil)
	b.steps = append(b.steps, root)
	for i, path := range []string{"x", "y"} {
		s := &step{id: i + 1, graph: "b", path: []string{path}, sel: &fset{}, deps: map[*step]bool{root: true}}
		s.sel.fragment("User").field("name", "name", nil)
		b.steps = append(b.steps, s)
	}
	p := b.emit(&Operation{})
	batch := p.Node.Nodes[1]
	if batch.Kind != KindBatch || len(batch.Nodes) != 2 {
		t.Fatalf("second wave is not a Batch of two:\n%s", p)
	}
	want := "query($r0:[_Any!]!,$r1:[_Any!]!){_e0:_entities(representations:$r0){... on User{name}} _e1:_entities(representations:$r1){... on User{name}}}"
	if batch.Fetch.Operation != want {
		t.Errorf("batched operation\n got %s\nwant %s", batch.Fetch.Operation, want)
	}
}

// TestEmitJoinsALaterBatch: an entity fetch that would be its subgraph's only request in its
// wave rides in a later wave's Batch to that subgraph, unless a step that needs it runs
// before that wave or its own wave already batches that subgraph.
func TestEmitJoinsALaterBatch(t *testing.T) {
	sg, err := supergraph.Load("examples/supergraph.graphql", examples.Supergraph)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		build func(mk func(string, bool, ...*step) *step)
		want  string
	}{
		{"joins", func(mk func(string, bool, ...*step) *step) {
			a := mk("a", true)
			mk("inv", false, a)
			p := mk("prod", false, mk("rev", false, a))
			mk("inv", false, p)
		}, "Sequence a Flatten rev Flatten prod Batch Flatten inv Flatten inv "},
		{"needed before", func(mk func(string, bool, ...*step) *step) {
			a := mk("a", true)
			mk("x", false, mk("inv", false, a))
			p := mk("prod", false, mk("rev", false, a))
			mk("inv", false, p)
		}, "Sequence a Parallel Flatten inv Flatten rev Parallel Flatten x Flatten prod Flatten inv "},
		{"already batched", func(mk func(string, bool, ...*step) *step) {
			a := mk("a", true)
			mk("inv", false, a)
			mk("inv", false, a)
			p := mk("prod", false, mk("rev", false, a))
			mk("inv", false, p)
		}, "Sequence a Parallel Batch Flatten inv Flatten inv Flatten rev Flatten prod Flatten inv "},
		{"no later batch", func(mk func(string, bool, ...*step) *step) {
			a := mk("a", true)
			mk("inv", false, a)
			mk("prod", false, mk("rev", false, a))
		}, "Sequence a Parallel Flatten inv Flatten rev Flatten prod "},
	}
	for _, c := range cases {
		b := &builder{sg: sg}
		c.build(stepMaker(b))
		if got := emitted(b); got != c.want {
			t.Errorf("%s: emitted\n %q\nwant\n %q", c.name, got, c.want)
		}
	}
}

// stepMaker returns a function that adds a step to b: one field, on path "x" unless root.
func stepMaker(b *builder) func(graph string, root bool, deps ...*step) *step {
	return func(graph string, root bool, deps ...*step) *step {
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
}

func emitted(b *builder) string {
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
	return got
}
