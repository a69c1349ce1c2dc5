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
		if s.store.missingField(rep, k, "") == "" {
			wants = append(wants, s.store.project(rep, k).(map[string]any))
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
// needed when its type condition applies to the object's __typename.
func (s *store) missingField(v any, sel ast.SelectionSet, prefix string) string {
	switch v := v.(type) {
	case []any:
		for _, item := range v {
			if missing := s.missingField(item, sel, prefix); missing != "" {
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
	for _, item := range sel {
		switch item := item.(type) {
		case *ast.Field:
			child, ok := obj[item.Name]
			if !ok {
				return prefix + item.Name
			}
			if len(item.SelectionSet) > 0 {
				if missing := s.missingField(child, item.SelectionSet, prefix+item.Name+"."); missing != "" {
					return missing
				}
			}
		case *ast.InlineFragment:
			if s.fragmentApplies(item.TypeCondition, obj) {
				if missing := s.missingField(obj, item.SelectionSet, prefix); missing != "" {
					return missing
				}
			}
		}
	}
	return ""
}

// project keeps of v only the fields sel selects, recursively. As in
// missingField, an inline fragment counts only when it applies to the
// object's __typename, so an object sent without __typename loses the
// fragment's fields.
func (s *store) project(v any, sel ast.SelectionSet) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = s.project(item, sel)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		s.projectInto(out, v, sel)
		return out
	default:
		return v
	}
}

func (s *store) projectInto(out, obj map[string]any, sel ast.SelectionSet) {
	for _, item := range sel {
		switch item := item.(type) {
		case *ast.Field:
			child, ok := obj[item.Name]
			if !ok {
				continue
			}
			if len(item.SelectionSet) > 0 {
				child = s.project(child, item.SelectionSet)
			}
			out[item.Name] = child
		case *ast.InlineFragment:
			if s.fragmentApplies(item.TypeCondition, obj) {
				s.projectInto(out, obj, item.SelectionSet)
			}
		}
	}
}

// fragmentApplies reports whether an inline fragment of a @key or @requires
// selection applies to a representation object: it has no type condition,
// or the object's __typename is, or implements, the condition.
func (s *store) fragmentApplies(condition string, obj map[string]any) bool {
	if condition == "" {
		return true
	}
	typ, _ := obj["__typename"].(string)
	def := s.schema.Types[condition]
	return typ == condition || (typ != "" && def != nil && s.possible(typ, def))
}
