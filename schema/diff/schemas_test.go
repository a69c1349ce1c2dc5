package diff

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

func load(t testing.TB, sdl string) *ast.Schema {
	t.Helper()
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "test.graphql", Input: sdl})
	if err != nil {
		t.Fatalf("test schema does not load: %v\n%s", err, sdl)
	}
	return s
}

// summary prints changes as "LEVEL CODE coordinate", one per line.
func summary(cs []Change) string {
	lines := make([]string, len(cs))
	for i, c := range cs {
		lines[i] = c.Level.String() + " " + c.Code + " " + c.Coordinate
	}
	return strings.Join(lines, "\n")
}

type changeCase struct {
	name     string
	old, new string
	want     []string // "LEVEL CODE coordinate", in the order Schemas returns them
}

const q = "type Query { a: Int }\n"

// changeCases holds one row per change kind (and per reason for type changes).
var changeCases = []changeCase{
	// Types.
	{"type removed", q + "type Foo { x: Int }", q, []string{"BREAKING TYPE_REMOVED Foo"}},
	{"type kind changed", q + "type Foo { x: Int }", q + "interface Foo { x: Int }", []string{"BREAKING TYPE_KIND_CHANGED Foo"}},
	{"type added", q, q + "scalar Date", []string{"SAFE TYPE_ADDED Date"}},
	{"type description added", q + "scalar Date", q + `"a day" scalar Date`, []string{"SAFE DESCRIPTION_ADDED Date"}},
	{"type description changed", q + `"a day" scalar Date`, q + `"a date" scalar Date`, []string{"SAFE DESCRIPTION_CHANGED Date"}},
	{"type description removed", q + `"a day" scalar Date`, q + "scalar Date", []string{"SAFE DESCRIPTION_REMOVED Date"}},
	{"specifiedBy changed", q + `scalar Date @specifiedBy(url: "https://a")`, q + `scalar Date @specifiedBy(url: "https://b")`, []string{"SAFE SPECIFIED_BY_CHANGED Date"}},

	// Output fields.
	{"field removed", "type Query { a: Int b: Int }", q, []string{"BREAKING FIELD_REMOVED Query.b"}},
	{"field added", q, "type Query { a: Int b: Int }", []string{"SAFE FIELD_ADDED Query.b"}},
	{"field type: other named type", q, "type Query { a: String }", []string{"BREAKING FIELD_TYPE_CHANGED Query.a"}},
	{"field type: non-null removed", "type Query { a: Int! }", q, []string{"BREAKING FIELD_TYPE_CHANGED Query.a"}},
	{"field type: inner non-null removed", "type Query { a: [Int!] }", "type Query { a: [Int] }", []string{"BREAKING FIELD_TYPE_CHANGED Query.a"}},
	{"field type: list added", q, "type Query { a: [Int] }", []string{"BREAKING FIELD_TYPE_CHANGED Query.a"}},
	{"field type: list nesting changed", "type Query { a: [[Int]] }", "type Query { a: [Int] }", []string{"BREAKING FIELD_TYPE_CHANGED Query.a"}},
	{"field type: made non-null", q, "type Query { a: Int! }", []string{"SAFE FIELD_TYPE_CHANGED Query.a"}},
	{"field type: made non-null at every level", "type Query { a: [Int] }", "type Query { a: [Int!]! }", []string{"SAFE FIELD_TYPE_CHANGED Query.a"}},
	{"field description", q, `type Query { "the a" a: Int }`, []string{"SAFE DESCRIPTION_ADDED Query.a"}},
	{"field deprecated", q, "type Query { a: Int @deprecated }", []string{"SAFE DEPRECATION_ADDED Query.a"}},
	{"field undeprecated", `type Query { a: Int @deprecated(reason: "use b") }`, q, []string{"SAFE DEPRECATION_REMOVED Query.a"}},
	{"deprecation reason changed", "type Query { a: Int @deprecated }", `type Query { a: Int @deprecated(reason: "use b") }`, []string{"SAFE DEPRECATION_REASON_CHANGED Query.a"}},
	{"null deprecation reason is the default", "type Query { a: Int @deprecated }", "type Query { a: Int @deprecated(reason: null) }", nil},
	{"default deprecation reason spelled out", "type Query { a: Int @deprecated }", `type Query { a: Int @deprecated(reason: "No longer supported") }`, nil},

	// Interfaces and unions.
	{"interface removed from object", q + "interface Node { id: ID } type Foo implements Node { id: ID }", q + "interface Node { id: ID } type Foo { id: ID }", []string{"BREAKING INTERFACE_REMOVED Foo"}},
	{"interface removed from interface", q + "interface Node { id: ID } interface Entity implements Node { id: ID }", q + "interface Node { id: ID } interface Entity { id: ID }", []string{"BREAKING INTERFACE_REMOVED Entity"}},
	{"interface added to object", q + "interface Node { id: ID } type Foo { id: ID }", q + "interface Node { id: ID } type Foo implements Node { id: ID }", []string{"DANGEROUS INTERFACE_ADDED Foo"}},
	{"union member removed", q + "type A { x: Int } type B { x: Int } union U = A | B", q + "type A { x: Int } type B { x: Int } union U = A", []string{"BREAKING UNION_MEMBER_REMOVED U"}},
	{"union member added", q + "type A { x: Int } type B { x: Int } union U = A", q + "type A { x: Int } type B { x: Int } union U = A | B", []string{"DANGEROUS UNION_MEMBER_ADDED U"}},

	// Enums.
	{"enum value removed", q + "enum Color { RED GREEN }", q + "enum Color { RED }", []string{"BREAKING ENUM_VALUE_REMOVED Color.GREEN"}},
	{"enum value added", q + "enum Color { RED }", q + "enum Color { RED GREEN }", []string{"DANGEROUS ENUM_VALUE_ADDED Color.GREEN"}},
	{"enum value deprecated", q + "enum Color { RED }", q + "enum Color { RED @deprecated }", []string{"SAFE DEPRECATION_ADDED Color.RED"}},
	{"enum value description", q + "enum Color { RED }", q + `enum Color { "warm" RED }`, []string{"SAFE DESCRIPTION_ADDED Color.RED"}},

	// Field arguments.
	{"argument removed", "type Query { a(x: Int): Int }", q, []string{"BREAKING ARG_REMOVED Query.a(x:)"}},
	{"required argument added", q, "type Query { a(x: Int!): Int }", []string{"BREAKING ARG_ADDED_REQUIRED Query.a(x:)"}},
	{"non-null argument with default added", q, "type Query { a(x: Int! = 1): Int }", []string{"DANGEROUS ARG_ADDED Query.a(x:)"}},
	{"optional argument added", q, "type Query { a(x: Int): Int }", []string{"DANGEROUS ARG_ADDED Query.a(x:)"}},
	{"argument made non-null", "type Query { a(x: Int): Int }", "type Query { a(x: Int!): Int }", []string{"BREAKING ARG_TYPE_CHANGED Query.a(x:)"}},
	{"argument made non-null with default", "type Query { a(x: Int = 1): Int }", "type Query { a(x: Int! = 1): Int }", []string{"BREAKING ARG_TYPE_CHANGED Query.a(x:)"}},
	{"argument items made non-null", "type Query { a(x: [Int]): Int }", "type Query { a(x: [Int!]): Int }", []string{"BREAKING ARG_TYPE_CHANGED Query.a(x:)"}},
	{"argument type: other named type", "type Query { a(x: Int): Int }", "type Query { a(x: String): Int }", []string{"BREAKING ARG_TYPE_CHANGED Query.a(x:)"}},
	{"argument type: list shape", "type Query { a(x: [Int]): Int }", "type Query { a(x: Int): Int }", []string{"BREAKING ARG_TYPE_CHANGED Query.a(x:)"}},
	{"argument made nullable", "type Query { a(x: [Int!]!): Int }", "type Query { a(x: [Int]): Int }", []string{"SAFE ARG_TYPE_CHANGED Query.a(x:)"}},
	{"argument default changed", "type Query { a(x: Int = 1): Int }", "type Query { a(x: Int = 2): Int }", []string{"DANGEROUS ARG_DEFAULT_CHANGED Query.a(x:)"}},
	{"argument default removed", "type Query { a(x: Int = 1): Int }", "type Query { a(x: Int): Int }", []string{"DANGEROUS ARG_DEFAULT_CHANGED Query.a(x:)"}},
	{"argument default added", "type Query { a(x: Int): Int }", "type Query { a(x: Int = 1): Int }", []string{"DANGEROUS ARG_DEFAULT_CHANGED Query.a(x:)"}},
	{"default added to a required argument", "type Query { a(x: Int!): Int }", "type Query { a(x: Int! = 1): Int }", []string{"SAFE ARG_DEFAULT_CHANGED Query.a(x:)"}},
	{"default removed from a non-null argument", "type Query { a(x: Int! = 1): Int }", "type Query { a(x: Int!): Int }", []string{"BREAKING ARG_DEFAULT_CHANGED Query.a(x:)"}},
	{"object default reordered", "input In { a: Int b: Int } type Query { a(x: In = {a: 1, b: 2}): Int }", "input In { a: Int b: Int } type Query { a(x: In = {b: 2, a: 1}): Int }", nil},
	{"block string default is the same string", `type Query { a(x: String = "hi"): Int }`, `type Query { a(x: String = """hi"""): Int }`, nil},
	{"argument description", "type Query { a(x: Int): Int }", `type Query { a("the x" x: Int): Int }`, []string{"SAFE DESCRIPTION_ADDED Query.a(x:)"}},
	{"argument deprecated", "type Query { a(x: Int): Int }", "type Query { a(x: Int @deprecated): Int }", []string{"SAFE DEPRECATION_ADDED Query.a(x:)"}},

	// Input types.
	{"input field removed", q + "input In { a: Int b: Int }", q + "input In { a: Int }", []string{"BREAKING INPUT_FIELD_REMOVED In.b"}},
	{"required input field added", q + "input In { a: Int }", q + "input In { a: Int b: Int! }", []string{"BREAKING INPUT_FIELD_ADDED_REQUIRED In.b"}},
	{"optional input field added", q + "input In { a: Int }", q + "input In { a: Int b: Int }", []string{"DANGEROUS INPUT_FIELD_ADDED In.b"}},
	{"input field made non-null", q + "input In { a: Int }", q + "input In { a: Int! }", []string{"BREAKING INPUT_FIELD_TYPE_CHANGED In.a"}},
	{"input field made nullable", q + "input In { a: Int! }", q + "input In { a: Int }", []string{"SAFE INPUT_FIELD_TYPE_CHANGED In.a"}},
	{"input field default changed", q + "input In { a: Int = 1 }", q + "input In { a: Int = 2 }", []string{"DANGEROUS INPUT_FIELD_DEFAULT_CHANGED In.a"}},
	{"input field default removed", q + "input In { a: [Int] = [1] }", q + "input In { a: [Int] }", []string{"DANGEROUS INPUT_FIELD_DEFAULT_CHANGED In.a"}},
	{"input made oneOf", q + "input In { a: Int b: Int }", q + "input In @oneOf { a: Int b: Int }", []string{"BREAKING ONE_OF_ADDED In"}},
	{"input no longer oneOf", q + "input In @oneOf { a: Int b: Int }", q + "input In { a: Int b: Int }", []string{"SAFE ONE_OF_REMOVED In"}},

	// Root operation types.
	{"root type changed", "schema { query: Query } type Query { a: Int } type Root { a: Int }", "schema { query: Root } type Query { a: Int } type Root { a: Int }", []string{"BREAKING ROOT_TYPE_CHANGED schema.query"}},
	{"root type removed", q + "type Mutation { m: Int }", q + "type M { m: Int }", []string{"SAFE TYPE_ADDED M", "BREAKING TYPE_REMOVED Mutation", "BREAKING ROOT_TYPE_REMOVED schema.mutation"}},
	{"root type added", q, q + "type Mutation { m: Int }", []string{"SAFE TYPE_ADDED Mutation", "SAFE ROOT_TYPE_ADDED schema.mutation"}},

	// Executable directives.
	{"directive removed", q + "directive @live on QUERY", q, []string{"BREAKING DIRECTIVE_REMOVED @live"}},
	{"directive added", q, q + "directive @live on QUERY", []string{"SAFE DIRECTIVE_ADDED @live"}},
	{"directive location removed", q + "directive @live on QUERY | FIELD", q + "directive @live on QUERY", []string{"BREAKING DIRECTIVE_LOCATION_REMOVED @live"}},
	{"directive location added", q + "directive @live on QUERY", q + "directive @live on QUERY | FIELD", []string{"SAFE DIRECTIVE_LOCATION_ADDED @live"}},
	{"directive repeatable removed", q + "directive @live repeatable on QUERY", q + "directive @live on QUERY", []string{"BREAKING DIRECTIVE_REPEATABLE_REMOVED @live"}},
	{"directive repeatable added", q + "directive @live on QUERY", q + "directive @live repeatable on QUERY", []string{"SAFE DIRECTIVE_REPEATABLE_ADDED @live"}},
	{"directive argument removed", q + "directive @live(ms: Int) on QUERY", q + "directive @live on QUERY", []string{"BREAKING DIRECTIVE_ARG_REMOVED @live(ms:)"}},
	{"required directive argument added", q + "directive @live on QUERY", q + "directive @live(ms: Int!) on QUERY", []string{"BREAKING DIRECTIVE_ARG_ADDED_REQUIRED @live(ms:)"}},
	{"optional directive argument added", q + "directive @live on QUERY", q + "directive @live(ms: Int) on QUERY", []string{"DANGEROUS DIRECTIVE_ARG_ADDED @live(ms:)"}},
	{"directive argument made non-null", q + "directive @live(ms: Int) on QUERY", q + "directive @live(ms: Int!) on QUERY", []string{"BREAKING DIRECTIVE_ARG_TYPE_CHANGED @live(ms:)"}},
	{"directive argument default changed", q + "directive @live(ms: Int = 1) on QUERY", q + "directive @live(ms: Int = 2) on QUERY", []string{"DANGEROUS DIRECTIVE_ARG_DEFAULT_CHANGED @live(ms:)"}},
	{"directive description", q + "directive @live on QUERY", q + `"streams" directive @live on QUERY`, []string{"SAFE DESCRIPTION_ADDED @live"}},

	// Type-system directives: information only.
	{"type-system directive removed", q + "directive @tag(name: String) on FIELD_DEFINITION", q, []string{"SAFE DIRECTIVE_REMOVED @tag"}},
	{"type-system directive argument removed", q + "directive @tag(name: String) on FIELD_DEFINITION", q + "directive @tag on FIELD_DEFINITION", []string{"SAFE DIRECTIVE_ARG_REMOVED @tag(name:)"}},
	{"type-system directive required argument added", q + "directive @tag on FIELD_DEFINITION", q + "directive @tag(name: String!) on FIELD_DEFINITION", []string{"SAFE DIRECTIVE_ARG_ADDED_REQUIRED @tag(name:)"}},
	{"type-system directive repeatable removed", q + "directive @tag repeatable on FIELD_DEFINITION", q + "directive @tag on FIELD_DEFINITION", []string{"SAFE DIRECTIVE_REPEATABLE_REMOVED @tag"}},
	{"type-system location removed", q + "directive @tag on FIELD_DEFINITION | OBJECT", q + "directive @tag on OBJECT", []string{"SAFE DIRECTIVE_LOCATION_REMOVED @tag"}},
	{"type-system location removed from an executable directive", q + "directive @live on QUERY | OBJECT", q + "directive @live on QUERY", []string{"SAFE DIRECTIVE_LOCATION_REMOVED @live"}},
	{"executable locations all removed", q + "directive @live on QUERY | OBJECT", q + "directive @live on OBJECT", []string{"BREAKING DIRECTIVE_LOCATION_REMOVED @live"}},
}

func TestSchemas(t *testing.T) {
	for _, c := range changeCases {
		t.Run(c.name, func(t *testing.T) {
			got := Schemas(load(t, c.old), load(t, c.new))
			if s, want := summary(got), strings.Join(c.want, "\n"); s != want {
				t.Errorf("changes:\n%s\nwant:\n%s", s, want)
			}
			for _, ch := range got {
				if ch.Message == "" || !strings.HasSuffix(ch.Message, ".") || !strings.Contains(ch.Message, ch.Coordinate) && !strings.HasPrefix(ch.Coordinate, "schema.") {
					t.Errorf("message %q: want one sentence naming %s", ch.Message, ch.Coordinate)
				}
			}
		})
	}
}
