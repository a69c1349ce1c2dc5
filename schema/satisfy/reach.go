package satisfy

import (
	"slices"

	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2/ast"
)

// local is how a subgraph resolves a field by itself: through its own @join__field (in) or
// through a @provides on the path (provided).
type local struct {
	in       *supergraph.FieldIn
	provided *ast.Field
}

// direct returns how graph g resolves typeName.name without leaving the subgraph, given the
// provided selection prov, and false when it cannot: the field is absent, @external (and no
// key field there), or overridden away. Progressive override labels are left to the caller.
func (c *checker) direct(typeName string, g int, prov int32, name string) (local, bool) {
	if pf := c.provided(prov, typeName, name); pf != nil {
		return local{provided: pf}, true
	}
	t := c.sg.Types[typeName]
	if t == nil || t.Fields[name] == nil {
		return local{}, false
	}
	in := t.Fields[name].In[c.graphs[g]]
	if in == nil || in.UsedOverridden {
		return local{}, false
	}
	if in.External && !keyField(t, c.graphs[g], name) {
		return local{}, false
	}
	return local{in: in}, true
}

// keyField reports whether name is a top-level field of a key of t in graph: a key field is
// resolvable where the key is declared even when marked @external (Federation 1).
func keyField(t *supergraph.Type, graph, name string) bool {
	ti := t.In[graph]
	if ti == nil {
		return false
	}
	for _, k := range ti.Keys {
		for _, s := range k.Selection {
			if f, ok := s.(*ast.Field); ok && f.Name == name {
				return true
			}
		}
	}
	return false
}

// requires is the @requires selection of a local resolution, nil when none applies.
func (l local) requires() ast.SelectionSet {
	if l.in == nil {
		return nil
	}
	return l.in.Requires
}

// childProv is what @provides makes resolvable below the field resolved by l in graph g.
func (c *checker) childProv(l local) int32 {
	if l.provided != nil {
		return c.provID(l.provided.SelectionSet)
	}
	if l.in != nil {
		return c.provID(l.in.Provides)
	}
	return 0
}

type closureKey struct {
	typ   string
	graph int
	prov  int32
}

// closure returns the subgraphs a path in graph x at typeName can move to through resolvable
// @key jumps, x first then in graph order. A jump into h is possible when one of h's
// resolvable keys can be collected from the subgraphs already reached (the @provides only
// from x itself: it holds along the edge that led there). Memoized.
func (c *checker) closure(typeName string, x int, prov int32) []int {
	k := closureKey{typeName, x, prov}
	if r, ok := c.closures[k]; ok {
		return r
	}
	if c.busy[k] {
		c.cuts++ // a key selection needs this very closure: use x alone, do not memoize above
		return []int{x}
	}
	c.busy[k] = true
	cuts := c.cuts
	c.spend(1)
	reached := []int{x}
	in := make([]bool, len(c.graphs))
	in[x] = true
	t := c.sg.Types[typeName]
	hosts := c.enterable(typeName)
	for changed := t != nil; changed; {
		changed = false
		c.spend(len(hosts))
		for _, h := range hosts {
			if !in[h] && c.canEnter(t, h, reached, x, prov) {
				reached, in[h], changed = append(reached, h), true, true
			}
		}
	}
	delete(c.busy, k)
	if c.cuts == cuts {
		c.closures[k] = reached
	}
	return reached
}

// enterable lists, in graph order, the subgraphs with a resolvable key for typeName: the
// only ones a key jump can enter. Memoized: a closure round tries these, not every subgraph.
func (c *checker) enterable(typeName string) []int {
	if out, ok := c.hosts[typeName]; ok {
		return out
	}
	c.spend(1 + len(c.graphs)/16)
	var out []int
	if t := c.sg.Types[typeName]; t != nil {
		for h, name := range c.graphs {
			if ti := t.In[name]; ti != nil && slices.ContainsFunc(ti.Keys, func(k *supergraph.Key) bool { return k.Resolvable }) {
				out = append(out, h)
			}
		}
	}
	c.hosts[typeName] = out
	return out
}

// canEnter reports whether one of h's resolvable keys for t can be collected from reached.
func (c *checker) canEnter(t *supergraph.Type, h int, reached []int, x int, prov int32) bool {
	ti := t.In[c.graphs[h]]
	if ti == nil {
		return false
	}
	for _, key := range ti.Keys {
		if key.Resolvable && c.keyFrom(t.Name, key.Selection, reached, x, prov) {
			return true
		}
	}
	return false
}

