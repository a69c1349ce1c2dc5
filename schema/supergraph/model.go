package supergraph

import "github.com/vektah/gqlparser/v2/ast"

// Supergraph is a loaded supergraph: the full schema, the API schema clients see, and the
// join metadata per type and field. It is immutable after Load and safe for concurrent use.
type Supergraph struct {
	// Schema is the whole supergraph schema, federation internals and @inaccessible
	// elements included. Field sets (keys, requires, provides) are resolved against it.
	Schema *ast.Schema
	// API is the schema clients see: no join__/link__ elements, no @inaccessible ones.
	API *ast.Schema
	// Graphs are the subgraphs in join__Graph order.
	Graphs []*Graph
	// Types holds join metadata for every composite type of Schema.
	Types map[string]*Type
	// JoinVersion is the linked join spec version, e.g. "0.3".
	JoinVersion string
	// OverrideLabels lists the progressive override labels used anywhere, sorted.
	OverrideLabels []string
	// SDL is the source text, kept for hashing and for the playground.
	SDL string

	byEnum map[string]*Graph
	byName map[string]*Graph
	links  []link
	access access
}

// DirectiveName returns the name a linked spec's directive has in this supergraph (renamed
// with `as:` or imported), or "" when the spec is not linked. For example
// DirectiveName("cost", "listSize") is "listSize" when imported, else "cost__listSize".
func (s *Supergraph) DirectiveName(spec, name string) string {
	return directiveName(s.links, spec, name)
}

// Graph is one subgraph of the supergraph.
type Graph struct {
	Name string // as in @join__graph(name:)
	URL  string // routing URL
	Enum string // join__Graph enum value
}

// Type is the join metadata of one object, interface or union type.
type Type struct {
	Name string
	Kind ast.DefinitionKind
	// In says how each graph (by name) knows the type. A graph absent from In does not
	// know the type at all.
	In map[string]*TypeIn
	// Fields holds the per-graph availability of each field, by field name.
	Fields map[string]*Field
}

// TypeIn is how one graph knows a type.
type TypeIn struct {
	Keys            []*Key
	Extension       bool
	InterfaceObject bool
	// Implements lists the interfaces the type implements in this graph.
	Implements map[string]bool
	// Members lists a union's members in this graph.
	Members map[string]bool
}

// Key is one @key of a type in one graph.
type Key struct {
	Fields     string // the raw field set, e.g. "id organization { id }"
	Selection  ast.SelectionSet
	Resolvable bool
}

// Field is the per-graph availability of one field.
type Field struct {
	Name string
	In   map[string]*FieldIn
}

// FieldIn is one @join__field of a field (or the implicit one when the field has none).
type FieldIn struct {
	External       bool
	UsedOverridden bool
	// Requires and Provides are the parsed field sets; empty when absent.
	Requires    ast.SelectionSet
	RequiresRaw string
	Provides    ast.SelectionSet
	ProvidesRaw string
	// Type is the field's type in this graph when it differs from the supergraph's
	// (@join__field(type:)), e.g. "String!" where the supergraph says "String".
	Type string
	// Override names the graph the field was taken from (@override(from:)).
	Override string
	// OverrideLabel makes the override progressive: on the graph with Override set the field
	// is resolved here only when the label is active; on the graph without it, only when
	// the label is inactive.
	OverrideLabel string
}

// Graph returns the graph with the given subgraph name, or nil.
func (s *Supergraph) Graph(name string) *Graph { return s.byName[name] }

// Resolvable reports whether graph resolves typeName.fieldName as a plain field, given the
// active progressive-override labels. Key fields are resolvable wherever the key is declared.
func (s *Supergraph) Resolvable(graph, typeName, fieldName string, labels map[string]bool) bool {
	t := s.Types[typeName]
	if t == nil {
		return false
	}
	if fieldName == "__typename" {
		return t.In[graph] != nil
	}
	f := t.Fields[fieldName]
	if f == nil {
		return false
	}
	in := f.In[graph]
	if in == nil {
		return false
	}
	if in.OverrideLabel != "" {
		active := labels[in.OverrideLabel]
		if in.Override != "" && !active || in.Override == "" && active {
			return false
		}
	}
	if in.UsedOverridden {
		return false
	}
	if in.External {
		return s.isKeyField(graph, t, fieldName)
	}
	return true
}

func (s *Supergraph) isKeyField(graph string, t *Type, fieldName string) bool {
	ti := t.In[graph]
	if ti == nil {
		return false
	}
	for _, k := range ti.Keys {
		for _, sel := range k.Selection {
			if f, ok := sel.(*ast.Field); ok && f.Name == fieldName {
				return true
			}
		}
	}
	return false
}

// PossibleTypes returns the object types an abstract type may take in the API, in schema order
// of definition names (sorted), and the object type itself for an object.
func (s *Supergraph) PossibleTypes(typeName string) []string {
	def := s.Schema.Types[typeName]
	if def == nil {
		return nil
	}
	if def.Kind == ast.Object {
		return []string{typeName}
	}
	var out []string
	for _, p := range s.Schema.GetPossibleTypes(def) {
		out = append(out, p.Name)
	}
	return out
}

// PossibleIn reports whether graph can return an object of concrete type obj in a position of
// static type abstract: the graph must know obj as a member or implementation there.
func (s *Supergraph) PossibleIn(graph, abstract, obj string) bool {
	if abstract == obj {
		return s.Types[obj] != nil && s.Types[obj].In[graph] != nil
	}
	at := s.Types[abstract]
	ot := s.Types[obj]
	if at == nil || ot == nil || at.In[graph] == nil || ot.In[graph] == nil {
		return false
	}
	if at.Kind == ast.Union {
		return at.In[graph].Members[obj]
	}
	return ot.In[graph].Implements[abstract]
}
