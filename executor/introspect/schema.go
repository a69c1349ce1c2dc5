package introspect

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// schemaObject is the __Schema answer to `__schema`.
type schemaObject struct{}

func (schemaObject) typeName() string { return "__Schema" }

func (schemaObject) resolve(e *executor, f *ast.Field) (any, error) {
	s := e.schema
	switch f.Name {
	case "description":
		return optional(s.Description), nil
	case "types":
		return e.sortedTypes(), nil
	case "queryType":
		if s.Query == nil {
			return nil, errors.New("schema has no query type")
		}
		return typeObject{def: s.Query}, nil
	case "mutationType":
		return rootType(s.Mutation), nil
	case "subscriptionType":
		return rootType(s.Subscription), nil
	case "directives":
		return sortedDirectives(s), nil
	}
	return nil, unknownField("__Schema", f)
}

// rootType returns the __Type of an optional root operation type, or an untyped nil.
func rootType(def *ast.Definition) any {
	if def == nil {
		return nil
	}
	return typeObject{def: def}
}

// sortedTypes lists the named types of the schema, introspection types included, sorted by
// name. Built-in scalars are listed only when referenced (see listed).
func (e *executor) sortedTypes() []object {
	defs := make([]*ast.Definition, 0, len(e.schema.Types))
	for _, def := range e.schema.Types {
		if e.listed(def) {
			defs = append(defs, def)
		}
	}
	slices.SortFunc(defs, func(a, b *ast.Definition) int { return strings.Compare(a.Name, b.Name) })
	out := make([]object, len(defs))
	for i, def := range defs {
		out[i] = typeObject{def: def}
	}
	return out
}

// sortedDirectives lists the directives of s, sorted by name. The caller decides which
// directives the API schema keeps, so none is added or hidden here.
func sortedDirectives(s *ast.Schema) []object {
	defs := make([]*ast.DirectiveDefinition, 0, len(s.Directives))
	for _, def := range s.Directives {
		defs = append(defs, def)
	}
	slices.SortFunc(defs, func(a, b *ast.DirectiveDefinition) int { return strings.Compare(a.Name, b.Name) })
	out := make([]object, len(defs))
	for i, def := range defs {
		out[i] = directiveObject{def: def}
	}
	return out
}

// optional maps an absent description, which gqlparser stores as "", to null.
func optional(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func unknownField(typeName string, f *ast.Field) error {
	return fmt.Errorf("%s has no field %q (was the document validated?)", typeName, f.Name)
}
