package compose

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// copyInterfaceObjectFields adds the fields an @interfaceObject contributes to an interface
// onto each implementation that lacks them, with a bare @join__field: no subgraph resolves
// them on the implementation directly.
func (m *merger) copyInterfaceObjectFields() {
	for _, name := range m.order {
		it := m.types[name]
		if it.kind != ast.Interface || !hasInterfaceObject(it) {
			continue
		}
		for _, on := range m.order {
			impl := m.types[on]
			if impl.kind != ast.Object || !contains(impl.implements, it.name) {
				continue
			}
			for _, f := range it.fields {
				if fieldNamed(impl.fields, f.name) != nil || !fromInterfaceObject(f) {
					continue
				}
				c := *f
				c.joins, c.fromInterfaceObject = []string{"@join__field"}, true
				impl.fields = append(impl.fields, &c)
			}
		}
	}
}

func hasInterfaceObject(t *mtype) bool {
	for _, s := range t.sources {
		if s.interfaceObject {
			return true
		}
	}
	return false
}

func fromInterfaceObject(f *mfield) bool {
	for _, s := range f.sources {
		if s.parent.interfaceObject {
			return true
		}
	}
	return false
}

func fieldNamed(fields []*mfield, name string) *mfield {
	for _, f := range fields {
		if f.name == name {
			return f
		}
	}
	return nil
}

// checkInterfaces requires every implementation to have each field of its interfaces.
func (m *merger) checkInterfaces() {
	for _, name := range m.order {
		t := m.types[name]
		if t.kind != ast.Object && t.kind != ast.Interface {
			continue
		}
		for _, iname := range t.implements {
			it := m.types[iname]
			if it == nil {
				continue
			}
			for _, f := range it.fields {
				if g := fieldNamed(t.fields, f.name); g != nil {
					m.checkImplementationField(t, it, f, g)
					continue
				}
				m.c.report("INTERFACE_FIELD_NO_IMPLEM", nil, t.name, nil,
					"Interface field %q is declared in %s but type %q, which implements %q in %s, does not have field %q. Add the field to %q in a subgraph that defines it.",
					iname+"."+f.name, subgraphsWord(subNames(f.sources)), t.name, iname, subgraphsWord(implementers(t, iname)), f.name, t.name)
			}
		}
	}
}

// checkImplementationField applies the GraphQL rules for implementing interface field f
// with g to the merged fields, which may break them even when every subgraph is valid:
// merging widens output types and narrows arguments. The messages are the GraphQL
// reference implementation's, under INVALID_GRAPHQL as Apollo reports them.
func (m *merger) checkImplementationField(t, it *mtype, f, g *mfield) {
	kind := "Object"
	if t.kind == ast.Interface {
		kind = "Interface"
	}
	ic, tc := it.name+"."+f.name, t.name+"."+g.name
	const fix = " Merged from the subgraphs, the fields no longer match: define them alike in every subgraph."
	if !m.outputSubtype(g.typ, f.typ) {
		m.c.report("INVALID_GRAPHQL", nil, tc, nil, "Interface field %s expects type %s but %s is type %s."+fix, ic, f.typ.String(), tc, g.typ.String())
	}
	for _, a := range f.args {
		ga := argNamed(g.args, a.name)
		switch {
		case ga == nil:
			m.c.report("INVALID_GRAPHQL", nil, tc, nil, "Interface field argument %s(%s:) expected but %s does not provide it."+fix, ic, a.name, tc)
		case ga.typ.String() != a.typ.String():
			m.c.report("INVALID_GRAPHQL", nil, tc+"("+a.name+":)", nil, "Interface field argument %s(%s:) expects type %s but %s(%s:) is type %s."+fix, ic, a.name, a.typ.String(), tc, a.name, ga.typ.String())
		}
	}
	for _, ga := range g.args {
		if argNamed(f.args, ga.name) == nil && ga.typ.NonNull && ga.defValue == nil {
			m.c.report("INVALID_GRAPHQL", nil, tc+"("+ga.name+":)", nil, "%s field %s includes required argument %s that is missing from the Interface field %s."+fix, kind, tc, ga.name, ic)
		}
	}
}

// checkInterfaceObjectSubgraphs refuses a subgraph that declares an interface as an
// @interfaceObject and also defines one of the interface's implementations: the point of
// @interfaceObject is that the subgraph does not know them, and the copied fields would
// collide with its own definitions.
func (m *merger) checkInterfaceObjectSubgraphs() {
	for _, name := range m.order {
		it := m.types[name]
		if it.kind != ast.Interface {
			continue
		}
		for _, s := range it.sources {
			if !s.interfaceObject {
				continue
			}
			var defined []string
			for _, on := range m.order {
				if impl := m.types[on]; impl.kind == ast.Object && contains(impl.implements, it.name) && s.sub.types[on] != nil {
					defined = append(defined, on)
				}
			}
			if len(defined) == 0 {
				continue
			}
			word := "type"
			if len(defined) > 1 {
				word = "types"
			}
			m.c.report("INTERFACE_OBJECT_USAGE_ERROR", s.sub, it.name, s.def.Position,
				"Interface type %q is defined as an @interfaceObject in subgraph %q so that subgraph should not define any of the implementation types of %q, but it defines %s %s; remove them from this subgraph (the fields it adds to %q reach them anyway) or define %q as an interface there.",
				it.name, s.sub.name, it.name, word, quoteList(defined), it.name, it.name)
		}
	}
}

func implementers(t *mtype, iname string) []string {
	var out []string
	for _, s := range t.sources {
		if contains(s.interfaces, iname) {
			out = append(out, s.sub.name)
		}
	}
	return out
}

// checkQueries requires at least one query field.
func (m *merger) checkQueries() {
	if q := m.types["Query"]; q == nil || len(q.fields) == 0 {
		m.c.report("NO_QUERIES", nil, "Query", nil,
			"No queries found in any subgraph: a supergraph must have a query root type; define at least one field on Query in one subgraph.")
	}
}
