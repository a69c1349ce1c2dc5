package compose

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// composedDirective is a directive a subgraph asks to keep with @composeDirective.
type composedDirective struct {
	name string
	def  *ast.DirectiveDefinition
	url  string // the linked spec it belongs to
}

var executableLocations = map[ast.DirectiveLocation]bool{
	ast.LocationQuery: true, ast.LocationMutation: true, ast.LocationSubscription: true,
	ast.LocationField: true, ast.LocationFragmentDefinition: true, ast.LocationFragmentSpread: true,
	ast.LocationInlineFragment: true, ast.LocationVariableDefinition: true,
}

// userDirectives lists a subgraph's own directive definitions (not built-in, not federation).
func (sub *subgraph) userDirectives() []*ast.DirectiveDefinition {
	var out []*ast.DirectiveDefinition
	for _, d := range sub.schema.Directives {
		if d.Position != nil && d.Position.Src != nil && d.Position.Src.BuiltIn || sub.names.isFederationDirective(d.Name) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// mergeDirectiveDefinitions keeps executable directives every subgraph defines (their
// executable locations intersected) and the @composeDirective ones.
func (m *merger) mergeDirectiveDefinitions() {
	first := m.subs[0]
	for _, d := range first.userDirectives() {
		locs := executableOnly(d.Locations)
		for _, s := range m.subs[1:] {
			other := s.schema.Directives[d.Name]
			if other == nil || other.Position != nil && other.Position.Src != nil && other.Position.Src.BuiltIn {
				locs = nil
				break
			}
			locs = intersect(locs, other.Locations)
		}
		if len(locs) == 0 || m.composed[d.Name] != nil {
			continue
		}
		c := *d
		c.Locations = locs
		m.directiveDefs = append(m.directiveDefs, printDirectiveDef(&c))
	}
	for _, c := range m.composed {
		m.directiveDefs = append(m.directiveDefs, printDirectiveDef(c.def))
	}
}

func executableOnly(locs []ast.DirectiveLocation) []ast.DirectiveLocation {
	var out []ast.DirectiveLocation
	for _, l := range locs {
		if executableLocations[l] {
			out = append(out, l)
		}
	}
	return out
}

func intersect(a, b []ast.DirectiveLocation) []ast.DirectiveLocation {
	var out []ast.DirectiveLocation
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// checkComposeDirectives validates @composeDirective names: each must be defined in the
// subgraph, not be a federation directive and come from a linked spec.
func (m *merger) checkComposeDirectives() {
	m.composed = map[string]*composedDirective{}
	for _, s := range m.subs {
		for _, name := range s.composeDirectives {
			def := s.schema.Directives[name]
			url := s.linkOf(name)
			switch {
			case def == nil:
				m.c.report("DIRECTIVE_COMPOSITION_ERROR", s, "@"+name, nil,
					"Could not find matching directive definition for argument to @composeDirective \"@%s\" in subgraph %q; define or import it.", name, s.name)
			case s.names.isFederationDirective(name) || name == "deprecated" || name == "specifiedBy":
				m.c.report("DIRECTIVE_COMPOSITION_ERROR", s, "@"+name, nil,
					"Directive \"@%s\" should not be explicitly manually composed since it is a federation directive composed by default; remove it from @composeDirective.", name)
			case url == "":
				m.c.report("DIRECTIVE_COMPOSITION_ERROR", s, "@"+name, nil,
					"Directive \"@%s\" in subgraph %q cannot be composed because it is not a member of a linked spec; @link the spec that defines it with import: [\"@%s\"].", name, s.name, name)
			default:
				if m.composed[name] == nil {
					m.composed[name] = &composedDirective{name: name, def: def, url: url}
				}
			}
		}
	}
}

// linkOf returns the URL of the linked spec a directive name belongs to, or "".
func (sub *subgraph) linkOf(name string) string {
	if url, ok := sub.imported[name]; ok {
		return url
	}
	if i := strings.Index(name, "__"); i > 0 {
		return sub.links[name[:i]]
	}
	return ""
}

// checkInaccessible validates the API schema that @inaccessible leaves.
func (m *merger) checkInaccessible() {
	if q := m.types["Query"]; q != nil && q.hidden {
		m.c.report("QUERY_ROOT_TYPE_INACCESSIBLE", nil, "Query", nil, "Type \"Query\" is @inaccessible but is the root query type, which must be in the API schema; remove @inaccessible.")
	}
	for _, name := range m.order {
		t := m.types[name]
		if t.hidden {
			continue
		}
		visible := 0
		for _, f := range t.fields {
			if f.hidden {
				if t.kind == ast.InputObject && f.typ.NonNull && f.defValue == nil {
					m.c.report("REQUIRED_INACCESSIBLE", nil, t.name+"."+f.name, nil, "Input field %q is @inaccessible but is required; make it optional or visible.", t.name+"."+f.name)
				}
				continue
			}
			visible++
			m.checkReference(t.name+"."+f.name, f.typ)
			for _, a := range f.args {
				coord := t.name + "." + f.name + "(" + a.name + ":)"
				if a.hidden {
					if a.typ.NonNull && a.defValue == nil {
						m.c.report("REQUIRED_INACCESSIBLE", nil, coord, nil, "Argument %q is @inaccessible but is required; make it optional or visible.", coord)
					}
					continue
				}
				m.checkReference(coord, a.typ)
			}
		}
		for _, v := range t.values {
			if !v.hidden {
				visible++
			}
		}
		for _, u := range t.members {
			if mt := m.types[u]; mt != nil && !mt.hidden {
				visible++
			}
		}
		if visible == 0 && (len(t.fields) > 0 || len(t.values) > 0 || len(t.members) > 0) {
			m.c.report("ONLY_INACCESSIBLE_CHILDREN", nil, t.name, nil,
				"Type %q is in the API schema but all of its members are @inaccessible; make one visible or make the type @inaccessible too.", t.name)
		}
	}
}

func (m *merger) checkReference(coord string, typ *ast.Type) {
	if t := m.types[typ.Name()]; t != nil && t.hidden {
		m.c.report("REFERENCED_INACCESSIBLE", nil, coord, nil,
			"Type %q is @inaccessible but is referenced by %q, which is in the API schema; make %q @inaccessible too or the type visible.", t.name, coord, coord)
	}
}
