package satisfy

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// genGraph describes a generated supergraph: nTypes entity types spread over nGraphs
// subgraphs. Type i lives in three home subgraphs: a (key id), b (keys id and sku) and c
// (key sku, no id), so reaching c's fields from a takes two key hops. The first nHubs types
// live in every subgraph. Each type has scalar fields in a and c, and refs fields pointing at
// random types, each resolved by one or two of its home subgraphs; a subgraph resolving a
// ref to a type it does not host gets a resolvable: false stub of that type. Every type
// implements Node where it has id, and Query.node is shared by every subgraph. The result is
// satisfiable by construction; the walk must cover it within its budget.
type genGraph struct {
	nTypes, nGraphs, nHubs, refs int
	seed                         uint64
}

type genType struct {
	homes  []int        // a, b, c; every graph for hubs
	stubs  map[int]bool // graphs referencing the type without hosting it
	fields []string
}

func (g genGraph) sdl() string {
	r := rand.New(rand.NewPCG(g.seed, 1))
	types := make([]*genType, g.nTypes)
	for i := range types {
		t := &genType{stubs: map[int]bool{}}
		if i < g.nHubs {
			for k := 0; k < g.nGraphs; k++ {
				t.homes = append(t.homes, k)
			}
		} else {
			t.homes = r.Perm(g.nGraphs)[:3]
		}
		types[i] = t
	}
	for _, t := range types {
		for j := 0; j < g.refs; j++ {
			target := r.IntN(g.nTypes)
			graphs := []int{t.homes[r.IntN(len(t.homes))]}
			if r.IntN(4) == 0 {
				graphs = append(graphs, t.homes[r.IntN(len(t.homes))])
			}
			graphs = sortedUnique(graphs)
			for _, gr := range graphs {
				if !slices.Contains(types[target].homes, gr) {
					types[target].stubs[gr] = true
				}
			}
			list := ""
			if j%2 == 1 {
				list = "["
			}
			t.fields = append(t.fields, fmt.Sprintf("  r%d: %sT%d%s%s", j, list, target, strings.Repeat("]", len(list)), joinFields(graphs, "")))
		}
	}
	var b strings.Builder
	b.WriteString("enum join__Graph {\n")
	for k := 0; k < g.nGraphs; k++ {
		fmt.Fprintf(&b, "  G%d @join__graph(name: \"g%d\", url: \"http://g%d\")\n", k, k, k)
	}
	b.WriteString("}\n\ntype Query")
	all := make([]int, g.nGraphs)
	for k := range all {
		all[k] = k
		fmt.Fprintf(&b, " @join__type(graph: G%d)", k)
	}
	b.WriteString(" {\n  node(id: ID!): Node\n")
	for i := 0; i < g.nGraphs && i < g.nTypes; i++ {
		fmt.Fprintf(&b, "  t%d: T%d%s\n", i, i, joinFields([]int{types[i].homes[0]}, ""))
	}
	b.WriteString("}\n\ninterface Node")
	for k := range all {
		fmt.Fprintf(&b, " @join__type(graph: G%d, key: \"id\")", k)
	}
	b.WriteString(" {\n  id: ID!\n}\n")
	for i, t := range types {
		g.writeType(&b, i, t)
	}
	return b.String()
}

func (g genGraph) writeType(b *strings.Builder, i int, t *genType) {
	hub := i < g.nHubs
	idGraphs := slices.Clone(t.homes)
	skuGraphs := []int(nil)
	if !hub {
		idGraphs = t.homes[:2]
		skuGraphs = t.homes[1:]
	}
	stubs := make([]int, 0, len(t.stubs))
	for s := range t.stubs {
		stubs = append(stubs, s)
	}
	slices.Sort(stubs)
	fmt.Fprintf(b, "\ntype T%d implements Node", i)
	for _, k := range append(slices.Clone(idGraphs), stubs...) {
		fmt.Fprintf(b, " @join__implements(graph: G%d, interface: \"Node\")", k)
	}
	for _, k := range t.homes {
		if slices.Contains(idGraphs, k) {
			fmt.Fprintf(b, " @join__type(graph: G%d, key: \"id\")", k)
		}
		if slices.Contains(skuGraphs, k) {
			fmt.Fprintf(b, " @join__type(graph: G%d, key: \"sku\")", k)
		}
	}
	for _, k := range stubs {
		fmt.Fprintf(b, " @join__type(graph: G%d, key: \"id\", resolvable: false)", k)
	}
	fmt.Fprintf(b, " {\n  id: ID!%s\n", joinFields(append(slices.Clone(idGraphs), stubs...), ""))
	if !hub {
		fmt.Fprintf(b, "  sku: String!%s\n", joinFields(skuGraphs, ""))
	}
	fmt.Fprintf(b, "  name: String%s\n", joinFields(t.homes[:1], ""))
	fmt.Fprintf(b, "  score: Int%s\n", joinFields(t.homes[len(t.homes)-1:], ""))
	b.WriteString(strings.Join(t.fields, "\n") + "\n}\n")
}

func joinFields(graphs []int, extra string) string {
	var b strings.Builder
	for _, k := range graphs {
		fmt.Fprintf(&b, " @join__field(graph: G%d%s)", k, extra)
	}
	return b.String()
}

func sortedUnique(xs []int) []int {
	slices.Sort(xs)
	return slices.Compact(xs)
}

// chain is a supergraph where C0 -> C1 -> ... -> C(n-1) alternate between two subgraphs, so
// every level needs a key jump; with broken, the last type's field v has no key to reach it.
func chain(n int, broken bool) string {
	var b strings.Builder
	b.WriteString("enum join__Graph {\n  A @join__graph(name: \"A\", url: \"http://a\")\n  B @join__graph(name: \"B\", url: \"http://b\")\n  C @join__graph(name: \"C\", url: \"http://c\")\n}\n\n")
	b.WriteString("type Query @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {\n  c0: C0 @join__field(graph: A)\n}\n")
	for i := 0; i < n; i++ {
		here, other := "A", "B"
		if i%2 == 1 {
			here, other = other, here
		}
		fmt.Fprintf(&b, "\ntype C%d @join__type(graph: A, key: \"id\") @join__type(graph: B, key: \"id\")", i)
		if i == n-1 && broken {
			b.WriteString(" @join__type(graph: C)")
		}
		b.WriteString(" {\n  id: ID! @join__field(graph: A) @join__field(graph: B)\n")
		if i < n-1 {
			fmt.Fprintf(&b, "  next: C%d @join__field(graph: %s)\n", i+1, here)
		}
		v := other
		if i == n-1 && broken {
			v = "C"
		}
		fmt.Fprintf(&b, "  v: Int @join__field(graph: %s)\n}\n", v)
	}
	return b.String()
}
