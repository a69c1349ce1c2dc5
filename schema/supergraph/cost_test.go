package supergraph_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/schema/supergraph"
)

// costLinkImported links the cost spec importing both directives under their own names.
const costLinkImported = `@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@cost", "@listSize"])`

// costDefs defines @cost and @listSize under the given names, as composition writes them.
func costDefs(cost, listSize, weightType string) string {
	return fmt.Sprintf(`
directive @%s(weight: %s) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
directive @%s(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
`, cost, weightType, listSize)
}

// costSupergraph is a one-graph supergraph with the given extra schema links and body.
func costSupergraph(links, body string) string {
	return `schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  ` + links + ` {
  query: Query
}
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph { A @join__graph(name: "a", url: "http://a") }
` + body
}

// costBody uses every directive location; @C and @L stand for the local directive names.
const costBody = `
type Query {
  users(first: Int, last: Int, filter: Filter, ids: [ID!]): [User] @L(slicingArguments: ["first", "last", "filter.max", "ids"], requireOneSlicingArgument: false)
  top: [User] @L(assumedSize: 5)
  connection(first: Int!): UserConnection @L(slicingArguments: ["first"], sizedFields: ["edges", "page { items }"])
  search(text: String @C(weight: 3), exact: Boolean): [User] @C(weight: 7)
  plain: Int
}
type User @C(weight: 2) { id: ID name: String age: Int @C(weight: 4) kind: Kind money: Money }
type UserConnection { edges: [User] page: Page total: Int }
type Page { items: [User] }
input Filter { max: Int @C(weight: 6) text: String }
enum Kind @C(weight: 8) { A B }
scalar Money @C(weight: 9)
`

