package introspect

import (
	"errors"
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
)

// Resolve answers one root introspection field (`__schema` or `__type`) of a validated operation.
//
// field is the root *ast.Field from a document validated with gqlparser against s (fragment
// spreads have .Definition set); s must be built by gqlparser with its prelude, which declares
// the introspection types. vars are the coerced variable values. The result is a tree of
// map[string]any / []any / string / bool / nil keyed by response keys (aliases), with every
// selected field present, fragments (named and inline) merged and @skip/@include evaluated with
// vars. `__type` naming a type s does not hold, or a built-in scalar s never references,
// resolves to nil.
//
// Directives on field itself are not evaluated: whether a root field runs is the caller's
// decision, made while it collects the root selection set.
func Resolve(s *ast.Schema, field *ast.Field, vars map[string]any) (any, error) {
	if s == nil || field == nil {
		return nil, errors.New("introspect: nil schema or field")
	}
	e := &executor{schema: s, vars: vars}
	root, err := e.root(field)
	if err != nil || root == nil {
		return nil, wrapKey("introspect: "+responseKey(field), err)
	}
	out, err := e.object(root, []*ast.Field{field})
	if err != nil {
		return nil, wrapKey("introspect: "+responseKey(field), err)
	}
	return out, nil
}

// root returns the object a root introspection field starts from, or nil for a __type whose
// name s does not hold.
func (e *executor) root(field *ast.Field) (object, error) {
	switch field.Name {
	case "__schema":
		return schemaObject{}, nil
	case "__type":
		name, err := e.argument(field.Arguments, fieldArgDefs(field), "name")
		if err != nil {
			return nil, err
		}
		s, ok := name.(string)
		if !ok {
			return nil, fmt.Errorf("argument name: want a string, got %T", name)
		}
		if def := e.schema.Types[s]; def != nil && e.listed(def) {
			return typeObject{def: def}, nil
		}
		return nil, nil
	default:
		return nil, fmt.Errorf("%q is not an introspection root field", field.Name)
	}
}

// executor holds what every introspection object needs while it resolves: the schema it
// describes and the operation's variables.
type executor struct {
	schema *ast.Schema
	vars   map[string]any

	scalars     scalarSet // the built-in scalars schema references, once scalarsDone
	scalarsDone bool
}

// object is one value of an introspection type (__Schema, __Type, __Field, ...).
type object interface {
	// typeName is the introspection type's name, the answer to __typename.
	typeName() string
	// resolve returns the value of field f: a leaf (string, bool, nil, []any of strings), an
	// object, or a []object. f is the first field of its response key; arguments come from it.
	resolve(e *executor, f *ast.Field) (any, error)
}

// object runs the merged selection sets of fields against o.
func (e *executor) object(o object, fields []*ast.Field) (map[string]any, error) {
	groups, err := e.collect(o.typeName(), fields)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(groups))
	for _, g := range groups {
		if g.fields[0].Name == "__typename" {
			out[g.key] = o.typeName()
			continue
		}
		v, err := o.resolve(e, g.fields[0])
		if err == nil {
			v, err = e.complete(v, g.fields)
		}
		if err != nil {
			return nil, wrapKey(g.key, err)
		}
		out[g.key] = v
	}
	return out, nil
}

// complete turns a resolved value into response data, running fields' selection sets on
// objects and on each element of object lists. Leaves pass through.
func (e *executor) complete(v any, fields []*ast.Field) (any, error) {
	switch v := v.(type) {
	case object:
		return e.object(v, fields)
	case []object:
		out := make([]any, len(v))
		for i, o := range v {
			item, err := e.object(o, fields)
			if err != nil {
				return nil, wrapKey(fmt.Sprint(i), err)
			}
			out[i] = item
		}
		return out, nil
	default:
		return v, nil
	}
}

// wrapKey prefixes err with one step of the response path, so that a failure deep in a large
// introspection answer names where it happened. It returns nil for a nil err.
func wrapKey(key string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", key, err)
}

func responseKey(f *ast.Field) string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}

func fieldArgDefs(f *ast.Field) ast.ArgumentDefinitionList {
	if f.Definition == nil {
		return nil
	}
	return f.Definition.Arguments
}
