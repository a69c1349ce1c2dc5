package compose

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
)

// checkRequiresArguments re-validates the arguments that @requires selections pass against
// the merged fields: arguments are merged to those every subgraph has (with the strictest
// type), so a selection valid in its subgraph may name an argument the supergraph field
// lost, pass a value of a type it no longer accepts, or miss one that became required.
func (m *merger) checkRequiresArguments() {
	for _, name := range m.order {
		t := m.types[name]
		if t.kind != ast.Object {
			continue
		}
		for _, f := range t.fields {
			for _, s := range f.sources {
				if s.requires == nil || s.overridden || f.fromInterfaceObject {
					continue
				}
				for _, p := range m.selectionArgProblems(t.name, s.requires.sel) {
					m.c.report("REQUIRES_INVALID_FIELDS", s.parent.sub, t.name+"."+f.name, s.requires.pos,
						"On field %q, for @requires(fields: %q): %s.", t.name+"."+f.name, s.requires.raw, p)
				}
			}
		}
	}
}

// selectionArgProblems checks the arguments of every field sel selects on supergraph type
// typeName (nested selections included).
func (m *merger) selectionArgProblems(typeName string, sel ast.SelectionSet) []string {
	var out []string
	m.walkSelected(typeName, sel, func(f *mfield, coord string, s *ast.Field) {
		for _, a := range s.Arguments {
			ma := argNamed(f.args, a.Name)
			if ma == nil {
				out = append(out, fmt.Sprintf("argument %q is not an argument of %q in the supergraph (a field keeps only the arguments every subgraph that resolves it defines); remove it from the selection or define it everywhere", a.Name, coord))
				continue
			}
			if msg := m.valueProblem(a.Value, ma.typ); msg != "" {
				out = append(out, fmt.Sprintf("argument %q of %q has type %s in the supergraph, but %s", a.Name, coord, ma.typ.String(), msg))
			}
		}
		for _, ma := range f.args {
			if ma.typ.NonNull && ma.defValue == nil && s.Arguments.ForName(ma.name) == nil {
				out = append(out, fmt.Sprintf("argument %q of %q is required in the supergraph (type %s) but the selection does not give it", ma.name, coord, ma.typ.String()))
			}
		}
	}, nil)
	return out
}

// walkSelected calls field for every field sel selects from supergraph type typeName
// (nested selections included) with its coordinate and the selection, and cond (when not
// nil) with each inline fragment's type. Fields the supergraph does not have are skipped.
func (m *merger) walkSelected(typeName string, sel ast.SelectionSet, field func(f *mfield, coord string, s *ast.Field), cond func(t *mtype)) {
	t := m.types[typeName]
	if t == nil {
		return
	}
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if f := fieldNamed(t.fields, s.Name); f != nil {
				field(f, t.name+"."+f.name, s)
				m.walkSelected(f.typ.Name(), s.SelectionSet, field, cond)
			}
		case *ast.InlineFragment:
			name := s.TypeCondition
			if name == "" {
				name = typeName
			}
			if ct := m.types[name]; ct != nil && cond != nil {
				cond(ct)
			}
			m.walkSelected(name, s.SelectionSet, field, cond)
		}
	}
}

func argNamed(args []*marg, name string) *marg {
	for _, a := range args {
		if a.name == name {
			return a
		}
	}
	return nil
}

// valueProblem says why literal v is not a valid value of supergraph input type t, or "".
func (m *merger) valueProblem(v *ast.Value, t *ast.Type) string {
	switch {
	case v.Kind == ast.Variable:
		return "a field set cannot use variables ($" + v.Raw + ")"
	case v.Kind == ast.NullValue:
		if t.NonNull {
			return "the selection gives null"
		}
		return ""
	case t.Elem != nil:
		if v.Kind != ast.ListValue {
			return m.valueProblem(v, t.Elem) // a single value is coerced to a list
		}
		for _, c := range v.Children {
			if p := m.valueProblem(c.Value, t.Elem); p != "" {
				return p
			}
		}
		return ""
	}
	given := "the selection gives " + v.String()
	switch t.NamedType {
	case "Int":
		return unless(v.Kind == ast.IntValue, given)
	case "Float":
		return unless(v.Kind == ast.IntValue || v.Kind == ast.FloatValue, given)
	case "String":
		return unless(v.Kind == ast.StringValue || v.Kind == ast.BlockValue, given)
	case "Boolean":
		return unless(v.Kind == ast.BooleanValue, given)
	case "ID":
		return unless(v.Kind == ast.StringValue || v.Kind == ast.IntValue, given)
	}
	mt := m.types[t.NamedType]
	if mt == nil {
		return ""
	}
	switch mt.kind {
	case ast.Enum:
		if v.Kind != ast.EnumValue {
			return given
		}
		for _, ev := range mt.values {
			if ev.name == v.Raw {
				return ""
			}
		}
		return fmt.Sprintf("%q is not a value of enum %q in the supergraph", v.Raw, mt.name)
	case ast.InputObject:
		return m.inputObjectProblem(v, mt, given)
	}
	return "" // custom scalars accept any literal
}

func (m *merger) inputObjectProblem(v *ast.Value, mt *mtype, given string) string {
	if v.Kind != ast.ObjectValue {
		return given
	}
	for _, c := range v.Children {
		f := fieldNamed(mt.fields, c.Name)
		if f == nil {
			return fmt.Sprintf("%q is not a field of input type %q in the supergraph", c.Name, mt.name)
		}
		if p := m.valueProblem(c.Value, f.typ); p != "" {
			return p
		}
	}
	for _, f := range mt.fields {
		if f.typ.NonNull && f.defValue == nil && v.Children.ForName(f.name) == nil {
			return fmt.Sprintf("input field %q is required and missing", mt.name+"."+f.name)
		}
	}
	return ""
}

func unless(ok bool, msg string) string {
	if ok {
		return ""
	}
	return msg
}
