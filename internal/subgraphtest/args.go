package subgraphtest

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// fieldKey prints a field with its arguments in the canonical form the data
// file uses as a key (see the package documentation): the name alone when no
// argument has a value, else `name(a: 1, b: "x")` with arguments sorted by
// name, variables substituted and defaults applied.
func (e *executor) fieldKey(f *ast.Field, def *ast.FieldDefinition) string {
	args := slices.Clone(def.Arguments)
	slices.SortFunc(args, func(a, b *ast.ArgumentDefinition) int { return strings.Compare(a.Name, b.Name) })
	var parts []string
	for _, a := range args {
		v, ok := any(nil), false
		if given := f.Arguments.ForName(a.Name); given != nil {
			v, ok = e.literal(given.Value)
		}
		if !ok && a.DefaultValue != nil {
			v, ok = e.literal(a.DefaultValue)
		}
		if ok {
			parts = append(parts, a.Name+": "+e.print(v, a.Type))
		}
	}
	if len(parts) == 0 {
		return f.Name
	}
	return f.Name + "(" + strings.Join(parts, ", ") + ")"
}

// literal turns a GraphQL value into its JSON form: strings (and enum values)
// as string, numbers as json.Number, lists as []any, objects as
// map[string]any. It substitutes variables, applying their defaults, and
// reports false for a variable without value or default, which makes the
// argument or input field absent.
func (e *executor) literal(v *ast.Value) (any, bool) {
	if v == nil {
		return nil, false
	}
	switch v.Kind {
	case ast.Variable:
		if val, ok := e.vars[v.Raw]; ok {
			return val, true
		}
		if d := e.op.VariableDefinitions.ForName(v.Raw); d != nil && d.DefaultValue != nil {
			return e.literal(d.DefaultValue)
		}
		return nil, false
	case ast.IntValue, ast.FloatValue:
		return json.Number(v.Raw), true
	case ast.BooleanValue:
		return v.Raw == "true", true
	case ast.NullValue:
		return nil, true
	case ast.ListValue:
		list := make([]any, 0, len(v.Children))
		for _, c := range v.Children {
			item, _ := e.literal(c.Value)
			list = append(list, item)
		}
		return list, true
	case ast.ObjectValue:
		obj := make(map[string]any, len(v.Children))
		for _, c := range v.Children {
			if item, ok := e.literal(c.Value); ok {
				obj[c.Name] = item
			}
		}
		return obj, true
	default: // strings, block strings and enum values
		return v.Raw, true
	}
}

// print writes a JSON value as a GraphQL literal of type t.
func (e *executor) print(v any, t *ast.Type) string {
	if v == nil {
		return "null"
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			list = []any{v} // input coercion of a single value to a list
		}
		items := make([]string, len(list))
		for i, item := range list {
			items[i] = e.print(item, t.Elem)
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	def := e.s.fed.schema.Types[t.NamedType]
	switch {
	case def == nil:
		return printJSON(v)
	case def.Kind == ast.Enum:
		if s, ok := v.(string); ok {
			return s
		}
	case def.Kind == ast.InputObject:
		if obj, ok := v.(map[string]any); ok {
			return e.printInput(obj, def)
		}
	case def.Name == "ID":
		if n, ok := v.(json.Number); ok {
			return canonicalJSON(n.String())
		}
	}
	return printJSON(v)
}

// printInput prints an input object with its fields sorted by name and the
// defaults of absent fields applied.
func (e *executor) printInput(obj map[string]any, def *ast.Definition) string {
	fields := slices.Clone(def.Fields)
	slices.SortFunc(fields, func(a, b *ast.FieldDefinition) int { return strings.Compare(a.Name, b.Name) })
	var parts []string
	for _, f := range fields {
		v, ok := obj[f.Name]
		if !ok && f.DefaultValue != nil {
			v, ok = e.literal(f.DefaultValue)
		}
		if ok {
			parts = append(parts, f.Name+": "+e.print(v, f.Type))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// printJSON prints a JSON value, such as a custom scalar's, in GraphQL syntax.
func printJSON(v any) string {
	switch v := v.(type) {
	case []any:
		items := make([]string, len(v))
		for i, item := range v {
			items[i] = printJSON(item)
		}
		return "[" + strings.Join(items, ", ") + "]"
	case map[string]any:
		parts := make([]string, 0, len(v))
		for _, k := range sortedKeys(v) {
			parts = append(parts, k+": "+printJSON(v[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	default:
		return canonicalJSON(v)
	}
}
