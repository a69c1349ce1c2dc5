package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2/ast"
)

// jumpChoice is a subgraph that resolves a field the current one cannot, and the key to
// reach it with.
type jumpChoice struct {
	graph string
	key   *supergraph.Key
	cost  int
}

// jump resolves f through another subgraph: the key (and f's @requires) is planned at the
// current location first, then an entity fetch to the chosen subgraph resolves f.
func (b *builder) jump(s *step, into *fset, typeName string, path []string, f *Field, prov *SelectionSet, siblings []*Field, used map[*step]bool) error {
	choice, ok := b.chooseJump(s.graph, typeName, path, f, prov, siblings, 0)
	if !ok {
		return fmt.Errorf("cannot plan %s.%s: subgraph %q does not resolve it and no subgraph that does is reachable through a @key", typeName, f.Name, s.graph)
	}
	guard := choice.graph + "|" + locKey(path, typeName)
	if b.jumping[guard] {
		return fmt.Errorf("cannot plan %s.%s: reaching subgraph %q needs a field only that subgraph resolves", typeName, f.Name, choice.graph)
	}
	b.jumping[guard] = true
	defer delete(b.jumping, guard)

	req := b.requirement(choice.graph, typeName, choice.key, f)
	req = b.aliasRequirement(path, typeName, req)
	into.field("__typename", "__typename", nil)
	reqUsed := map[*step]bool{}
	if err := b.planFields(s, into, typeName, path, req, prov, reqUsed); err != nil {
		return err
	}
	sendAs := b.typeCondition(choice.graph, typeName)
	stepPath := path
	if sendAs == typeName {
		// Entities of several types at one path share a fetch. Not when they are sent as
		// one interface: the subgraph could not tell which fields each type asked for.
		stepPath = entityPath(path)
	}
	child := b.entityStep(choice.graph, stepPath, reqUsed, typeName, req)
	child.addRequirement(typeName, sendAs, req, keyAliases(b.keySet(typeName, choice.key), req))
	return b.placeLocal(child, child.sel.fragment(sendAs), typeName, path, f, nil, used)
}

// entityPath drops a trailing type filter: the fetch's requirements already select objects
// by __typename, and without the filter entities of several types at one path share a fetch.
func entityPath(path []string) []string {
	if n := len(path); n > 0 && strings.HasPrefix(path[n-1], "|") {
		return path[:n-1]
	}
	return path
}

// requirement is the key plus f's @requires in graph, normalized on typeName.
func (b *builder) requirement(graph, typeName string, key *supergraph.Key, f *Field) []*Field {
	var out []*Field
	if ks := b.keySet(typeName, key); ks != nil {
		out = mergeFields(out, ks.Cases[0].Fields)
	}
	in := b.sg.Types[typeName].Fields[f.Name].In[graph]
	if len(in.Requires) > 0 {
		if rs := b.normalizedSet(typeName, in.RequiresRaw, in.Requires); rs != nil {
			out = mergeFields(out, rs.Cases[0].Fields)
		}
	}
	return out
}

// chooseJump picks the cheapest subgraph and key to resolve f from graph from. Ties go to the
// subgraph that also resolves most of the siblings that need a jump too (one fetch for all),
// then to one already fetched at this path, then to supergraph order.
func (b *builder) chooseJump(from, typeName string, path []string, f *Field, prov *SelectionSet, siblings []*Field, depth int) (jumpChoice, bool) {
	var best jumpChoice
	found := false
	bestScore := 0
	t := b.sg.Types[typeName]
	if t == nil {
		return best, false
	}
	for _, g := range b.sg.Graphs {
		in := t.In[g.Name]
		if in == nil || !b.sg.Resolvable(g.Name, typeName, f.Name, b.labels) {
			continue
		}
		fin := t.Fields[f.Name].In[g.Name]
		if g.Name == from && len(fin.Requires) == 0 {
			continue
		}
		sub, ok := b.costSub(g.Name, typeName, f, nil, 0) // f's selection nests in the query, it is no hop
		if !ok {
			continue
		}
		rc := 0
		if len(fin.Requires) > 0 {
			rs := b.normalizedSet(typeName, fin.RequiresRaw, fin.Requires)
			if rs == nil {
				continue
			}
			if rc, ok = b.costFields(from, typeName, rs.Cases[0].Fields, prov, depth+1); !ok {
				continue
			}
		}
		for _, k := range in.Keys {
			if !k.Resolvable {
				continue
			}
			ks := b.keySet(typeName, k)
			if ks == nil {
				continue
			}
			kc, ok := b.costFields(from, typeName, ks.Cases[0].Fields, prov, depth+1)
			if !ok {
				continue
			}
			cost := 1 + kc + rc + sub
			score := cost*100 - 10*b.resolvesCount(g.Name, typeName, siblings)
			if path != nil && b.findStep(g.Name, path) {
				score--
			}
			if !found || score < bestScore {
				best, bestScore, found = jumpChoice{graph: g.Name, key: k, cost: cost}, score, true
			}
		}
	}
	return best, found
}

// resolvesCount counts the fields graph resolves on typeName.
func (b *builder) resolvesCount(graph, typeName string, fields []*Field) int {
	n := 0
	for _, f := range fields {
		if b.sg.Resolvable(graph, typeName, f.Name, b.labels) {
			n++
		}
	}
	return n
}

// typeCondition is the type name graph knows typeName by: the interface name when graph
// has it only through an @interfaceObject.
func (b *builder) typeCondition(graph, typeName string) string {
	t := b.sg.Types[typeName]
	if t == nil || t.Kind != ast.Object {
		return typeName
	}
	in := t.In[graph]
	if in == nil || !in.InterfaceObject {
		return typeName
	}
	// The first interface by name: a type filed under two interface objects of one graph
	// is sent as the same one every time.
	var ifaces []string
	for iface := range in.Implements {
		ifaces = append(ifaces, iface)
	}
	if len(ifaces) == 0 {
		return typeName
	}
	return slices.Min(ifaces)
}

// interfaceOwner finds a subgraph that has iface as a real interface with a resolvable key
// whose fields graph can provide.
func (b *builder) interfaceOwner(graph string, iface *supergraph.Type) (string, *supergraph.Key) {
	for _, g := range b.sg.Graphs {
		in := iface.In[g.Name]
		if in == nil || in.InterfaceObject {
			continue
		}
		for _, k := range in.Keys {
			if !k.Resolvable {
				continue
			}
			ks := b.keySet(iface.Name, k)
			if ks == nil {
				continue
			}
			if _, ok := b.costFields(graph, iface.Name, ks.Cases[0].Fields, nil, 1); ok {
				return g.Name, k
			}
		}
	}
	return "", nil
}
