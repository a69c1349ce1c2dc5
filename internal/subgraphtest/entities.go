package subgraphtest

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
)

// entities resolves Query._entities: one entry per representation, null when
// no stored object matches it.
func (e *executor) entities(f *ast.Field, sel ast.SelectionSet, path []any) (any, bool) {
	var reps []any
	if a := f.Arguments.ForName("representations"); a != nil {
		v, _ := e.literal(a.Value)
		reps, _ = v.([]any)
	}
	out := make([]any, len(reps))
	for i, r := range reps {
		itemPath := appendPath(path, i)
		obj, msg := e.s.entity(r)
		if msg != "" {
			e.fail(msg, itemPath)
			continue
		}
		if obj != nil {
			out[i], _ = e.selection(obj, sel, itemPath)
		}
	}
	return out, true
}

// entity finds the stored object a representation stands for: one of its
// __typename (or, for an entity interface, of a type implementing it) whose
// fields equal the representation's for one of the type's resolvable keys
// that the representation holds. An @interfaceObject type is an object type
// in its subgraph, so its representations name it and so do the results.
func (s *Subgraph) entity(r any) (*object, string) {
	rep, ok := r.(map[string]any)
	if !ok {
		return nil, "representation is not an object: " + canonicalJSON(r)
	}
	typ, _ := rep["__typename"].(string)
	if typ == "" {
		return nil, "representation has no __typename: " + canonicalJSON(r)
	}
	keys := s.fed.keys[typ]
	if len(keys) == 0 {
		return nil, fmt.Sprintf("%s is not an entity type with a resolvable @key", typ)
	}
	var wants []map[string]any
	for _, k := range keys {
		if missingField(rep, k, "") == "" {
			wants = append(wants, project(rep, k).(map[string]any))
		}
	}
	if len(wants) == 0 {
		return nil, fmt.Sprintf("representation of %s holds none of its @key fields: %s", typ, canonicalJSON(r))
	}
	for _, candidate := range s.store.candidates(typ) {
		for _, obj := range s.store.objects[candidate] {
			for _, want := range wants {
				if s.store.contains(obj, want) {
					return &object{typ: candidate, data: obj, rep: rep}, ""
				}
			}
		}
	}
	return nil, ""
}

// missingField returns the first field of sel, as a dotted path after prefix,
// that v lacks; "" if it has them all. A null value has all the fields below
// it, and each item of a list must have them. An inline fragment's fields are
// needed when its type condition is the object's __typename.
func missingField(v any, sel ast.SelectionSet, prefix string) string {
	switch v := v.(type) {
	case []any:
		for _, item := range v {
			if missing := missingField(item, sel, prefix); missing != "" {
				return missing
			}
		}
		return ""
	case nil:
		if prefix != "" {
			return ""
		}
	}
	obj, _ := v.(map[string]any)
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			child, ok := obj[s.Name]
			if !ok {
				return prefix + s.Name
			}
			if len(s.SelectionSet) > 0 {
				if missing := missingField(child, s.SelectionSet, prefix+s.Name+"."); missing != "" {
					return missing
				}
			}
		case *ast.InlineFragment:
			if s.TypeCondition == "" || s.TypeCondition == obj["__typename"] {
				if missing := missingField(obj, s.SelectionSet, prefix); missing != "" {
					return missing
				}
			}
		}
	}
	return ""
}

// project keeps of v only the fields sel selects, recursively.
func project(v any, sel ast.SelectionSet) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = project(item, sel)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		projectInto(out, v, sel)
		return out
	default:
		return v
	}
}

func projectInto(out, obj map[string]any, sel ast.SelectionSet) {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			child, ok := obj[s.Name]
			if !ok {
				continue
			}
			if len(s.SelectionSet) > 0 {
				child = project(child, s.SelectionSet)
			}
			out[s.Name] = child
		case *ast.InlineFragment:
			if s.TypeCondition == "" || s.TypeCondition == obj["__typename"] {
				projectInto(out, obj, s.SelectionSet)
			}
		}
	}
}
