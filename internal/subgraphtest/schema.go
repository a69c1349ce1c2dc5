package subgraphtest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// federated is a subgraph schema with the federation definitions added, and
// what the executor needs to know about its federation directives.
type federated struct {
	schema *ast.Schema
	// keys holds the selection of each resolvable @key, by type name. An
	// object type also gets the keys of the entity interfaces it implements.
	keys map[string][]ast.SelectionSet
	// requires holds the selection of each @requires, by "Type.field".
	requires map[string]ast.SelectionSet
}

// loadSchema adds the federation definitions to a subgraph SDL and loads it.
// It loads twice: the _Entity union can only be written once the merged
// schema tells which types have a @key.
func loadSchema(name, sdl string) (*federated, error) {
	source := &ast.Source{Name: name + ".graphql", Input: sdl}
	sd, err := parser.ParseSchema(source)
	if err != nil {
		return nil, err
	}
	n := federationNames(sd)
	sources := []*ast.Source{
		validator.Prelude,
		{Name: "federation.graphql", Input: federationSource(sd, n), BuiltIn: true},
		source,
	}
	first, err := validator.LoadSchema(sources...)
	if err != nil {
		return nil, err
	}
	f := &federated{keys: map[string][]ast.SelectionSet{}, requires: map[string]ast.SelectionSet{}}
	if err := f.readDirectives(first, n); err != nil {
		return nil, err
	}
	entities := f.entityTypes(first)
	sources = append(sources, &ast.Source{
		Name:    "entities.graphql",
		Input:   entitySource(first, entities),
		BuiltIn: true,
	})
	if f.schema, err = validator.LoadSchema(sources...); err != nil {
		return nil, err
	}
	return f, nil
}

// readDirectives collects the resolvable @key and the @requires selections.
func (f *federated) readDirectives(s *ast.Schema, n names) error {
	for _, def := range s.Types {
		if def.Kind != ast.Object && def.Kind != ast.Interface {
			continue
		}
		for _, d := range def.Directives {
			if n[d.Name] != "key" {
				continue
			}
			if a := d.Arguments.ForName("resolvable"); a != nil && a.Value.Raw == "false" {
				continue
			}
			sel, err := parseFieldSet(stringArg(d, "fields"))
			if err != nil {
				return fmt.Errorf("@key(fields: %q) on %s: %w", stringArg(d, "fields"), def.Name, err)
			}
			f.keys[def.Name] = append(f.keys[def.Name], sel)
		}
		for _, field := range def.Fields {
			for _, d := range field.Directives {
				if n[d.Name] != "requires" {
					continue
				}
				sel, err := parseFieldSet(stringArg(d, "fields"))
				if err != nil {
					return fmt.Errorf("@requires(fields: %q) on %s.%s: %w", stringArg(d, "fields"), def.Name, field.Name, err)
				}
				f.requires[def.Name+"."+field.Name] = sel
			}
		}
	}
	for _, def := range s.Types {
		if def.Kind != ast.Interface || len(f.keys[def.Name]) == 0 {
			continue
		}
		for _, impl := range s.PossibleTypes[def.Name] {
			f.keys[impl.Name] = append(f.keys[impl.Name], f.keys[def.Name]...)
		}
	}
	return nil
}

// entityTypes lists, sorted, the object types _entities can return: those
// with a resolvable @key of their own or from an interface they implement.
// An @interfaceObject type is an object type here, so it is one of them.
func (f *federated) entityTypes(s *ast.Schema) []string {
	var out []string
	for name, keys := range f.keys {
		if def := s.Types[name]; def.Kind == ast.Object && len(keys) > 0 {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// entitySource declares _Entity and the _service and _entities query fields,
// skipping any the SDL already declares. A subgraph with no query type gets
// one.
func entitySource(s *ast.Schema, entities []string) string {
	var b strings.Builder
	if len(entities) > 0 && s.Types["_Entity"] == nil {
		b.WriteString("union _Entity = " + strings.Join(entities, " | ") + "\n")
	}
	var fields []string
	if len(entities) > 0 && (s.Query == nil || s.Query.Fields.ForName("_entities") == nil) {
		fields = append(fields, "_entities(representations: [_Any!]!): [_Entity]!")
	}
	if s.Query == nil || s.Query.Fields.ForName("_service") == nil {
		fields = append(fields, "_service: _Service!")
	}
	if len(fields) == 0 {
		return b.String()
	}
	if s.Query == nil {
		b.WriteString("type Query {\n")
	} else {
		b.WriteString("extend type " + s.Query.Name + " {\n")
	}
	for _, field := range fields {
		b.WriteString("  " + field + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// parseFieldSet parses the fields argument of @key or @requires.
func parseFieldSet(fields string) (ast.SelectionSet, error) {
	doc, err := parser.ParseQuery(&ast.Source{Name: "fields", Input: "{" + fields + "}"})
	if err != nil {
		return nil, err
	}
	return doc.Operations[0].SelectionSet, nil
}
