package planner

import (
	"slices"
)

// Rewrite renames a key in a fetch's result before it is merged: in the objects at Path
// (relative to the fetch's data, or to each entity of an entity fetch), the value under From
// moves to To.
type Rewrite struct {
	Path []string `json:"path,omitempty"`
	From string   `json:"from"`
	To   string   `json:"to"`
}

// separateConflicts gives an internal alias to a field of a type-conditioned fragment whose
// response key another fragment of the same selection uses with a different type in this
// subgraph (e.g. Book.title: String! and Movie.title: String): the subgraph would refuse the
// operation, although for clients the supergraph types agree. A rewrite moves the value back
// under the client's key. Apollo's planner does the same.
func (b *builder) separateConflicts(s *step) []Rewrite {
	var out []Rewrite
	root := "_Entity"
	if s.root {
		root = b.rootTypeName()
	}
	b.separateIn(s.graph, s.sel, root, nil, &out)
	return out
}

func (b *builder) separateIn(graph string, set *fset, typeName string, path []string, out *[]Rewrite) {
	types := map[string]string{} // response key -> type in the subgraph, first seen
	for _, it := range set.items {
		if it.name != "" {
			types[it.alias] = b.subgraphType(graph, typeName, it.name)
		}
	}
	for _, it := range set.items {
		if it.name == "" {
			b.separateFragment(graph, it, path, types, out)
		}
	}
	for _, it := range set.items {
		switch {
		case it.name == "" && it.sub != nil:
			b.separateIn(graph, it.sub, it.on, append(slices.Clone(path), "|["+it.on+"]"), out)
		case it.sub != nil:
			b.separateIn(graph, it.sub, b.fieldTypeName(typeName, it.name), b.fieldPath(path, typeName, it), out)
		}
	}
}

// separateFragment renames the fields of one fragment that clash with keys seen before.
func (b *builder) separateFragment(graph string, frag *fsel, path []string, types map[string]string, out *[]Rewrite) {
	for _, f := range frag.sub.items {
		if f.name == "" || f.name == "__typename" {
			continue
		}
		typ := b.subgraphType(graph, frag.on, f.name)
		have, seen := types[f.alias]
		if !seen {
			types[f.alias] = typ
			continue
		}
		if have == typ {
			continue
		}
		to := f.alias
		f.alias = freeName("trellis_"+to, func(name string) bool {
			return slices.ContainsFunc(frag.sub.items, func(it *fsel) bool { return it.alias == name })
		})
		frag.sub.field("__typename", "__typename", nil)
		*out = append(*out, Rewrite{Path: append(slices.Clone(path), "|["+frag.on+"]"), From: f.alias, To: to})
	}
}

// subgraphType is the type of typeName.field in graph, as @join__field(type:) records it.
func (b *builder) subgraphType(graph, typeName, field string) string {
	if t := b.sg.Types[typeName]; t != nil && t.Fields[field] != nil {
		if in := t.Fields[field].In[graph]; in != nil && in.Type != "" {
			return in.Type
		}
	}
	if def := b.sg.Schema.Types[typeName]; def != nil {
		if fd := def.Fields.ForName(field); fd != nil {
			return fd.Type.String()
		}
	}
	return ""
}

func (b *builder) fieldTypeName(typeName, field string) string {
	if def := b.sg.Schema.Types[typeName]; def != nil {
		if fd := def.Fields.ForName(field); fd != nil {
			return fd.Type.Name()
		}
	}
	return ""
}

// fieldPath extends a relative path with a field's response key and its list levels.
func (b *builder) fieldPath(path []string, typeName string, it *fsel) []string {
	out := append(slices.Clone(path), it.alias)
	if def := b.sg.Schema.Types[typeName]; def != nil {
		if fd := def.Fields.ForName(it.name); fd != nil {
			for t := fd.Type; t != nil && t.Elem != nil; t = t.Elem {
				out = append(out, "@")
			}
		}
	}
	return out
}

func (b *builder) rootTypeName() string {
	if def := rootType(b.sg.Schema, b.kind); def != nil {
		return def.Name
	}
	return "Query"
}
