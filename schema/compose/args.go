package compose

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// mergeArgs merges the arguments of a field: the intersection, each with the strictest type
// and a default only when every subgraph gives the same one.
func (m *merger) mergeArgs(coord string, srcs []*sfield) []*marg {
	var names []string
	by := map[string][]*ast.ArgumentDefinition{}
	var subsOf = map[string][]*sfield{}
	for _, s := range srcs {
		for _, a := range s.def.Arguments {
			if by[a.Name] == nil {
				names = append(names, a.Name)
			}
			by[a.Name] = append(by[a.Name], a)
			subsOf[a.Name] = append(subsOf[a.Name], s)
		}
	}
	var out []*marg
	for _, name := range names {
		defs := by[name]
		argCoord := coord + "(" + name + ":)"
		if len(defs) < len(srcs) {
			m.missingArg(argCoord, defs, subsOf[name], srcs)
			continue
		}
		a := &marg{name: name}
		var types []*ast.Type
		var subs []string
		var descs []string
		for i, d := range defs {
			types = append(types, d.Type)
			subs = append(subs, subsOf[name][i].parent.sub.name)
			descs = append(descs, d.Description)
		}
		typ, ok := mostSpecificInput(types)
		if !ok {
			m.c.report("FIELD_ARGUMENT_TYPE_MISMATCH", nil, argCoord, nil,
				"Type of argument %q is incompatible across subgraphs: it has %s. Use the same type (nullability may differ).", argCoord, typesBySubgraph(types, subs))
		}
		a.typ, a.description = typ, m.mergeDescription(argCoord, descs, subs)
		a.defValue = m.mergeDefault("FIELD_ARGUMENT_DEFAULT_MISMATCH", argCoord, defaults(defs), subs)
		m.argDirectives(a, defs, subsOf[name])
		out = append(out, a)
	}
	return out
}

func defaults(defs []*ast.ArgumentDefinition) []*ast.Value {
	out := make([]*ast.Value, len(defs))
	for i, d := range defs {
		out[i] = d.DefaultValue
	}
	return out
}

// missingArg handles an argument that some subgraphs do not define: an error when it is
// required somewhere, else it is dropped with a hint.
func (m *merger) missingArg(coord string, defs []*ast.ArgumentDefinition, with, all []*sfield) {
	var without []string
	for _, s := range all {
		if s.def.Arguments.ForName(defs[0].Name) == nil {
			without = append(without, s.parent.sub.name)
		}
	}
	for i, d := range defs {
		if d.Type.NonNull && d.DefaultValue == nil {
			m.c.report("REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH", nil, coord, nil,
				"Argument %q is required in subgraph %q but is missing in %s; define it (optional or required) in every subgraph that defines the field, or make it optional and remove it.", coord, with[i].parent.sub.name, subgraphsWord(without))
			return
		}
	}
	m.c.hint("INCONSISTENT_ARGUMENT_PRESENCE", nil, coord, nil,
		"Optional argument %q will not be included in the supergraph as it does not appear in all subgraphs: it is missing in %s.", coord, subgraphsWord(without))
}

// mergeDefault keeps a default value only when all definitions give the same one.
func (m *merger) mergeDefault(code, coord string, values []*ast.Value, subs []string) *ast.Value {
	var first *ast.Value
	missing := false
	for _, v := range values {
		if v == nil {
			missing = true
			continue
		}
		if first == nil {
			first = v
			continue
		}
		if v.String() != first.String() {
			var parts []string
			for i, x := range values {
				s := "no default"
				if x != nil {
					s = "default " + x.String()
				}
				parts = append(parts, s+" in subgraph "+quoteList([]string{subs[i]}))
			}
			m.c.report(code, nil, coord, nil, "%q has incompatible default values across subgraphs: %s. Give it the same default everywhere.", coord, joinBut(parts))
			return nil
		}
	}
	if first != nil && missing {
		m.c.hint("INCONSISTENT_DEFAULT_VALUE_PRESENCE", nil, coord, nil, "%q has a default value in only some subgraphs; the supergraph has none.", coord)
		return nil
	}
	return first
}

func joinBut(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += " but "
		}
		out += p
	}
	return out
}
