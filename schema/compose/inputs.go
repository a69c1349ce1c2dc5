package compose

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
)

// mergeInput merges an input object type: the intersection of its fields.
func (m *merger) mergeInput(t *mtype) {
	m.typeJoins(t)
	m.typeDirectives(t)
	names, by := fieldsByName(t)
	for _, name := range names {
		srcs := by[name]
		coord := t.name + "." + name
		if len(srcs) < len(t.sources) && !m.anyHidden(srcs) {
			m.missingInputField(t, coord, srcs)
			continue
		}
		types, subs := fieldTypes(srcs)
		typ, ok := mostSpecificInput(types)
		if !ok {
			m.c.report("FIELD_TYPE_MISMATCH", nil, coord, nil,
				"Type of field %q is incompatible across subgraphs: it has %s. Use the same type (nullability may differ).", coord, typesBySubgraph(types, subs))
		}
		f := &mfield{name: name, typ: typ, sources: srcs}
		var descs []string
		var defs []*ast.Value
		for _, s := range srcs {
			descs = append(descs, s.def.Description)
			defs = append(defs, s.def.DefaultValue)
		}
		f.description = m.mergeDescription(coord, descs, subs)
		f.defValue = m.mergeDefault("INPUT_FIELD_DEFAULT_MISMATCH", coord, defs, subs)
		f.joins = m.fieldJoins(t, f)
		m.fieldDirectives(f)
		t.fields = append(t.fields, f)
	}
	if len(t.fields) == 0 {
		m.c.report("EMPTY_MERGED_INPUT_TYPE", nil, t.name, nil,
			"None of the fields of input type %q are consistently defined in all the subgraphs defining that type (%s); an input type keeps only the fields every subgraph defines. Define at least one field everywhere.", t.name, subgraphsWord(typeSubs(t)))
	}
}

func (m *merger) anyHidden(srcs []*sfield) bool {
	for _, s := range srcs {
		if s.def.Directives.ForName(s.parent.sub.names.dir("inaccessible")) != nil {
			return true
		}
	}
	return false
}

func typeSubs(t *mtype) []string {
	var out []string
	for _, s := range t.sources {
		out = append(out, s.sub.name)
	}
	return out
}

// missingInputField reports or drops an input field that some subgraphs lack.
func (m *merger) missingInputField(t *mtype, coord string, srcs []*sfield) {
	var without []string
	for _, s := range t.sources {
		if s.field(srcs[0].name) == nil {
			without = append(without, s.sub.name)
		}
	}
	for _, s := range srcs {
		if s.def.Type.NonNull && s.def.DefaultValue == nil {
			m.c.report("REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH", nil, coord, nil,
				"Input object field %q is required in some subgraphs but does not appear in all subgraphs: it is required in subgraph %q but does not appear in %s. Define it in every subgraph that defines %q.", coord, s.parent.sub.name, subgraphsWord(without), t.name)
			return
		}
	}
	m.c.hint("INCONSISTENT_INPUT_OBJECT_FIELD", nil, coord, nil,
		"Input object field %q will not be added to the supergraph as it does not appear in all subgraphs: it is missing in %s.", coord, subgraphsWord(without))
}

// mergeUnion merges a union: the union of its members.
func (m *merger) mergeUnion(t *mtype) {
	m.typeJoins(t)
	m.typeDirectives(t)
}

// mergeScalar merges a scalar type.
func (m *merger) mergeScalar(t *mtype) {
	m.typeJoins(t)
	m.typeDirectives(t)
}

// enumUsage says where an enum appears: as an output type, an input type, or both.
type enumUsage struct{ input, output string } // an example coordinate of each

// mergeEnums merges enum types, which depends on how the supergraph uses them.
func (m *merger) mergeEnums() {
	usage := m.enumUsages()
	for _, name := range m.order {
		if t := m.types[name]; t.kind == ast.Enum {
			m.mergeEnum(t, usage[name])
		}
	}
}