// keyFrom reports whether every field of a key selection on typeName is resolvable by one of
// the reached subgraphs, its sub-selection included. Key fields never carry @requires.
func (c *checker) keyFrom(typeName string, sel ast.SelectionSet, reached []int, x int, prov int32) bool {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name == "__typename" {
				continue
			}
			if !c.someResolves(typeName, s, reached, x, prov) {
				return false
			}
		case *ast.InlineFragment:
			cond := s.TypeCondition
			if cond == "" {
				cond = typeName
			}
			if !c.keyFrom(cond, s.SelectionSet, reached, x, prov) {
				return false
			}
		}
	}
	return true
}

func (c *checker) someResolves(typeName string, f *ast.Field, reached []int, x int, prov int32) bool {
	for i, y := range reached {
		p := provHere(y, x, prov)
		l, ok := c.direct(typeName, y, p, f.Name)
		if !ok || len(l.requires()) > 0 {
			continue
		}
		if len(f.SelectionSet) == 0 || c.canCollect(c.fieldType(typeName, f.Name), y, c.childProv(l), f.SelectionSet) {
			c.spend(i + 1)
			return true
		}
	}
	c.spend(len(reached))
	return false
}

// provHere is the provided selection valid in graph y for a path that came to x with prov.
func provHere(y, x int, prov int32) int32 {
	if y == x {
		return prov
	}
	return 0
}

type collectKey struct {
	typ   string
	graph int
	prov  int32
	sel   *ast.Selection
}

// canCollect reports whether the field set sel on typeName can be fetched for a path in
// graph from: each field by a subgraph reachable through keys, with its own @requires
// collected from the same place. It decides @requires conditions and nested key fields.
// A condition that needs itself (a requires b requires a) is not satisfiable through
// that cycle.
func (c *checker) canCollect(typeName string, from int, prov int32, sel ast.SelectionSet) bool {
	if len(sel) == 0 {
		return true
	}
	k := collectKey{typeName, from, prov, &sel[0]}
	if r, ok := c.collected[k]; ok {
		return r
	}
	if c.cut {
		return true // out of budget: never report an error the search did not prove
	}
	if c.collecting[k] {
		c.cuts++
		return false
	}
	c.collecting[k] = true
	cuts := c.cuts
	c.spend(1)
	r := c.missing(typeName, from, prov, sel) == ""
	delete(c.collecting, k)
	if c.cuts == cuts {
		c.collected[k] = r
	}
	return r
}

// missing returns the coordinate of the first field of sel that cannot be collected, or "".
func (c *checker) missing(typeName string, from int, prov int32, sel ast.SelectionSet) string {
	reached := c.closure(typeName, from, prov)
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name != "__typename" && !c.collectField(typeName, from, prov, s, reached) {
				return typeName + "." + s.Name
			}
		case *ast.InlineFragment:
			if m := c.missingInFragment(typeName, from, prov, s); m != "" {
				return m
			}
		}
	}
	return ""
}

func (c *checker) collectField(typeName string, from int, prov int32, f *ast.Field, reached []int) bool {
	for i, y := range reached {
		l, ok := c.direct(typeName, y, provHere(y, from, prov), f.Name)
		if !ok {
			continue
		}
		if req := l.requires(); len(req) > 0 && !c.canCollect(typeName, from, prov, req) {
			continue
		}
		if len(f.SelectionSet) == 0 || c.canCollect(c.fieldType(typeName, f.Name), y, c.childProv(l), f.SelectionSet) {
			c.spend(i + 1)
			return true
		}
	}
	c.spend(len(reached))
	return false
}

// missingInFragment checks `... on T { }` inside a condition: on the type itself or a type
// containing it, the selection applies as is; on a possible type of an abstract typeName, only
// if the subgraph can return that type (otherwise nothing is required of it).
func (c *checker) missingInFragment(typeName string, from int, prov int32, f *ast.InlineFragment) string {
	cond := f.TypeCondition
	switch {
	case cond == "" || cond == typeName || c.abstractHas(cond, typeName):
		return c.missing(typeName, from, prov, f.SelectionSet)
	case c.abstractHas(typeName, cond) && c.sg.PossibleIn(c.graphs[from], typeName, cond):
		if !c.canCollect(cond, from, prov, f.SelectionSet) {
			return cond + "." + firstField(f.SelectionSet)
		}
	}
	return ""
}

func firstField(sel ast.SelectionSet) string {
	for _, s := range sel {
		if f, ok := s.(*ast.Field); ok {
			return f.Name
		}
	}
	return "__typename"
}

// fieldType is the named type of typeName.name in the full supergraph schema.
func (c *checker) fieldType(typeName, name string) string {
	def := c.sg.Schema.Types[typeName]
	if def == nil {
		return ""
	}
	if fd := def.Fields.ForName(name); fd != nil {
		return fd.Type.Name()
	}
	return ""
}
