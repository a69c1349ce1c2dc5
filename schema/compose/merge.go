package compose

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// mtype is one type of the supergraph.
type mtype struct {
	name        string
	kind        ast.DefinitionKind
	description string
	sources     []*stype // one per defining subgraph, in subgraph order
	implements  []string
	members     []string
	fields      []*mfield
	values      []*mvalue
	joins       []string // @join__implements, @join__type, @join__unionMember
	directives  []string // @tag, auth, cost, composed directives
	hidden      bool     // @inaccessible
	auth        authReq  // the auth directives among directives
}

// mfield is one field (or input field) of a supergraph type.
type mfield struct {
	name        string
	description string
	typ         *ast.Type
	args        []*marg
	defValue    *ast.Value // input fields
	sources     []*sfield
	joins       []string // @join__field directives; nil when every subgraph has it the same way
	directives  []string
	hidden      bool
	auth        authReq // the auth directives among directives
	// fromInterfaceObject marks a field copied from an @interfaceObject onto an
	// implementation: printed with a bare @join__field.
	fromInterfaceObject bool
}

// marg is one argument of a supergraph field.
type marg struct {
	name, description string
	typ               *ast.Type
	defValue          *ast.Value
	directives        []string
	hidden            bool
}

// mvalue is one enum value.
type mvalue struct {
	name, description string
	graphs            []string
	directives        []string
	hidden            bool
	sources           []*ast.EnumValueDefinition
}

// merger merges validated subgraphs into the supergraph model.
type merger struct {
	subs  []*subgraph
	c     *collector
	enum  map[string]string // subgraph name -> join__Graph value
	types map[string]*mtype
	order []string // type names in first-appearance order
	minor int      // highest federation 2 minor version
	uses  map[string]bool
	// directiveDefs are the non-federation directive definitions kept in the supergraph.
	directiveDefs []string
	composed      map[string]*composedDirective
}

func newMerger(subs []*subgraph, c *collector) *merger {
	m := &merger{subs: subs, c: c, enum: graphEnumNames(subs), types: map[string]*mtype{}, uses: map[string]bool{}}
	for _, s := range subs {
		if s.fed2 && s.minor > m.minor {
			m.minor = s.minor
		}
	}
	return m
}

var nonWord = regexp.MustCompile(`\W`)

// graphEnumNames names each subgraph's join__Graph value: uppercased, non-word characters
// replaced by "_", collisions suffixed _1, _2, ...
func graphEnumNames(subs []*subgraph) map[string]string {
	out := map[string]string{}
	used := map[string]bool{}
	for _, s := range subs {
		base := strings.ToUpper(nonWord.ReplaceAllString(s.name, "_"))
		if base == "" || base[0] >= '0' && base[0] <= '9' {
			base = "_" + base
		}
		name := base
		for i := 1; used[name]; i++ {
			name = fmt.Sprintf("%s_%d", base, i)
		}
		used[name] = true
		out[s.name] = name
	}
	return out
}

// merge runs every merge stage; errors go to m.c.
func (m *merger) merge() {
	m.checkComposeDirectives()
	m.collect()
	if !m.checkKinds() {
		return
	}
	m.relations()
	m.checkInterfaceObjectSubgraphs()
	m.applyOverrides()
	for _, name := range m.order {
		t := m.types[name]
		switch t.kind {
		case ast.Object, ast.Interface:
			m.mergeComposite(t)
		case ast.Union:
			m.mergeUnion(t)
		case ast.InputObject:
			m.mergeInput(t)
		case ast.Scalar:
			m.mergeScalar(t)
		}
	}
	m.mergeEnums()
	m.copyInterfaceObjectFields()
	m.propagateAuth()
	m.checkSharing()
	m.checkInterfaces()
	m.checkRequiresArguments()
	m.checkTransitiveAuth()
	m.checkQueries()
	m.mergeDirectiveDefinitions()
	m.checkInaccessible()
}

// collect gathers each type's definitions, walking subgraphs in name order.
func (m *merger) collect() {
	for _, s := range m.subs {
		if s.types["Query"] == nil {
			// Every subgraph has a Query type (for _service and _entities).
			s.types["Query"] = &stype{name: "Query", kind: ast.Object, sub: s, byName: map[string]*sfield{},
				def: &ast.Definition{Name: "Query", Kind: ast.Object}}
			s.order = append(s.order, "Query")
		}
		for _, name := range s.order {
			t := m.types[name]
			if t == nil {
				t = &mtype{name: name}
				m.types[name] = t
				m.order = append(m.order, name)
			}
			t.sources = append(t.sources, s.types[name])
		}
	}
}

// effectiveKind is a source's kind for merging: @interfaceObject counts as an interface.
func effectiveKind(t *stype) ast.DefinitionKind {
	if t.interfaceObject {
		return ast.Interface
	}
	return t.kind
}

// checkKinds requires every subgraph to agree on each type's kind.
func (m *merger) checkKinds() bool {
	ok := true
	for _, name := range m.order {
		t := m.types[name]
		byKind := map[ast.DefinitionKind][]string{}
		var kinds []ast.DefinitionKind
		for _, s := range t.sources {
			k := effectiveKind(s)
			if byKind[k] == nil {
				kinds = append(kinds, k)
			}
			byKind[k] = append(byKind[k], s.sub.name)
		}
		t.kind = kinds[0]
		if len(kinds) == 1 {
			continue
		}
		ok = false
		var parts []string
		for _, k := range kinds {
			parts = append(parts, fmt.Sprintf("%s in %s", kindTitle(k), subgraphsWord(byKind[k])))
		}
		m.c.report("TYPE_KIND_MISMATCH", nil, name, nil,
			"Type %q has mismatched kind: it is defined as %s. Use the same kind everywhere or rename one of them.", name, strings.Join(parts, " but "))
	}
	return ok
}

func kindTitle(k ast.DefinitionKind) string {
	switch k {
	case ast.Object:
		return "Object Type"
	case ast.Interface:
		return "Interface Type"
	case ast.Union:
		return "Union Type"
	case ast.Enum:
		return "Enum Type"
	case ast.InputObject:
		return "Input Object Type"
	}
	return "Scalar Type"
}

// relations merges implemented interfaces and union members: the union of all subgraphs'.
func (m *merger) relations() {
	for _, name := range m.order {
		t := m.types[name]
		for _, s := range t.sources {
			for _, i := range s.interfaces {
				if !contains(t.implements, i) {
					t.implements = append(t.implements, i)
				}
			}
			for _, u := range s.members {
				if !contains(t.members, u) {
					t.members = append(t.members, u)
				}
			}
		}
	}
}

// implements reports whether object or interface a implements interface b in the supergraph.
func (m *merger) implements(a, b string) bool {
	t := m.types[a]
	return t != nil && contains(t.implements, b)
}

// member reports whether a is a member of union b.
func (m *merger) member(a, b string) bool {
	t := m.types[b]
	return t != nil && t.kind == ast.Union && contains(t.members, a)
}

// description is the first non-empty description among the sources.
func firstDescription(ds ...string) string {
	for _, d := range ds {
		if d != "" {
			return d
		}
	}
	return ""
}
