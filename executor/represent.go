package executor

import (
	"github.com/trellis-gql/trellis/planner"
	"github.com/vektah/gqlparser/v2/ast"
)

// target is an object at a Flatten path that an entity fetch resolves.
type target struct {
	obj  map[string]any
	path *pathNode // the object's response path, for errors
	rep  int       // index of its representation in the _entities call
}

// representations finds the objects at path and builds their representations, one per
// distinct entity. An object whose representation cannot be built (null entity, missing or
// null key, a type the fetch does not handle) is skipped, never sent half-made.
func (e *execution) representations(path []string, f *planner.Fetch) ([]target, [][]byte) {
	var targets []target
	var reps [][]byte
	seen := map[string]int{}
	walkPath(e.data, path, nil, func(obj map[string]any, p *pathNode) {
		typename, _ := obj["__typename"].(string)
		req := e.requirementFor(f, typename)
		if req == nil || !hasKeys(obj, req.Keys) {
			return
		}
		buf := appendString(append(make([]byte, 0, 64), `{"__typename":`...), req.SendAs)
		buf, ok := appendRepFields(buf, req.Fields, obj, false)
		if !ok {
			return
		}
		buf = append(buf, '}')
		idx, dup := seen[string(buf)]
		if !dup {
			idx = len(reps)
			seen[string(buf)] = idx
			reps = append(reps, buf)
		}
		targets = append(targets, target{obj: obj, path: p, rep: idx})
	})
	return targets, reps
}

// requirementFor finds the requirement for an object of concrete type typename: the one
// naming that type, else one naming an interface it implements (fields the planner placed
// on the interface itself, fetched for every implementation at once).
func (e *execution) requirementFor(f *planner.Fetch, typename string) *planner.Requirement {
	var iface *planner.Requirement
	for _, r := range f.Requires {
		switch {
		case r.Typename == typename:
			return r
		case iface == nil && e.implements(typename, r.Typename):
			iface = r
		}
	}
	return iface
}

// implements reports whether object type obj is a possible type of abstract type abstract.
func (e *execution) implements(obj, abstract string) bool {
	def := e.st.sg.Schema.Types[abstract]
	if def == nil || !def.IsAbstractType() {
		return false
	}
	for _, p := range e.st.sg.Schema.GetPossibleTypes(def) {
		if p.Name == obj {
			return true
		}
	}
	return false
}

// hasKeys reports whether every key field of obj is present and not null.
func hasKeys(obj map[string]any, keys []string) bool {
	for _, k := range keys {
		if obj[k] == nil {
			return false
		}
	}
	return true
}

// walkPath calls fn for every object reached from v along path.
func walkPath(v any, path []string, at *pathNode, fn func(map[string]any, *pathNode)) {
	if len(path) == 0 {
		if obj, ok := v.(map[string]any); ok {
			fn(obj, at)
		}
		return
	}
	seg := path[0]
	switch {
	case seg == "@":
		list, _ := v.([]any)
		for i, item := range list {
			walkPath(item, path[1:], &pathNode{at, pathElem{index: i}}, fn)
		}
	case len(seg) > 3 && seg[0] == '|':
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		if typename, _ := obj["__typename"].(string); typename == seg[2:len(seg)-1] {
			walkPath(obj, path[1:], at, fn)
		}
	default:
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		walkPath(obj[seg], path[1:], &pathNode{at, pathElem{key: seg}}, fn)
	}
}

// appendRepFields writes fields of obj (read under their alias, written under their name).
func appendRepFields(buf []byte, fields []*planner.Field, obj map[string]any, first bool) ([]byte, bool) {
	for _, f := range fields {
		if f.Name == "__typename" {
			continue
		}
		v, present := obj[f.Alias]
		if !present {
			return buf, false
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = appendString(buf, f.Name)
		buf = append(buf, ':')
		var ok bool
		if buf, ok = appendRepValue(buf, f.Definition.Type, f.Selection, v); !ok {
			return buf, false
		}
	}
	return buf, true
}

func appendRepValue(buf []byte, t *ast.Type, sel *planner.SelectionSet, v any) ([]byte, bool) {
	if v == nil {
		return append(buf, "null"...), !t.NonNull
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			return buf, false
		}
		buf = append(buf, '[')
		for i, item := range list {
			if i > 0 {
				buf = append(buf, ',')
			}
			if buf, ok = appendRepValue(buf, t.Elem, sel, item); !ok {
				return buf, false
			}
		}
		return append(buf, ']'), true
	}
	if sel == nil {
		return appendValue(buf, v), true
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return buf, false
	}
	buf = append(buf, '{')
	fields := sel.Cases[0].Fields
	first := true
	if sel.Abstract() {
		typename, _ := obj["__typename"].(string)
		buf = appendString(append(buf, `"__typename":`...), typename)
		first = false
		fields = nil
		if c := sel.Case(typename); c != nil {
			fields = c.Fields
		}
	}
	if buf, ok = appendRepFields(buf, fields, obj, first); !ok {
		return buf, false
	}
	return append(buf, '}'), true
}

// requestBody builds a subgraph request: the operation, the client variables it uses and,
// for entity fetches, each part's representations under its variable.
func requestBody(f *planner.Fetch, vars map[string]any, parts []*part) ([]byte, error) {
	n := len(f.Operation) + 64
	for _, p := range parts {
		for _, r := range p.reps {
			n += len(r) + 1
		}
	}
	buf := make([]byte, 0, n)
	buf = append(buf, `{"query":`...)
	buf = appendString(buf, f.Operation)
	buf = append(buf, `,"variables":{`...)
	first := true
	for _, p := range parts {
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = appendString(buf, p.variable)
		buf = append(buf, `:[`...)
		for i, r := range p.reps {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, r...)
		}
		buf = append(buf, ']')
	}
	for _, name := range f.Variables {
		v, ok := vars[name]
		if !ok {
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = appendString(buf, name)
		buf = append(buf, ':')
		var err error
		if buf, err = appendAny(buf, v); err != nil {
			return nil, err
		}
	}
	return append(buf, "}}"...), nil
}
