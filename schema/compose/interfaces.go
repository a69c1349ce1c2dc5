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
				if fieldNamed(t.fields, f.name) != nil {
					continue
				}
				m.c.report("INTERFACE_FIELD_NO_IMPLEM", nil, t.name, nil,
					"Interface field %q is declared in %s but type %q, which implements %q in %s, does not have field %q. Add the field to %q in a subgraph that defines it.",
					iname+"."+f.name, subgraphsWord(subNames(f.sources)), t.name, iname, subgraphsWord(implementers(t, iname)), f.name, t.name)
			}
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
