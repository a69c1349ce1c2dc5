package introspect

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

// loadSchema loads testdata/schema.graphql the way the gateway builds its API schema: with
// gqlparser's prelude.
func loadSchema(t testing.TB) *ast.Schema {
	t.Helper()
	sdl, err := os.ReadFile(filepath.Join("testdata", "schema.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(sdl)})
	if err != nil {
		t.Fatalf("load schema: %v", err)
	}
	return s
}

// execute validates query against s, coerces vars and answers each root field with Resolve,
// as the executor does for an operation made only of introspection fields.
func execute(t testing.TB, s *ast.Schema, query string, vars map[string]any) map[string]any {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(s, query, nil)
	if len(errs) > 0 {
		t.Fatalf("validate query: %v", errs)
	}
	op := doc.Operations[0]
	coerced, err := validator.VariableValues(s, op, vars)
	if err != nil {
		t.Fatalf("coerce variables: %v", err)
	}
	out := map[string]any{}
	for _, sel := range op.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok {
			t.Fatalf("test helper handles root fields only, got %T", sel)
		}
		v, err := Resolve(s, f, coerced)
		if err != nil {
			t.Fatalf("Resolve(%s): %v", f.Name, err)
		}
		out[responseKey(f)] = v
	}
	return out
}

// normalJSON re-encodes JSON text indented with sorted keys, so that expectations can be
// written by hand in any layout and failures print as readable diffs.
func normalJSON(t testing.TB, data []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, data)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// encode returns v as normalised JSON.
func encode(t testing.TB, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode result: %v", err)
	}
	return normalJSON(t, data)
}
