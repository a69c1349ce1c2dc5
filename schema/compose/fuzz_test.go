package compose

import (
	"path/filepath"
	"testing"
)

// FuzzCompose feeds arbitrary SDL as one subgraph next to a fixed one: composition must
// return a supergraph or errors, never panic, and a supergraph must load.
func FuzzCompose(f *testing.F) {
	dirs, _ := filepath.Glob("../testdata/compose/*")
	for _, dir := range dirs {
		for _, s := range readSubgraphs(f, dir) {
			f.Add(s.SDL)
		}
	}
	fixed := Subgraph{Name: "fixed", URL: "http://fixed", SDL: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
type Query { fixed: T @shareable }
type T @key(fields: "id") { id: ID! }`}
	f.Fuzz(func(t *testing.T, sdl string) {
		res, err := Compose([]Subgraph{fixed, {Name: "fuzz", URL: "http://fuzz", SDL: sdl}})
		if err == nil && res.SDL == "" {
			t.Fatal("no error and no supergraph")
		}
		if errs, ok := err.(Errors); ok {
			for _, e := range errs {
				if e.Code == "INTERNAL" {
					t.Fatalf("the composer printed a supergraph that does not load: %v", e)
				}
			}
		}
	})
}
