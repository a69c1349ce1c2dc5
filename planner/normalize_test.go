package planner_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/examples"
	"github.com/trellis-gql/trellis/planner"
	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator"
)

func normalizeKey(t *testing.T, sg *supergraph.Supergraph, src string, raw map[string]any) (string, error) {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(sg.API, src, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	vars, err := validator.VariableValues(sg.API, doc.Operations[0], raw)
	if err != nil {
		t.Fatal(err)
	}
	op, err := planner.Normalize(sg.API, doc.Operations[0], vars)
	if err != nil {
		return "", err
	}
	return op.Key, nil
}

func TestNormalize(t *testing.T) {
	sg, err := supergraph.Load("examples/supergraph.graphql", examples.Supergraph)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, src string
		vars      map[string]any
		want      string
	}{
		{"fields merge in first-occurrence order", `{ me { name id } me { id username } }`, nil,
			`query{me{name id username}}`},
		{"fragments expand and merge", `query { me { ...A ... on User { id } } } fragment A on User { username reviews { id } reviews { body } }`, nil,
			`query{me{username reviews{id body} id}}`},
		{"aliases stay apart", `{ a: user(id: "1") { name } b: user(id: "2") { name } }`, nil,
			`query{a:user(id: "1"){name} b:user(id: "2"){name}}`},
		{"skip with a variable", `query($s: Boolean!) { me { id name @skip(if: $s) } }`, map[string]any{"s": true},
			`query $s:Boolean!{me{id}}`},
		{"include with a default", `query($i: Boolean = false) { me { id ... @include(if: $i) { name } } }`, nil,
			`query $i:Boolean{me{id}}`},
		{"skip false keeps", `query($s: Boolean!) { me { id name @skip(if: $s) } }`, map[string]any{"s": false},
			`query $s:Boolean!{me{id name}}`},
		{"typename stays", `{ me { t: __typename __typename } }`, nil, `query{me{t:__typename __typename}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := normalizeKey(t, sg, c.src, c.vars)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestNormalizeKeyKeepsResponseKeys: a client field aliased "__typename" and one aliased like
// its internal key answer under different response keys, so they must not share a key (a
// plan, or a deduplicated response).
func TestNormalizeKeyKeepsResponseKeys(t *testing.T) {
	sg, err := supergraph.Load("examples/supergraph.graphql", examples.Supergraph)
	if err != nil {
		t.Fatal(err)
	}
	a, err := normalizeKey(t, sg, `{ __typename: me { id } }`, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := normalizeKey(t, sg, `{ trellis__typename: me { id } }`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatalf("both normalize to %s", a)
	}
}

// TestNormalizeBound: fragments that double at every level are refused once the expansion
// passes MaxSelections, instead of growing without bound.
func TestNormalizeBound(t *testing.T) {
	sg, err := supergraph.Load("examples/supergraph.graphql", examples.Supergraph)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("query { me { ...F0 } }\n")
	const levels = 20
	for i := 0; i < levels; i++ {
		b.WriteString("fragment F" + strconv.Itoa(i) + " on User { reviews { author { ...F" + strconv.Itoa(i+1) + " } } a" + strconv.Itoa(i) + ": reviews { author { ...F" + strconv.Itoa(i+1) + " } } }\n")
	}
	b.WriteString("fragment F" + strconv.Itoa(levels) + " on User { id }\n")
	_, err = normalizeKey(t, sg, b.String(), nil)
	if err == nil || !strings.Contains(err.Error(), "operation too large") {
		t.Fatalf("got %v, want the selection bound", err)
	}
}

// TestPlanBound: an operation whose expansion needs more than MaxFetches entity fetches is
// refused by the planner instead of planned for seconds.
func TestPlanBound(t *testing.T) {
	sg, err := supergraph.Load("examples/supergraph.graphql", examples.Supergraph)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("query { me { ...F0 } }\n")
	const levels = 11
	for i := 0; i < levels; i++ {
		n := strconv.Itoa(i + 1)
		b.WriteString("fragment F" + strconv.Itoa(i) + " on User { x: reviews { author { name ...F" + n + " } } y: reviews { author { name ...F" + n + " } } }\n")
	}
	b.WriteString("fragment F" + strconv.Itoa(levels) + " on User { name }\n")
	doc, errs := gqlparser.LoadQueryWithRules(sg.API, b.String(), nil)
	if errs != nil {
		t.Fatal(errs)
	}
	op, err := planner.Normalize(sg.API, doc.Operations[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = planner.Build(sg, op, planner.Options{})
	if err == nil || !strings.Contains(err.Error(), "more than 1000 subgraph fetches") {
		t.Fatalf("got %v, want the fetch bound", err)
	}
}