func TestCosts(t *testing.T) {
	cases := []struct {
		name, links, cost, listSize, weightType, weight string
	}{
		{"imported", costLinkImported, "cost", "listSize", "Int!", "%d"},
		{"imported and renamed", `@link(url: "https://specs.apollo.dev/cost/v0.1", import: [{name: "@cost", as: "@weight"}, {name: "@listSize", as: "@size"}])`,
			"weight", "size", "Int!", "%d"},
		{"linked, not imported", `@link(url: "https://specs.apollo.dev/cost/v0.1")`, "cost", "cost__listSize", "Int!", "%d"},
		{"linked under another prefix", `@link(url: "https://specs.apollo.dev/cost/v0.1", as: "price")`, "price", "price__listSize", "Int!", "%d"},
		{"IBM style: not linked, string weights", "", "cost", "listSize", "String!", `"%d.0"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := strings.ReplaceAll(strings.ReplaceAll(costBody, "@C(", "@"+c.cost+"("), "@L(", "@"+c.listSize+"(")
			body = replaceWeights(body, c.weight)
			sg, err := supergraph.Load("s.graphql", costSupergraph(c.links, body+costDefs(c.cost, c.listSize, c.weightType)))
			if err != nil {
				t.Fatal(err)
			}
			if err := sg.CheckCost(); err != nil {
				t.Fatal(err)
			}
			costs, err := sg.Costs()
			if err != nil {
				t.Fatal(err)
			}
			checkCosts(t, costs)
		})
	}
}

// replaceWeights writes every "weight: N" of costBody in the case's format.
func replaceWeights(body, format string) string {
	for n := 1; n <= 9; n++ {
		body = strings.ReplaceAll(body, fmt.Sprintf("weight: %d)", n), "weight: "+fmt.Sprintf(format, n)+")")
	}
	return body
}

func checkCosts(t *testing.T, costs *supergraph.Costs) {
	t.Helper()
	for name, want := range map[string]float64{"User": 2, "Kind": 8, "Money": 9} {
		if got, ok := costs.Type(name); !ok || got != want {
			t.Errorf("Type(%s) = %v, %v; want %v", name, got, ok, want)
		}
	}
	if _, ok := costs.Type("Page"); ok {
		t.Error("Page has no @cost")
	}
	if fc := costs.Field("User", "age"); fc == nil || !fc.HasWeight || fc.Weight != 4 {
		t.Errorf("User.age: %+v", fc)
	}
	if fc := costs.Field("Filter", "max"); fc == nil || !fc.HasWeight || fc.Weight != 6 {
		t.Errorf("Filter.max: %+v", fc)
	}
	if fc := costs.Field("Query", "search"); fc == nil || fc.Weight != 7 || !reflect.DeepEqual(fc.Arguments, map[string]float64{"text": 3}) || fc.ListSize != nil {
		t.Errorf("Query.search: %+v", fc)
	}
	if fc := costs.Field("Query", "plain"); fc != nil {
		t.Errorf("Query.plain has no directive: %+v", fc)
	}
	wantUsers := &supergraph.ListSize{SlicingArguments: [][]string{{"first"}, {"last"}, {"filter", "max"}, {"ids"}}}
	if fc := costs.Field("Query", "users"); fc == nil || fc.HasWeight || !reflect.DeepEqual(fc.ListSize, wantUsers) {
		t.Errorf("Query.users: %+v", fc)
	}
	wantTop := &supergraph.ListSize{AssumedSize: 5, HasAssumedSize: true, RequireOneSlicingArgument: true}
	if fc := costs.Field("Query", "top"); fc == nil || !reflect.DeepEqual(fc.ListSize, wantTop) {
		t.Errorf("Query.top: %+v", fc)
	}
	wantConn := &supergraph.ListSize{SlicingArguments: [][]string{{"first"}}, SizedFields: [][]string{{"edges"}, {"page", "items"}}, RequireOneSlicingArgument: true}
	if fc := costs.Field("Query", "connection"); fc == nil || !reflect.DeepEqual(fc.ListSize, wantConn) {
		t.Errorf("Query.connection: %+v", fc.ListSize)
	}
}

func TestCostsAbsent(t *testing.T) {
	cases := []struct{ name, body string }{
		{"no cost directives", "type Query { a: Int }"},
		// Not linked and not the spec's arguments: some other @cost, left alone.
		{"a foreign @cost", "directive @cost(complexity: Int) on FIELD_DEFINITION\ntype Query { a: Int @cost(complexity: 3) }"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sg, err := supergraph.Load("s.graphql", costSupergraph("", c.body))
			if err != nil {
				t.Fatal(err)
			}
			costs, err := sg.Costs()
			if err != nil || !costs.Empty() {
				t.Fatalf("Costs() = %+v, %v; want empty", costs, err)
			}
		})
	}
}

func TestCostsInheritFromInterface(t *testing.T) {
	body := `
type Query { node: Node }
interface Node { children(first: Int): [Node] @listSize(slicingArguments: ["first"]) }
type Leaf implements Node { children(first: Int): [Node] }
type Own implements Node { children(first: Int): [Node] @listSize(assumedSize: 3) }
` + costDefs("cost", "listSize", "Int!")
	sg, err := supergraph.Load("s.graphql", costSupergraph(costLinkImported, body))
	if err != nil {
		t.Fatal(err)
	}
	costs, err := sg.Costs()
	if err != nil {
		t.Fatal(err)
	}
	if ls := costs.Field("Leaf", "children").ListSize; ls == nil || len(ls.SlicingArguments) != 1 {
		t.Errorf("Leaf.children does not inherit the interface's @listSize: %+v", ls)
	}
	if ls := costs.Field("Own", "children").ListSize; ls == nil || ls.AssumedSize != 3 || ls.SlicingArguments != nil {
		t.Errorf("Own.children keeps its own @listSize: %+v", ls)
	}
}

func TestCheckCostErrors(t *testing.T) {
	cases := []struct {
		name string
		body string
		at   string // the text the error points at (a string value's position is after its quote); its first occurrence
		want string
	}{
		{"weight not a number", `type Query { a: Int @cost(weight: "heavy") }`, `heavy"`,
			`@cost on Query.a: weight "heavy" is not a finite number; write e.g. @cost(weight: 5) or @cost(weight: "2.5")`},
		{"negative weight", `type Query { a: Int @cost(weight: "-5") }`, `-5"`,
			`@cost on Query.a: weight "-5" is negative; weights are 0 or more`},
		{"negative assumed size", `type Query { a: [Int] @listSize(assumedSize: -1) }`, `-1`,
			`@listSize on Query.a: assumedSize -1 must be an integer of at least 0`},
		{"slicing argument naming no argument", `type Query { a(first: Int, after: String): [Int] @listSize(slicingArguments: ["max"]) }`, `max"]`,
			`@listSize on Query.a: slicing argument "max" is not an argument of Query.a (its arguments: first, after)`},
		{"slicing argument of the wrong type", `type Query { a(first: String): [Int] @listSize(slicingArguments: ["first"]) }`, `first"]) }`,
			`@listSize on Query.a: slicing argument "first" is a String; it must be an Int (the list size) or a list (sized by its length)`},
		{"nested slicing argument naming no input field", `type Query { a(f: F): [Int] @listSize(slicingArguments: ["f.max"]) } input F { min: Int }`, `f.max"]) } input`,
			`@listSize on Query.a: slicing argument "f.max" names "max", which is not a field of F`},
		{"nested slicing argument through a scalar", `type Query { a(f: Int): [Int] @listSize(slicingArguments: ["f.max"]) }`, `f.max"]) }`,
			`@listSize on Query.a: slicing argument "f.max" goes into Int, which is not an input object`},
		{"not a list", `type Query { a: Int @listSize(assumedSize: 3) }`, `listSize(assumedSize: 3)`,
			`@listSize on Query.a: the field returns Int, which is not a list; size the lists it holds with sizedFields, or remove @listSize`},
		{"sized field naming no field", `type Query { a(first: Int): C @listSize(slicingArguments: ["first"], sizedFields: ["nodes"]) } type C { edges: [Int] }`, `nodes"`,
			`@listSize on Query.a: sized field "nodes": "nodes" is not a field of C`},
		{"sized field that is not a list", `type Query { a(first: Int): C @listSize(slicingArguments: ["first"], sizedFields: ["total"]) } type C { total: Int }`, `total"`,
			`@listSize on Query.a: sized field "total": C.total returns Int, which is not a list`},
		{"sized field on a scalar", `type Query { a: [Int] @listSize(assumedSize: 2, sizedFields: ["x"]) }`, `x"`,
			`@listSize on Query.a: sized field "x": Int is not an object or interface type, so it has no field "x"`},
		{"sized field that does not parse", `type Query { a: C @listSize(assumedSize: 2, sizedFields: ["edges {"]) } type C { edges: [Int] }`, `edges {"`,
			`@listSize on Query.a: sized field "edges {" is neither a field name nor a selection like "results { page }"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sdl := costSupergraph(costLinkImported, c.body+costDefs("cost", "listSize", "String!"))
			_, err := supergraph.Load("bad.graphql", sdl) // Load runs CheckCost
			var es supergraph.Errors
			if !errors.As(err, &es) || len(es) != 1 {
				t.Fatalf("Load() = %v; want one supergraph.Errors entry", err)
			}
			if want := "bad.graphql:" + lineCol(sdl, c.at) + ": " + c.want; err.Error() != want {
				t.Fatalf("error\n got %s\nwant %s", err, want)
			}
		})
	}
}

// lineCol is the 1-based line and column of the first occurrence of s in text.
func lineCol(text, s string) string {
	i := strings.Index(text, s)
	if i < 0 {
		panic("not found: " + s)
	}
	line := strings.Count(text[:i], "\n") + 1
	col := i - strings.LastIndex(text[:i], "\n")
	return fmt.Sprintf("%d:%d", line, col)
}

func TestCheckCostErrorsInSourceOrder(t *testing.T) {
	body := `type Query {
  b: Int @listSize(assumedSize: 1)
  a: Int @cost(weight: "x")
}` + costDefs("cost", "listSize", "String!")
	_, err := supergraph.Load("s.graphql", costSupergraph(costLinkImported, body))
	var es supergraph.Errors
	if !errors.As(err, &es) || len(es) != 2 || es[0].Line >= es[1].Line {
		t.Fatalf("want two errors in source order, got %v", err)
	}
}
