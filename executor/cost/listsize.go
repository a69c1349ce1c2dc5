package cost

import (
	"strconv"

	"github.com/trellis-gql/trellis/planner"
	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2/ast"
)

// sizedPath is a list that the @listSize(sizedFields:) of an enclosing field sizes: the path to
// it from the current selection, and the size.
type sizedPath struct {
	path []string
	size float64
}

// sizing returns the number of items assumed for f when it is a list, and the sized paths its
// selection inherits. The size is, in order: the one an enclosing @listSize(sizedFields:)
// gives f, the one f's own @listSize gives, DefaultListSize.
func (e *estimator) sizing(parent string, f *planner.Field, ls *supergraph.ListSize, sized []sizedPath) (float64, []sizedPath) {
	upstream, fromParent, inner := matchSized(sized, f.Name)
	own, ownOK := 0.0, false
	if ls != nil {
		own, ownOK = e.listSize(parent, f, ls)
		if ownOK {
			for _, p := range ls.SizedFields {
				inner = append(inner, sizedPath{path: p, size: own})
			}
		}
	}
	switch {
	case fromParent:
		return upstream, inner
	case ownOK:
		return own, inner
	}
	return float64(e.c.cfg.DefaultListSize), inner
}

// matchSized picks the sized paths through field name: the size when one ends at it, and the
// rest of those that go deeper.
func matchSized(sized []sizedPath, name string) (size float64, here bool, deeper []sizedPath) {
	for _, p := range sized {
		switch {
		case p.path[0] != name:
		case len(p.path) == 1:
			size, here = max(size, p.size), true
		default:
			deeper = append(deeper, sizedPath{path: p.path[1:], size: p.size})
		}
	}
	return size, here, deeper
}

// listSize is the size f's @listSize gives: the largest slicing argument the operation gives,
// else the largest default of a slicing argument, else assumedSize; ok is false when none
// applies. It records a *SlicingError when the operation gives none or several of the
// slicing arguments of a field that requires exactly one (a default counts as given when
// the operation gives none, as IBM's DataPower documents).
func (e *estimator) listSize(parent string, f *planner.Field, ls *supergraph.ListSize) (float64, bool) {
	given, givenSize := 0, 0.0
	defaulted, defaultSize := false, 0.0
	for _, path := range ls.SlicingArguments {
		size, explicit, ok := e.slicing(f, path)
		switch {
		case !ok:
		case explicit:
			given, givenSize = given+1, max(givenSize, size)
		default:
			defaulted, defaultSize = true, max(defaultSize, size)
		}
	}
	if ls.RequireOneSlicingArgument && len(ls.SlicingArguments) > 0 && (given > 1 || given == 0 && !defaulted) {
		e.slicingError(parent, f, ls)
	}
	switch {
	case given > 0:
		return givenSize, true
	case defaulted:
		return defaultSize, true
	case ls.HasAssumedSize:
		return float64(ls.AssumedSize), true
	}
	return 0, false
}

// slicing finds the value of one slicing argument path of f: given by the operation
// (explicit), or the default of the argument or of a field of an input object that is
// given. ok is false when there is none or it is null.
func (e *estimator) slicing(f *planner.Field, path []string) (size float64, explicit, ok bool) {
	arg := f.Definition.Arguments.ForName(path[0])
	if arg == nil {
		return 0, false, false
	}
	cur := input{lit: arg.DefaultValue}
	if a := f.Arguments.ForName(path[0]); a != nil && !e.unset(a.Value) {
		cur, explicit = input{lit: a.Value}, true
	}
	t := arg.Type
	for _, name := range path[1:] {
		def := e.c.sg.API.Types[t.Name()]
		fd := (*ast.FieldDefinition)(nil)
		if def != nil {
			fd = def.Fields.ForName(name)
		}
		if fd == nil {
			return 0, false, false
		}
		cur = e.resolve(cur)
		if cur.null() {
			return 0, false, false // no object, so no field and no field default either
		}
		next, found := e.child(cur, name)
		if !found {
			next, explicit = input{lit: fd.DefaultValue}, false
		}
		cur, t = next, fd.Type
	}
	size, ok = sizeOf(e.resolve(cur), t)
	return size, explicit, ok
}

// unset reports whether v is a variable the request did not give: the argument then takes
// its default.
func (e *estimator) unset(v *ast.Value) bool {
	if v == nil || v.Kind != ast.Variable {
		return false
	}
	e.variables = true
	_, ok := e.vars[v.Raw]
	return !ok
}

// child is the field name of an input object value.
func (e *estimator) child(in input, name string) (input, bool) {
	if in.lit != nil {
		if in.lit.Kind != ast.ObjectValue {
			return input{}, false
		}
		for _, c := range in.lit.Children {
			if c.Name == name && !e.unset(c.Value) {
				return input{lit: c.Value}, true
			}
		}
		return input{}, false
	}
	obj, _ := in.val.(map[string]any)
	v, ok := obj[name]
	return input{val: v}, ok
}

// sizeOf reads a list size from a value of type t: an Int, or the length of a list.
func sizeOf(in input, t *ast.Type) (float64, bool) {
	if in.null() {
		return 0, false
	}
	if in.lit != nil {
		switch in.lit.Kind {
		case ast.ListValue:
			return float64(len(in.lit.Children)), true
		case ast.IntValue:
			n, err := strconv.ParseInt(in.lit.Raw, 10, 64)
			return float64(max(n, 0)), err == nil
		}
		return 1, t.Elem != nil // one value given for a list
	}
	switch v := in.val.(type) {
	case []any:
		return float64(len(v)), true
	case int64:
		return float64(max(v, 0)), true
	case int:
		return float64(max(v, 0)), true
	case float64:
		return max(v, 0), true
	}
	return 1, t.Elem != nil
}

// slicingError records the first slicing argument violation.
func (e *estimator) slicingError(parent string, f *planner.Field, ls *supergraph.ListSize) {
	if e.est.Slicing != nil {
		return
	}
	err := &SlicingError{Field: parent + "." + f.Name, Path: append(append([]string(nil), e.path...), f.ResponseKey())}
	for _, path := range ls.SlicingArguments {
		name := joinPath(path)
		err.Arguments = append(err.Arguments, name)
		if _, explicit, ok := e.slicing(f, path); ok && explicit {
			err.Given = append(err.Given, name)
		}
	}
	e.est.Slicing = err
}

func joinPath(path []string) string {
	out := path[0]
	for _, p := range path[1:] {
		out += "." + p
	}
	return out
}
