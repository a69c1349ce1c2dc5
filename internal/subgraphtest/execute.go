package subgraphtest

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
)

// executor runs one validated operation against the store. Field errors go
// to errs; a completion that reports false means "null, and the type here is
// non-null", which the caller propagates as the GraphQL spec says.
type executor struct {
	s    *Subgraph
	doc  *ast.QueryDocument
	op   *ast.OperationDefinition
	vars map[string]any
	errs []gqlError
}

// object is a value of an object type: its concrete type, its stored fields
// and, when _entities found it, the representation it was found by.
type object struct {
	typ  string
	data map[string]any
	rep  map[string]any
}

// fieldGroup is the fields of a selection that share a response key.
type fieldGroup struct {
	key    string
	fields []*ast.Field
}

// execute runs the operation from its root object. Root fields run one after
// the other, which for a mutation is what the spec asks.
func (e *executor) execute() *response {
	schema := e.s.fed.schema
	root := schema.Query
	if e.op.Operation == ast.Mutation {
		root = schema.Mutation
	}
	obj := &object{typ: root.Name, data: e.s.store.roots[root.Name]}
	data, ok := e.selection(obj, e.op.SelectionSet, nil)
	if !ok {
		data = nil
	}
	return &response{hasData: true, data: data, errors: e.errs}
}

// selection executes the selection set on obj.
func (e *executor) selection(obj *object, sel ast.SelectionSet, path []any) (any, bool) {
	var groups []*fieldGroup
	e.collect(obj.typ, sel, &groups, map[string]bool{})
	out := &fields{}
	ok := true
	for _, g := range groups {
		v, fieldOK := e.field(obj, g, appendPath(path, g.key))
		ok = ok && fieldOK
		out.keys = append(out.keys, g.key)
		out.values = append(out.values, v)
	}
	if !ok {
		return nil, false
	}
	return out, true
}

// collect groups the fields that apply to type typ by response key, in
// order of first appearance, following fragments and @skip/@include.
func (e *executor) collect(typ string, sel ast.SelectionSet, groups *[]*fieldGroup, visited map[string]bool) {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if !e.included(s.Directives) {
				continue
			}
			key := s.Alias
			if key == "" {
				key = s.Name
			}
			if i := findGroup(*groups, key); i >= 0 {
				(*groups)[i].fields = append((*groups)[i].fields, s)
			} else {
				*groups = append(*groups, &fieldGroup{key: key, fields: []*ast.Field{s}})
			}
		case *ast.InlineFragment:
			if e.included(s.Directives) && e.applies(s.TypeCondition, typ) {
				e.collect(typ, s.SelectionSet, groups, visited)
			}
		case *ast.FragmentSpread:
			if !e.included(s.Directives) || visited[s.Name] {
				continue
			}
			visited[s.Name] = true
			if f := e.doc.Fragments.ForName(s.Name); f != nil && e.applies(f.TypeCondition, typ) {
				e.collect(typ, f.SelectionSet, groups, visited)
			}
		}
	}
}

func findGroup(groups []*fieldGroup, key string) int {
	for i, g := range groups {
		if g.key == key {
			return i
		}
	}
	return -1
}

// applies reports whether a fragment on condition applies to object type typ.
func (e *executor) applies(condition, typ string) bool {
	return condition == "" || condition == typ || e.s.store.possible(typ, e.s.fed.schema.Types[condition])
}

func (e *executor) included(dirs ast.DirectiveList) bool {
	for _, d := range dirs {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		var cond bool
		if a := d.Arguments.ForName("if"); a != nil {
			v, _ := e.literal(a.Value)
			cond, _ = v.(bool)
		}
		if cond == (d.Name == "skip") {
			return false
		}
	}
	return true
}

