package introspect

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

var update = flag.Bool("update", false, "rewrite testdata golden files from the current output")

// TestIntrospectionQuery runs the full introspection query GraphiQL sends (graphql-js
// getIntrospectionQuery with every option on) and compares the answer with the golden file.
// Regenerate it with: go test ./executor/introspect/ -run TestIntrospectionQuery -update
func TestIntrospectionQuery(t *testing.T) {
	s := loadSchema(t)
	got := encode(t, execute(t, s, readTestdata(t, "introspection_query.graphql"), nil))

	golden := filepath.Join("testdata", "introspection_query.golden.json")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if want := normalJSON(t, want); got != want {
		t.Errorf("introspection query answer differs from %s:\ngot:\n%s", golden, got)
	}
}

// TestEveryListedTypeResolves checks that each type __schema lists can be fetched by
// __type with the same answer, and that every type reference in the full introspection
// answer names a listed type, so that clients can rebuild the schema from it.
func TestEveryListedTypeResolves(t *testing.T) {
	s := loadSchema(t)
	full := readTestdata(t, "introspection_query.graphql")
	listed := execute(t, s, full, nil)["__schema"].(map[string]any)["types"].([]any)
	if len(listed) != len(s.Types) {
		t.Errorf("__schema lists %d types, the schema holds %d", len(listed), len(s.Types))
	}

	names := map[string]bool{}
	byName := `query($name: String!) { __type(name: $name) { ...FullType } }` +
		full[strings.Index(full, "fragment FullType"):]
	for _, entry := range listed {
		name := entry.(map[string]any)["name"].(string)
		names[name] = true
		got := execute(t, s, byName, map[string]any{"name": name})["__type"]
		if got, want := encode(t, got), encode(t, entry); got != want {
			t.Errorf("__type(name: %q) = %s, want the __schema entry %s", name, got, want)
		}
	}

	var refs []string
	collectTypeRefs(execute(t, s, full, nil), &refs)
	for _, ref := range refs {
		if !names[ref] {
			t.Errorf("type %q is referenced but not listed by __schema.types", ref)
		}
	}
	if !slices.Contains(refs, "Date") || !slices.Contains(refs, "__TypeKind") {
		t.Errorf("reference walk found too little: %v", refs)
	}
}

// collectTypeRefs appends the name of every named __Type object inside v.
func collectTypeRefs(v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		if name, ok := v["name"].(string); ok && v["kind"] != nil {
			if _, isType := v["ofType"]; isType {
				*out = append(*out, name)
			}
		}
		for _, child := range v {
			collectTypeRefs(child, out)
		}
	case []any:
		for _, child := range v {
			collectTypeRefs(child, out)
		}
	}
}

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestResolveConcurrently backs the package's promise that Resolve only reads the schema
// and the operation; run it with -race.
func TestResolveConcurrently(t *testing.T) {
	s := loadSchema(t)
	doc, errs := gqlparser.LoadQueryWithRules(s, readTestdata(t, "introspection_query.graphql"), nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	field := doc.Operations[0].SelectionSet[0].(*ast.Field)
	first, err := Resolve(s, field, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(first)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got, err := Resolve(s, field, nil)
			if err != nil {
				t.Error(err)
				return
			}
			if data, _ := json.Marshal(got); !bytes.Equal(data, want) {
				t.Error("concurrent answer differs from the sequential one")
			}
		})
	}
	wg.Wait()
}
