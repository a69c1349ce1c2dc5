package all_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/trellis-gql/trellis/examples"
	"github.com/trellis-gql/trellis/examples/all"
)

// TestSubgraphsMatchSupergraph checks each subgraph's served SDL against the
// supergraph that examples/supergraph.graphql holds: the same keys, and the
// same fields with the same arguments, defaults, types, @external, @requires
// and @provides, field for field, both ways.
func TestSubgraphsMatchSupergraph(t *testing.T) {
	super, err := parser.ParseSchema(&ast.Source{Name: "supergraph.graphql", Input: examples.Supergraph})
	if err != nil {
		t.Fatal(err)
	}
	sgs := start(t)
	for _, name := range all.Names() {
		t.Run(name, func(t *testing.T) {
			var resp struct {
				Data struct {
					Service struct{ SDL string } `json:"_service"`
				}
			}
			body := post(t, sgs.URL(name), `{ _service { sdl } }`, nil)
			if err := json.Unmarshal(body, &resp); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			sub, err := parser.ParseSchema(&ast.Source{Name: name, Input: resp.Data.Service.SDL})
			if err != nil {
				t.Fatal(err)
			}
			got := subgraphShape(sub)
			want := supergraphShape(super, strings.ToUpper(name))
			if !slices.Equal(got, want) {
				t.Errorf("subgraph\n%s\nsupergraph for %s\n%s",
					strings.Join(got, "\n"), name, strings.Join(want, "\n"))
			}
		})
	}
}

// subgraphShape lists the keys and fields of a subgraph's object types, one
// line each, sorted.
func subgraphShape(doc *ast.SchemaDocument) []string {
	var lines []string
	for _, def := range slices.Concat(doc.Definitions, doc.Extensions) {
		if def.Kind != ast.Object {
			continue
		}
		for _, key := range def.Directives.ForNames("key") {
			lines = append(lines, keyLine(def.Name, key.Arguments.ForName("fields").Value.Raw))
		}
		for _, f := range def.Fields {
			var external bool
			var requires, provides string
			if f.Directives.ForName("external") != nil {
				external = true
			}
			if d := f.Directives.ForName("requires"); d != nil {
				requires = d.Arguments.ForName("fields").Value.Raw
			}
			if d := f.Directives.ForName("provides"); d != nil {
				provides = d.Arguments.ForName("fields").Value.Raw
			}
			lines = append(lines, fieldLine(def.Name, f, external, requires, provides))
		}
	}
	slices.Sort(lines)
	return lines
}

// supergraphShape lists what the supergraph says the subgraph graph (its
// join__Graph value) defines, in the lines of subgraphShape.
func supergraphShape(doc *ast.SchemaDocument, graph string) []string {
	var lines []string
	for _, def := range doc.Definitions {
		if def.Kind != ast.Object {
			continue
		}
		inGraph := false
		for _, jt := range def.Directives.ForNames("join__type") {
			if jt.Arguments.ForName("graph").Value.Raw != graph {
				continue
			}
			inGraph = true
			if key := jt.Arguments.ForName("key"); key != nil {
				lines = append(lines, keyLine(def.Name, key.Value.Raw))
			}
		}
		if !inGraph {
			continue
		}
		for _, f := range def.Fields {
			joins := f.Directives.ForNames("join__field")
			if len(joins) == 0 {
				// A field without @join__field is in every graph of its type.
				lines = append(lines, fieldLine(def.Name, f, false, "", ""))
				continue
			}
			for _, jf := range joins {
				if g := jf.Arguments.ForName("graph"); g == nil || g.Value.Raw != graph {
					continue
				}
				var external bool
				var requires, provides string
				if a := jf.Arguments.ForName("external"); a != nil && a.Value.Raw == "true" {
					external = true
				}
				if a := jf.Arguments.ForName("requires"); a != nil {
					requires = a.Value.Raw
				}
				if a := jf.Arguments.ForName("provides"); a != nil {
					provides = a.Value.Raw
				}
				lines = append(lines, fieldLine(def.Name, f, external, requires, provides))
			}
		}
	}
	slices.Sort(lines)
	return lines
}

func keyLine(typ, fields string) string {
	return fmt.Sprintf("%s @key(fields: %q)", typ, fields)
}

func fieldLine(typ string, f *ast.FieldDefinition, external bool, requires, provides string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s.%s", typ, f.Name)
	if len(f.Arguments) > 0 {
		args := make([]string, len(f.Arguments))
		for i, a := range f.Arguments {
			args[i] = a.Name + ": " + a.Type.String()
			if a.DefaultValue != nil {
				args[i] += " = " + a.DefaultValue.String()
			}
		}
		fmt.Fprintf(&b, "(%s)", strings.Join(args, ", "))
	}
	fmt.Fprintf(&b, ": %s", f.Type.String())
	if external {
		b.WriteString(" @external")
	}
	if requires != "" {
		fmt.Fprintf(&b, " @requires(fields: %q)", requires)
	}
	if provides != "" {
		fmt.Fprintf(&b, " @provides(fields: %q)", provides)
	}
	return b.String()
}
