package introspect

import (
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
	"weak"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

func schemaFromSDL(t testing.TB, sdl string) *ast.Schema {
	t.Helper()
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "test.graphql", Input: sdl})
	if err != nil {
		t.Fatalf("load schema: %v", err)
	}
	return s
}

// listedBuiltins returns the built-in scalars __schema.types lists, after checking that
// __type answers for exactly those.
func listedBuiltins(t *testing.T, s *ast.Schema) []string {
	t.Helper()
	var got []string
	types := execute(t, s, `{ __schema { types { name } } }`, nil)["__schema"].(map[string]any)["types"].([]any)
	for _, entry := range types {
		if name := entry.(map[string]any)["name"].(string); builtinIndex(name) >= 0 {
			got = append(got, name)
		}
	}
	for _, name := range builtinScalars {
		byName := execute(t, s, `query($n: String!) { __type(name: $n) { name kind } }`, map[string]any{"n": name})["__type"]
		if listed := slices.Contains(got, name); listed != (byName != nil) {
			t.Errorf("%s: listed by __schema.types = %v, but __type(name: %q) = %v", name, listed, name, byName)
		}
	}
	return got
}

// TestBuiltinScalarsListedOnlyWhenReferenced: the spec's Built-in Scalars rule, which
// graphql-js follows. String and Boolean are always referenced by the introspection types.
func TestBuiltinScalarsListedOnlyWhenReferenced(t *testing.T) {
	tests := []struct {
		name string
		sdl  string
		want []string
	}{
		{
			name: "none referenced by the API",
			sdl:  `type Query { ok: Boolean }`,
			want: []string{"Boolean", "String"},
		},
		{
			name: "field type; Int unreferenced",
			sdl:  `type Query { ratio: Float }`,
			want: []string{"Boolean", "Float", "String"},
		},
		{
			name: "wrapped field type",
			sdl:  `type Query { scores: [[Int!]]! }`,
			want: []string{"Boolean", "Int", "String"},
		},
		{
			name: "argument of a field",
			sdl:  `type Query { node(id: ID!): Boolean }`,
			want: []string{"Boolean", "ID", "String"},
		},
		{
			name: "argument of an interface field",
			sdl: `
				interface Paged { items(first: Int): [Boolean] }
				type Query implements Paged { items(first: Int): [Boolean] }`,
			want: []string{"Boolean", "Int", "String"},
		},
		{
			name: "input field",
			sdl: `
				input Range { min: Float, max: Float }
				type Query { within(range: Range): Boolean }`,
			want: []string{"Boolean", "Float", "String"},
		},
		{
			name: "input field of a type no field uses",
			sdl: `
				input Unused { n: Int }
				type Query { ok: Boolean }`,
			want: []string{"Boolean", "Int", "String"},
		},
		{
			name: "deprecated field",
			sdl:  `type Query { old: Int @deprecated, ok: Boolean }`,
			want: []string{"Boolean", "Int", "String"},
		},
		{
			name: "directive argument",
			sdl: `
				directive @cost(weight: Float!) on FIELD_DEFINITION
				type Query { ok: Boolean }`,
			want: []string{"Boolean", "Float", "String"},
		},
		{
			name: "custom scalars and enums do not count",
			sdl: `
				scalar Int64
				enum Unit { INT FLOAT }
				type Query { big: Int64, unit: Unit }`,
			want: []string{"Boolean", "String"},
		},
		{
			name: "all referenced",
			sdl:  `type Query { a: Int, b: Float, c: ID }`,
			want: []string{"Boolean", "Float", "ID", "Int", "String"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := schemaFromSDL(t, tt.sdl)
			if got := listedBuiltins(t, s); !slices.Equal(got, tt.want) {
				t.Errorf("listed built-in scalars = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestUnreferencedScalarAnswers checks the response shape for an unreferenced Int next to a
// referenced Float, as conformance case 325 sees it.
func TestUnreferencedScalarAnswers(t *testing.T) {
	s := schemaFromSDL(t, `type Query { ratio(scale: Float = 1.5): String }`)
	got := encode(t, execute(t, s, `{
		int: __type(name: "Int") { name }
		float: __type(name: "Float") { name kind }
		__type(name: "Query") { fields { args { type { name } } } }
	}`, nil))
	want := normalJSON(t, []byte(`{
		"int": null,
		"float": {"name": "Float", "kind": "SCALAR"},
		"__type": {"fields": [{"args": [{"type": {"name": "Float"}}]}]}
	}`))
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestReferencedScalarsCache: the set is computed once per schema, is the same for concurrent
// first callers (run with -race), and its cache entry goes when the schema does.
func TestReferencedScalarsCache(t *testing.T) {
	s := schemaFromSDL(t, `type Query { n: Int }`)
	want := referencedScalars(s)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got := referenced(s); got != want {
				t.Errorf("referenced = %08b, want %08b", got, want)
			}
		})
	}
	wg.Wait()
	key := weak.Make(s)
	if _, ok := scalarCache.Load(key); !ok {
		t.Fatal("no cache entry for the schema")
	}

	s = nil
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		if _, ok := scalarCache.Load(key); !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("cache entry still present after the schema was collected")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
