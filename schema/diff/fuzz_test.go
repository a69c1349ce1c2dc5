package diff

import (
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// FuzzSchemas compares pairs of schemas that load: no panic, a schema never differs from
// itself, changes come sorted with a message each. Seeded from the change table.
func FuzzSchemas(f *testing.F) {
	for _, c := range changeCases {
		f.Add(c.old, c.new)
	}
	f.Fuzz(func(t *testing.T, oldSDL, newSDL string) {
		old, err := gqlparser.LoadSchema(&ast.Source{Input: oldSDL})
		if err != nil {
			return
		}
		new, err := gqlparser.LoadSchema(&ast.Source{Input: newSDL})
		if err != nil {
			return
		}
		if same := Schemas(old, old); len(same) != 0 {
			t.Fatalf("a schema differs from itself:\n%s", summary(same))
		}
		got := Schemas(old, new)
		for i, c := range got {
			if c.Message == "" || c.Code == "" || c.Coordinate == "" {
				t.Fatalf("incomplete change %+v", c)
			}
			if i > 0 && (got[i-1].Coordinate > c.Coordinate || got[i-1].Coordinate == c.Coordinate && got[i-1].Code > c.Code) {
				t.Fatalf("not sorted at %d:\n%s", i, summary(got))
			}
		}
	})
}
