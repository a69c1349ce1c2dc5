package planner

// maxJumpDepth bounds how many hops the cost estimate follows to gather one key or
// requirement (a key that needs a jump, whose key needs a jump, ...); deeper chains are
// treated as unreachable. Nesting in the query itself is not bounded here.
const maxJumpDepth = 6

type costKey struct {
	graph, typeName string
	field           *Field
	prov            *SelectionSet
	depth           int // the hop bound cuts deeper searches short: their results differ
}

type costResult struct {
	cost int
	ok   bool
}

// costFields estimates the number of extra fetches needed to resolve fields on typeName
// from graph; ok is false when some field cannot be reached at all.
func (b *builder) costFields(graph, typeName string, fields []*Field, prov *SelectionSet, depth int) (int, bool) {
	total := 0
	var pending []*Field
	for _, f := range fields {
		if f.Name == "__typename" {
			continue
		}
		if b.local(graph, typeName, f, prov) {
			if c, ok := b.costSub(graph, typeName, f, prov, depth); ok {
				total += c
				continue
			}
		}
		pending = append(pending, f)
	}
	// Jumps to one subgraph from one location share a fetch: count the fetch once.
	fetches := map[string]bool{}
	for _, f := range pending {
		if depth >= maxJumpDepth {
			return 0, false
		}
		choice, ok := b.chooseJump(graph, typeName, nil, f, prov, pending, depth+1)
		if !ok {
			return 0, false
		}
		total += choice.cost - 1
		fetches[choice.graph] = true
	}
	return total + len(fetches), true
}

// fieldCost estimates the cost of f from graph: its subtree when graph resolves f and can
// reach everything below it, else the cheapest jump to a subgraph that can.
func (b *builder) fieldCost(graph, typeName string, f *Field, prov *SelectionSet, depth int) (int, bool) {
	if b.local(graph, typeName, f, prov) {
		if c, ok := b.costSub(graph, typeName, f, prov, depth); ok {
			return c, true
		}
	}
	if depth >= maxJumpDepth {
		return 0, false
	}
	choice, ok := b.chooseJump(graph, typeName, nil, f, prov, nil, depth+1)
	return choice.cost, ok
}

// costSub estimates the cost of f's selection when f is resolved in graph.
func (b *builder) costSub(graph, typeName string, f *Field, prov *SelectionSet, depth int) (int, bool) {
	if f.Selection == nil {
		return 0, true
	}
	k := costKey{graph: graph, typeName: typeName, field: f, prov: prov, depth: depth}
	if r, ok := b.costMemo[k]; ok {
		return r.cost, r.ok
	}
	b.costMemo[k] = costResult{ok: false} // a cycle through f is unreachable
	child := b.childProv(graph, typeName, f, prov)
	c, ok := b.costSelection(graph, f.Selection, child, depth)
	b.costMemo[k] = costResult{cost: c, ok: ok}
	return c, ok
}

func (b *builder) costSelection(graph string, sel *SelectionSet, prov *SelectionSet, depth int) (int, bool) {
	if !sel.Abstract() {
		return b.costFields(graph, sel.Type, sel.Cases[0].Fields, prov, depth)
	}
	if t := b.sg.Types[sel.Type]; t != nil && t.In[graph] != nil && t.In[graph].InterfaceObject {
		return 1, true
	}
	total := 0
	for _, c := range sel.Cases {
		if !b.sg.PossibleIn(graph, sel.Type, c.Type) {
			continue
		}
		n, ok := b.costFields(graph, c.Type, c.Fields, prov, depth)
		if !ok {
			return 0, false
		}
		total += n
	}
	return total, true
}
