package compose

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func BenchmarkComposeExamples(b *testing.B) {
	subs, err := LoadConfig(context.Background(), "../../examples/supergraph.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compose(subs); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkComposeGenerated(b *testing.B) {
	subs := generate(50, 39)
	if _, err := Compose(subs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compose(subs); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGenerated checks the benchmark's graph composes and has the size it claims.
func TestGenerated(t *testing.T) {
	res, err := Compose(generate(50, 39))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(res.SDL, "\ntype E_"); n != 50*39 {
		t.Errorf("%d entity types, want %d", n, 50*39)
	}
	if n := strings.Count(res.SDL, "\ntype V_"); n != 50 {
		t.Errorf("%d value types, want 50", n)
	}
}

// generate builds n subgraphs of per entity types each (plus one shared value type per
// subgraph, so n*(per+1) types): every subgraph extends five entities of the next one with
// an @external field and a @requires, provides that field from a root field, and shares
// its value type with the previous subgraph. Deterministic.
func generate(n, per int) []Subgraph {
	var subs []Subgraph
	for i := 0; i < n; i++ {
		next, prev := (i+1)%n, (i+n-1)%n
		var b strings.Builder
		b.WriteString(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires", "@provides", "@shareable"])` + "\n")
		fmt.Fprintf(&b, "type Query { all_%d: [E_%d_0] top_%d: E_%d_0 @provides(fields: \"name\") }\n", i, i, i, next)
		for j := 0; j < per; j++ {
			fmt.Fprintf(&b, "type E_%d_%d @key(fields: \"id\") { id: ID! name: String value: V_%d", i, j, i)
			if j+1 < per {
				fmt.Fprintf(&b, " next: E_%d_%d", i, j+1)
			}
			b.WriteString(" }\n")
		}
		for j := 0; j < 5; j++ {
			fmt.Fprintf(&b, "type E_%d_%d @key(fields: \"id\") { id: ID! name: String @external extra_%d: Int @requires(fields: \"name\") }\n", next, j, i)
		}
		for _, v := range []int{i, prev} {
			fmt.Fprintf(&b, "type V_%d @shareable { amount: Int currency: String }\n", v)
		}
		subs = append(subs, Subgraph{Name: fmt.Sprintf("s%02d", i), URL: fmt.Sprintf("http://s%02d", i), SDL: b.String()})
	}
	return subs
}
