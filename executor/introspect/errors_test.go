package introspect

import (
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// TestResolveErrors covers input a validated operation cannot produce: the executor routing
// a non-introspection field here, uncoerced variables, and unvalidated documents.
func TestResolveErrors(t *testing.T) {
	s := loadSchema(t)
	tests := []struct {
		name  string
		query string // parsed, not validated; its first root field goes to Resolve
		vars  map[string]any
		want  string
	}{
		{
			name:  "not an introspection field",
			query: `{ who: user(by: {id: "1"}) { id } }`,
			want:  `introspect: who: "user" is not an introspection root field`,
		},
		{
			name:  "__type name is not a string",
			query: `query($n: String!) { __type(name: $n) { name } }`,
			vars:  map[string]any{"n": 5},
			want:  "introspect: __type: argument name: want a string, got int",
		},
		{
			name:  "__type without a name",
			query: `{ __type { name } }`,
			want:  "introspect: __type: argument name: want a string, got <nil>",
		},
		{
			name:  "unknown field deep in the answer",
			query: `{ __type(name: "User") { fields { type { ofType { bogus } } } } }`,
			want:  `introspect: __type: fields: 0: type: ofType: bogus: __Type has no field "bogus" (was the document validated?)`,
		},
		{
			name:  "include with a non-Boolean",
			query: `query($b: Boolean!) { __schema { description @include(if: $b) } }`,
			vars:  map[string]any{"b": "yes"},
			want:  "introspect: __schema: @include(if:): want a Boolean, got string",
		},
		{
			name:  "includeDeprecated with a non-Boolean",
			query: `{ __type(name: "Order") { enumValues(includeDeprecated: "yes") { name } } }`,
			want:  "introspect: __type: enumValues: argument includeDeprecated: want a Boolean, got string",
		},
		{
			name:  "fragment spread without its definition",
			query: `{ __schema { ...Missing } }`,
			want:  `introspect: __schema: fragment "Missing" is not defined (was the document validated?)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := parser.ParseQuery(&ast.Source{Input: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			field := doc.Operations[0].SelectionSet[0].(*ast.Field)
			got, err := Resolve(s, field, tt.vars)
			if err == nil {
				t.Fatalf("Resolve = %v, want error %q", got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q, want %q", err, tt.want)
			}
			if got != nil {
				t.Errorf("result = %#v alongside an error, want nil", got)
			}
		})
	}

	if _, err := Resolve(nil, &ast.Field{Name: "__schema"}, nil); err == nil {
		t.Error("Resolve(nil schema) succeeded")
	}
}

func BenchmarkResolveIntrospectionQuery(b *testing.B) {
	s := loadSchema(b)
	doc, errs := gqlparser.LoadQueryWithRules(s, readTestdata(b, "introspection_query.graphql"), nil)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	field := doc.Operations[0].SelectionSet[0].(*ast.Field)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Resolve(s, field, nil); err != nil {
			b.Fatal(err)
		}
	}
}
