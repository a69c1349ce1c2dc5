package diff

import (
	"sort"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

func TestIdenticalSchemasHaveNoChanges(t *testing.T) {
	sdl := `
		"the root" type Query { a(x: Int = 1, y: [In!]): [Foo!] @deprecated(reason: "b") }
		interface Node { id: ID! }
		type Foo implements Node { id: ID! c: Color }
		union U = Foo
		enum Color { RED GREEN @deprecated }
		input In @oneOf { a: Int b: String }
		directive @live(ms: Int = 10) repeatable on QUERY | FIELD
		directive @tag(name: String!) on FIELD_DEFINITION`
	if got := Schemas(load(t, sdl), load(t, sdl)); len(got) != 0 {
		t.Errorf("identical schemas:\n%s", summary(got))
	}
}

func TestReorderingIsNoChange(t *testing.T) {
	old := `
		type Query { a: Int b(x: Int, y: Int): Foo }
		interface I { id: ID } interface J { id: ID }
		type Foo implements I & J { id: ID c: Int }
		type Bar { x: Int }
		union U = Foo | Bar
		enum Color { RED GREEN BLUE }
		input In { a: Int b: Int }
		directive @live on QUERY | FIELD`
	new := `
		directive @live on FIELD | QUERY
		input In { b: Int a: Int }
		enum Color { BLUE RED GREEN }
		union U = Bar | Foo
		type Bar { x: Int }
		type Foo implements J & I { c: Int id: ID }
		interface J { id: ID } interface I { id: ID }
		type Query { b(y: Int, x: Int): Foo a: Int }`
	if got := Schemas(load(t, old), load(t, new)); len(got) != 0 {
		t.Errorf("reordered schema:\n%s", summary(got))
	}
}

func TestManyChangesComeSorted(t *testing.T) {
	old := load(t, `
		type Query { a: Int b(x: Int): String z: Int }
		enum Color { RED GREEN }
		type Foo { x: Int }
		directive @live on QUERY`)
	new := load(t, `
		type Query { a: String! b(y: Int!): String c: Int }
		enum Color { RED BLUE }
		type Bar { x: Int }
		directive @live(ms: Int) on QUERY`)
	want := "DANGEROUS DIRECTIVE_ARG_ADDED @live(ms:)\n" +
		"SAFE TYPE_ADDED Bar\n" +
		"DANGEROUS ENUM_VALUE_ADDED Color.BLUE\n" +
		"BREAKING ENUM_VALUE_REMOVED Color.GREEN\n" +
		"BREAKING TYPE_REMOVED Foo\n" +
		"BREAKING FIELD_TYPE_CHANGED Query.a\n" +
		"BREAKING ARG_REMOVED Query.b(x:)\n" +
		"BREAKING ARG_ADDED_REQUIRED Query.b(y:)\n" +
		"SAFE FIELD_ADDED Query.c\n" +
		"BREAKING FIELD_REMOVED Query.z"
	first := Schemas(old, new)
	if got := summary(first); got != want {
		t.Fatalf("changes:\n%s\nwant:\n%s", got, want)
	}
	if !sort.SliceIsSorted(first, func(i, j int) bool {
		return first[i].Coordinate < first[j].Coordinate ||
			first[i].Coordinate == first[j].Coordinate && first[i].Code < first[j].Code
	}) {
		t.Error("changes not sorted by coordinate, then code")
	}
	// Maps are iterated in random order: every run must give the same messages too.
	for range 20 {
		again := Schemas(old, new)
		for i := range first {
			if again[i] != first[i] {
				t.Fatalf("run differs at %d: %v vs %v", i, again[i], first[i])
			}
		}
	}
}

func TestSameCoordinateAndCodeSortByMessage(t *testing.T) {
	old := load(t, "type Query { a: Int } interface I { id: ID } interface J { id: ID } type Foo implements J & I { id: ID }")
	new := load(t, "type Query { a: Int } interface I { id: ID } interface J { id: ID } type Foo { id: ID }")
	got := Schemas(old, new)
	if len(got) != 2 || got[0].Message >= got[1].Message {
		t.Errorf("two INTERFACE_REMOVED on Foo must come ordered by message:\n%v", got)
	}
}

func TestNilSchemaIsEmpty(t *testing.T) {
	s := load(t, "type Query { a: Int } directive @live on QUERY")
	if got, want := summary(Schemas(nil, s)), "SAFE DIRECTIVE_ADDED @live\nSAFE TYPE_ADDED Query\nSAFE ROOT_TYPE_ADDED schema.query"; got != want {
		t.Errorf("nil -> schema:\n%s\nwant:\n%s", got, want)
	}
	if got, want := summary(Schemas(s, nil)), "BREAKING DIRECTIVE_REMOVED @live\nBREAKING TYPE_REMOVED Query\nBREAKING ROOT_TYPE_REMOVED schema.query"; got != want {
		t.Errorf("schema -> nil:\n%s\nwant:\n%s", got, want)
	}
	if got := Schemas(nil, nil); len(got) != 0 {
		t.Errorf("nil -> nil: %v", got)
	}
}

func TestLevelString(t *testing.T) {
	for l, want := range map[Level]string{Safe: "SAFE", Dangerous: "DANGEROUS", Breaking: "BREAKING", Level(7): "Level(7)"} {
		if got := l.String(); got != want {
			t.Errorf("Level(%d).String() = %q, want %q", int(l), got, want)
		}
	}
}

func TestHasBreaking(t *testing.T) {
	cases := []struct {
		levels []Level
		want   bool
	}{
		{nil, false},
		{[]Level{Safe, Dangerous}, false},
		{[]Level{Safe, Breaking, Dangerous}, true},
		{[]Level{Breaking}, true},
	}
	for _, c := range cases {
		var cs []Change
		for _, l := range c.levels {
			cs = append(cs, Change{Level: l})
		}
		if got := HasBreaking(cs); got != c.want {
			t.Errorf("HasBreaking(%v) = %v, want %v", c.levels, got, c.want)
		}
	}
}

// TestMalformedSchemasDoNotPanic feeds hand-built schemas with nil entries where a parser
// never leaves them: the comparison reports what it can and does not panic.
func TestMalformedSchemasDoNotPanic(t *testing.T) {
	broken := func() *ast.Schema {
		return &ast.Schema{
			Types: map[string]*ast.Definition{
				"Nil": nil,
				"Foo": {Kind: ast.Object, Name: "Foo", Directives: ast.DirectiveList{nil},
					Fields: ast.FieldList{nil, {Name: "f", Type: nil, Directives: ast.DirectiveList{nil, {Name: "deprecated", Arguments: ast.ArgumentList{nil}}},
						Arguments: ast.ArgumentDefinitionList{nil, {Name: "a", Type: &ast.Type{}, DefaultValue: &ast.Value{Kind: ast.ObjectValue, Children: ast.ChildValueList{nil, {Name: "x"}}}}}}}},
				"E":  {Kind: ast.Enum, Name: "E", EnumValues: ast.EnumValueList{nil, {Name: "A"}}},
				"L":  {Kind: ast.InputObject, Name: "L", Fields: ast.FieldList{{Name: "l", DefaultValue: &ast.Value{Kind: ast.ListValue, Children: ast.ChildValueList{nil, {}}}}}},
				"In": {Kind: ast.InputObject, Name: "In", Directives: ast.DirectiveList{nil}, Fields: ast.FieldList{nil, {Name: "x"}}},
				"S":  {Kind: ast.Scalar, Name: "S", Directives: ast.DirectiveList{nil, {Name: "specifiedBy"}}},
			},
			Directives: map[string]*ast.DirectiveDefinition{"nil": nil, "d": {Name: "d", Arguments: ast.ArgumentDefinitionList{nil}}},
		}
	}
	other := broken()
	other.Types["Foo"].Fields[1].Type = &ast.Type{Elem: &ast.Type{}}
	other.Types["Foo"].Fields[1].Arguments[1].DefaultValue = nil
	other.Types["S"].Directives[1].Arguments = ast.ArgumentList{{Name: "url"}}
	got := summary(Schemas(broken(), other))
	want := "BREAKING FIELD_TYPE_CHANGED Foo.f\nDANGEROUS ARG_DEFAULT_CHANGED Foo.f(a:)"
	if got != want {
		t.Errorf("changes:\n%s\nwant:\n%s", got, want)
	}
}