func (m *merger) enumUsages() map[string]*enumUsage {
	out := map[string]*enumUsage{}
	use := func(typ *ast.Type, coord string, input bool) {
		t := m.types[typ.Name()]
		if t == nil || t.kind != ast.Enum {
			return
		}
		u := out[t.name]
		if u == nil {
			u = &enumUsage{}
			out[t.name] = u
		}
		if input && u.input == "" {
			u.input = coord
		}
		if !input && u.output == "" {
			u.output = coord
		}
	}
	for _, name := range m.order {
		t := m.types[name]
		for _, f := range t.fields {
			coord := t.name + "." + f.name
			use(f.typ, coord, t.kind == ast.InputObject)
			for _, a := range f.args {
				use(a.typ, coord+"("+a.name+":)", true)
			}
		}
	}
	return out
}

func (m *merger) mergeEnum(t *mtype, u *enumUsage) {
	if u == nil {
		u = &enumUsage{}
	}
	m.typeJoins(t)
	m.typeDirectives(t)
	var names []string
	by := map[string]*mvalue{}
	for _, s := range t.sources {
		for _, v := range s.values {
			mv := by[v.Name]
			if mv == nil {
				mv = &mvalue{name: v.Name}
				by[v.Name] = mv
				names = append(names, v.Name)
			}
			mv.graphs = append(mv.graphs, s.sub.name)
			mv.sources = append(mv.sources, v)
		}
	}
	for _, name := range names {
		v := by[name]
		if len(v.graphs) < len(t.sources) && u.input != "" {
			if !m.partialEnumValue(t, v, u) {
				continue
			}
		}
		var descs []string
		for _, d := range v.sources {
			descs = append(descs, d.Description)
		}
		v.description = m.mergeDescription(t.name+"."+v.name, descs, v.graphs)
		m.valueDirectives(t, v)
		t.values = append(t.values, v)
	}
	if len(t.values) == 0 && len(names) > 0 {
		m.c.report("EMPTY_MERGED_ENUM_TYPE", nil, t.name, nil,
			"None of the values of enum type %q are defined consistently in all the subgraphs defining that type; as %q is used as an input type (for example, as type of %q), only values defined everywhere are kept. Define at least one value in every subgraph.", t.name, t.name, u.input)
	}
}

// partialEnumValue handles a value missing in some subgraphs of an enum used as an input:
// an error when the enum is also an output type, else the value is dropped. It reports
// whether the value stays.
func (m *merger) partialEnumValue(t *mtype, v *mvalue, u *enumUsage) bool {
	var without []string
	for _, s := range t.sources {
		if !contains(v.graphs, s.sub.name) {
			without = append(without, s.sub.name)
		}
	}
	if u.output != "" {
		m.c.report("ENUM_VALUE_MISMATCH", nil, t.name+"."+v.name, nil,
			"Enum type %q is used as both input type (for example, as type of %q) and output type (for example, as type of %q), but value %q is not defined in all the subgraphs defining %q: %q is defined in %s but not in %s. Define it in every subgraph or in none.",
			t.name, u.input, u.output, v.name, t.name, v.name, subgraphsWord(v.graphs), subgraphsWord(without))
		return true
	}
	m.c.hint("INCONSISTENT_ENUM_VALUE_FOR_INPUT_ENUM", nil, t.name+"."+v.name, nil,
		"Value %q of enum type %q will not be part of the supergraph as it is not defined in %s and %q is used as an input type (for example, as type of %q).", v.name, t.name, subgraphsWord(without), t.name, u.input)
	return false
}

// valueJoins writes the @join__enumValue directives of v.
func (m *merger) valueJoins(v *mvalue) []string {
	var out []string
	for _, g := range v.graphs {
		out = append(out, fmt.Sprintf("@join__enumValue(graph: %s)", m.enum[g]))
	}
	return out
}
