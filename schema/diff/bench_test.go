package diff

import (
	"testing"

	"github.com/trellis-gql/trellis/schema/supergraph"
)

// BenchmarkSchemas compares the example supergraph's API schema with itself minus one field:
// the classification alone, as the registry runs it after loading.
func BenchmarkSchemas(b *testing.B) {
	ex := example(b)
	old, err := supergraph.Load("old", ex)
	if err != nil {
		b.Fatal(err)
	}
	new, err := supergraph.Load("new", replace(b, ex, "    birthday: Int @join__field(graph: ACCOUNTS)\n", ""))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if got := Schemas(old.API, new.API); len(got) != 1 {
			b.Fatalf("changes: %v", got)
		}
	}
}

// BenchmarkSupergraphs is the same comparison with both supergraphs loaded each time, as
// the registry calls it.
func BenchmarkSupergraphs(b *testing.B) {
	ex := example(b)
	new := replace(b, ex, "    birthday: Int @join__field(graph: ACCOUNTS)\n", "")
	b.ReportAllocs()
	for b.Loop() {
		if got, err := Supergraphs(ex, new); err != nil || len(got) != 1 {
			b.Fatalf("changes: %v, %v", got, err)
		}
	}
}
