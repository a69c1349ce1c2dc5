package compose

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// mergeComposite merges an object or interface type.
func (m *merger) mergeComposite(t *mtype) {
	m.typeJoins(t)
	m.typeDirectives(t)
	names, by := fieldsByName(t)
	for _, name := range names {
		if f := m.mergeField(t, by[name]); f != nil {
			t.fields = append(t.fields, f)
		}
	}
}

// typeJoins writes @join__implements, @join__type and @join__unionMember of t.
func (m *merger) typeJoins(t *mtype) {
	var descs []string
	for _, s := range t.sources {
		descs = append(descs, s.def.Description)
		g := m.enum[s.sub.name]
		for _, i := range s.interfaces {
			t.joins = append(t.joins, fmt.Sprintf("@join__implements(graph: %s, interface: %q)", g, i))
		}
	}
	t.description = m.mergeDescription(t.name, descs, typeSubs(t))
	for _, s := range t.sources {
		g := m.enum[s.sub.name]
		extra := ""
		if s.extension {
			extra += ", extension: true"
		}
		if len(s.keys) == 0 {
			if s.interfaceObject {
				extra += ", isInterfaceObject: true"
			}
			t.joins = append(t.joins, fmt.Sprintf("@join__type(graph: %s%s)", g, extra))
			continue
		}
		for _, k := range s.keys {
			args := fmt.Sprintf("graph: %s, key: %s", g, quote(k.fields)) + extra
			if !k.resolvable {
				args += ", resolvable: false"
			}
			if s.interfaceObject {
				args += ", isInterfaceObject: true"
			}
			t.joins = append(t.joins, "@join__type("+args+")")
		}
	}
	for _, s := range t.sources {
		for _, u := range s.members {
			t.joins = append(t.joins, fmt.Sprintf("@join__unionMember(graph: %s, member: %q)", m.enum[s.sub.name], u))
		}
	}
}

// mergeField merges one field of an object or interface type.
func (m *merger) mergeField(t *mtype, srcs []*sfield) *mfield {
	f := &mfield{name: srcs[0].name, sources: srcs}
	coord := t.name + "." + f.name
	var resolving []*sfield
	for _, s := range srcs {
		if !s.external {
			resolving = append(resolving, s)
		}
	}
	if len(resolving) == 0 {
		if t.kind == ast.Object {
			m.c.report("EXTERNAL_MISSING_ON_BASE", nil, coord, nil,
				"Field %q is marked @external on all the subgraphs in which it is listed (%s); one subgraph must resolve it without @external.", coord, subgraphsWord(subNames(srcs)))
		}
		resolving = srcs
	}
	types, subs := fieldTypes(resolving)
	typ, ok := m.mostGeneralOutput(types)
	if !ok {
		m.c.report("FIELD_TYPE_MISMATCH", nil, coord, nil,
			"Type of field %q is incompatible across subgraphs: it has %s. Use the same type, or types where one is a subtype of the other (nullability, an implementation of an interface, a union member).", coord, typesBySubgraph(types, subs))
	}
	f.typ = typ
	for _, s := range srcs {
		if s.external && !m.outputSubtype(typ, s.def.Type) && !m.outputSubtype(s.def.Type, typ) {
			m.c.report("EXTERNAL_TYPE_MISMATCH", s.parent.sub, coord, s.def.Position,
				"Type of field %q is incompatible across subgraphs (where marked @external): it has type %q in subgraph %q but the field resolves to %q; give the @external field a compatible type.", coord, s.def.Type.String(), s.parent.sub.name, typ.String())
		}
	}
	var descs []string
	for _, s := range srcs {
		descs = append(descs, s.def.Description)
	}
	f.description = m.mergeDescription(coord, descs, subNames(srcs))
	f.args = m.mergeArgs(coord, resolving)
	f.joins = m.fieldJoins(t, f)
	m.fieldDirectives(f)
	return f
}

func fieldTypes(srcs []*sfield) ([]*ast.Type, []string) {
	var types []*ast.Type
	var subs []string
	for _, s := range srcs {
		types = append(types, s.def.Type)
		subs = append(subs, s.parent.sub.name)
	}
	return types, subs
}

func subNames(srcs []*sfield) []string {
	var out []string
	for _, s := range srcs {
		out = append(out, s.parent.sub.name)
	}
	return out
}

// plain reports whether a field source needs no @join__field of its own.
func (s *sfield) plain() bool {
	return !s.external && s.requires == nil && s.provides == nil && s.overPos == nil &&
		!s.overridden && !s.usedOverridden && s.sourceLabel == ""
}

// fieldJoins writes the @join__field directives of f; nil when every subgraph that
// defines the type defines the field the same plain way.
func (m *merger) fieldJoins(t *mtype, f *mfield) []string {
	sameType := true
	allPlain := true
	for _, s := range f.sources {
		sameType = sameType && s.def.Type.String() == f.sources[0].def.Type.String()
		allPlain = allPlain && s.plain()
	}
	if allPlain && sameType && len(f.sources) == len(t.sources) {
		return nil
	}
	var out []string
	for _, s := range f.sources {
		if s.overridden {
			continue
		}
		args := []string{"graph: " + m.enum[s.parent.sub.name]}
		if s.requires != nil {
			args = append(args, "requires: "+quote(s.requires.raw))
		}
		if s.provides != nil {
			args = append(args, "provides: "+quote(s.provides.raw))
		}
		if !sameType {
			args = append(args, "type: "+quote(s.def.Type.String()))
		}
		if s.external {
			args = append(args, "external: true")
		}
		if s.overPos != nil && s.override != "" {
			args = append(args, "override: "+quote(s.override))
		}
		if s.usedOverridden {
			args = append(args, "usedOverridden: true")
		}
		if s.hasLabel {
			args = append(args, "overrideLabel: "+quote(s.label))
		} else if s.sourceLabel != "" {
			args = append(args, "overrideLabel: "+quote(s.sourceLabel))
		}
		out = append(out, "@join__field("+strings.Join(args, ", ")+")")
	}
	return out
}

// quote writes s as a GraphQL string literal.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// fieldsByName groups a type's field definitions from every subgraph by name; names are in
// first-appearance order, walking the subgraphs sorted by name.
func fieldsByName(t *mtype) (names []string, by map[string][]*sfield) {
	by = map[string][]*sfield{}
	for _, s := range t.sources {
		for _, f := range s.fields {
			if by[f.name] == nil {
				names = append(names, f.name)
			}
			by[f.name] = append(by[f.name], f)
		}
	}
	return names, by
}