// field resolves and completes one response key of obj.
func (e *executor) field(obj *object, g *fieldGroup, path []any) (any, bool) {
	f := g.fields[0]
	if f.Name == "__typename" {
		return leaf(obj.typ), true
	}
	var sel ast.SelectionSet
	for _, same := range g.fields {
		sel = append(sel, same.SelectionSet...)
	}
	def := e.s.fed.schema.Types[obj.typ].Fields.ForName(f.Name)
	name := obj.typ + "." + f.Name
	if f.Name == "_entities" && obj.typ == e.s.fed.schema.Query.Name {
		return e.entities(f, sel, path)
	}
	v, msg := e.resolve(obj, f, def)
	if msg != "" {
		e.fail(msg, path)
		return nil, !def.Type.NonNull
	}
	return e.complete(v, def.Type, sel, path, name)
}

// resolve finds a field's value in obj's data.
func (e *executor) resolve(obj *object, f *ast.Field, def *ast.FieldDefinition) (any, string) {
	isQuery := obj.typ == e.s.fed.schema.Query.Name
	switch {
	case isQuery && (f.Name == "__schema" || f.Name == "__type"):
		return nil, "introspection is not supported by subgraphtest"
	case isQuery && f.Name == "_service":
		return map[string]any{"sdl": e.s.sdl}, ""
	}
	requires, hasRequires := e.s.fed.requires[obj.typ+"."+f.Name]
	if hasRequires {
		if missing := e.s.store.missingField(obj.rep, requires, ""); missing != "" {
			return nil, "requires field " + missing + " missing from representation"
		}
	}
	v, ok := obj.data[e.fieldKey(f, def)]
	if !ok {
		v = obj.data[f.Name]
	}
	m, isObject := v.(map[string]any)
	if byReq, ok := m["$requires"]; isObject && ok && len(m) == 1 {
		if !hasRequires {
			return nil, fmt.Sprintf("$requires for %s.%s, which has no @requires", obj.typ, f.Name)
		}
		key := canonicalJSON(e.s.store.project(obj.rep, requires))
		table, _ := byReq.(map[string]any)
		if v, ok = table[key]; !ok {
			return nil, "no data for requirements " + key
		}
	}
	return v, ""
}

// complete turns a resolved value into a result of type t.
func (e *executor) complete(v any, t *ast.Type, sel ast.SelectionSet, path []any, name string) (any, bool) {
	if m, ok := v.(map[string]any); ok {
		if msg, isErr := m["$error"]; isErr && len(m) == 1 {
			text, isString := msg.(string)
			if !isString {
				text = canonicalJSON(msg)
			}
			e.fail(text, path)
			return nil, !t.NonNull
		}
	}
	if v == nil {
		if t.NonNull {
			e.fail("Cannot return null for non-nullable field "+name+".", path)
			return nil, false
		}
		return nil, true
	}
	if t.Elem != nil {
		return e.completeList(v, t, sel, path, name)
	}
	def := e.s.fed.schema.Types[t.NamedType]
	if def.IsLeafType() {
		return leaf(v), true
	}
	obj, msg := e.s.store.object(v, def)
	if msg != "" {
		e.fail(msg, path)
		return nil, !t.NonNull
	}
	if obj == nil {
		return e.complete(nil, t, sel, path, name)
	}
	out, ok := e.selection(obj, sel, path)
	if !ok {
		return nil, !t.NonNull
	}
	return out, true
}

// completeList completes every item, so that each item's errors are
// reported, then nulls the list if a non-null item was null.
func (e *executor) completeList(v any, t *ast.Type, sel ast.SelectionSet, path []any, name string) (any, bool) {
	items, ok := v.([]any)
	if !ok {
		e.fail(fmt.Sprintf("data for %s is not a list: %s", name, canonicalJSON(v)), path)
		return nil, !t.NonNull
	}
	out := make([]any, len(items))
	allOK := true
	for i, item := range items {
		var itemOK bool
		out[i], itemOK = e.complete(item, t.Elem, sel, appendPath(path, i), name)
		allOK = allOK && itemOK
	}
	if !allOK {
		return nil, !t.NonNull
	}
	return out, true
}

func (e *executor) fail(msg string, path []any) {
	e.errs = append(e.errs, gqlError{message: msg, path: path})
}

// appendPath extends path without sharing its backing array with siblings.
func appendPath(path []any, elem any) []any {
	return append(path[:len(path):len(path)], elem)
}
