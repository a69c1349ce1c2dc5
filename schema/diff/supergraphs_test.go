package diff

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/schema/supergraph"
)

func example(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/supergraph.graphql")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// replace is strings.Replace that fails the test when old is not there, so that an edit of
// the example cannot silently turn a test into a comparison of identical graphs.
func replace(t testing.TB, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("the example supergraph has no %q", old)
	}
	return strings.Replace(s, old, new, 1)
}

const inaccessibleDef = "\ndirective @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION\n"

// withInaccessible links the inaccessible spec into sdl and defines its directive.
func withInaccessible(t testing.TB, sdl string) string {
	sdl = replace(t, sdl, `@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)`,
		`@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)`)
	return sdl + inaccessibleDef
}

func TestSupergraphs(t *testing.T) {
	ex := example(t)
	linked := withInaccessible(t, ex)
	cases := []struct {
		name     string
		old, new string
		want     []string
	}{
		{"same supergraph", ex, ex, nil},
		{"inaccessible spec linked, nothing hidden", ex, linked, nil},
		{"field made inaccessible", linked,
			replace(t, linked, "birthday: Int @join__field(graph: ACCOUNTS)", "birthday: Int @join__field(graph: ACCOUNTS) @inaccessible"),
			[]string{"BREAKING FIELD_REMOVED User.birthday"}},
		{"field no longer inaccessible", replace(t, linked, "birthday: Int @join__field(graph: ACCOUNTS)", "birthday: Int @join__field(graph: ACCOUNTS) @inaccessible"),
			linked, []string{"SAFE FIELD_ADDED User.birthday"}},
		{"argument made inaccessible", linked, replace(t, linked, "topProducts(first: Int = 5)", "topProducts(first: Int = 5 @inaccessible)"),
			[]string{"BREAKING ARG_REMOVED Query.topProducts(first:)"}},
		{"field moved between subgraphs", ex, replace(t, ex, "name: String @join__field(graph: PRODUCTS)", "name: String @join__field(graph: INVENTORY)"), nil},
		{"field resolved by one more subgraph", ex, replace(t, ex, "name: String @join__field(graph: PRODUCTS)", "name: String @join__field(graph: PRODUCTS) @join__field(graph: INVENTORY)"), nil},
		{"field removed", ex, replace(t, ex, "  birthday: Int @join__field(graph: ACCOUNTS)\n", ""),
			[]string{"BREAKING FIELD_REMOVED User.birthday"}},
		{"default changed", ex, replace(t, ex, "topProducts(first: Int = 5)", "topProducts(first: Int = 10)"),
			[]string{"DANGEROUS ARG_DEFAULT_CHANGED Query.topProducts(first:)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Supergraphs(c.old, c.new)
			if err != nil {
				t.Fatal(err)
			}
			if s, want := summary(got), strings.Join(c.want, "\n"); s != want {
				t.Errorf("changes:\n%s\nwant:\n%s", s, want)
			}
		})
	}
}

func TestSupergraphsWithoutOldGraph(t *testing.T) {
	got, err := Supergraphs("", example(t))
	if err != nil || got != nil {
		t.Errorf("no old graph: %v, %v; want no changes and no error", got, err)
	}
}

func TestSupergraphsLoadErrors(t *testing.T) {
	ex := example(t)
	bad := "type Query { a: Nope }"
	cases := []struct {
		name, old, new string
		want           []string // substrings of the error
	}{
		{"old does not load", bad, ex, []string{"old supergraph does not load", "Nope"}},
		{"new does not load", ex, bad, []string{"new supergraph does not load", "Nope"}},
		{"new does not parse", ex, "type Query {", []string{"new supergraph does not load", "new supergraph:1:"}},
		{"new is not a supergraph", ex, "type Query { a: Int }", []string{"new supergraph does not load", "join"}},
		{"no old graph, new does not load", "", bad, []string{"new supergraph does not load", "Nope"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Supergraphs(c.old, c.new)
			if err == nil {
				t.Fatalf("no error; changes %v", got)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			var errs supergraph.Errors
			if !errors.As(err, &errs) {
				t.Errorf("error %v does not wrap supergraph.Errors", err)
			}
		})
	}
}
