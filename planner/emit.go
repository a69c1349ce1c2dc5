package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// emit turns the steps into plan nodes, per mutation group (one group for a query): waves
// with batching by default, or a tree with Options.Tree.
func (b *builder) emit(op *Operation) *Plan {
	done := map[*step]bool{}
	var groups []*Node
	for g := 0; g <= b.group; g++ {
		var set []*step
		for _, s := range b.steps {
			if s.group == g {
				set = append(set, s)
			}
		}
		var n *Node
		if b.tree {
			n = b.emitSet(op, set, done)
		} else {
			n = b.emitWaves(op, set)
		}
		if n != nil {
			groups = append(groups, n)
		}
		for _, s := range set {
			done[s] = true
		}
	}
	return &Plan{Node: wrap(KindSequence, flatten(groups))}
}

// emitWaves emits set as a Sequence of waves: a step's wave is one more than the latest wave
// of the steps it needs. In a wave, entity fetches to one subgraph become one Batch.
func (b *builder) emitWaves(op *Operation, set []*step) *Node {
	level := map[*step]int{}
	var depth func(s *step) int
	depth = func(s *step) int {
		if l, ok := level[s]; ok {
			return l
		}
		l := 0
		for d := range s.deps {
			l = max(l, depth(d)+1)
		}
		level[s] = l
		return l
	}
	last := 0
	for _, s := range set {
		last = max(last, depth(s))
	}
	joinLaterBatches(set, level, last)
	waves := make([][]*step, last+1)
	for _, s := range set {
		waves[level[s]] = append(waves[level[s]], s)
	}
	var seq []*Node
	for _, wave := range waves {
		var par []*Node
		for _, same := range bySubgraph(wave) {
			par = append(par, b.batchNode(op, same))
		}
		seq = append(seq, wrap(KindParallel, par))
	}
	return wrap(KindSequence, seq)
}

// joinLaterBatches moves an entity step that would be its subgraph's only request in its
// wave into a later wave that already sends entity fetches to that subgraph, when no step
// that needs it runs before then: it rides in that wave's Batch, so the plan makes one
// subgraph request fewer and has no more waves. The earliest such wave is taken. In the
// benchmark query, inventory's fetch for topProducts joins the last wave's inventory
// Batch: 6 requests instead of 7.
func joinLaterBatches(set []*step, level map[*step]int, last int) {
	type sending struct {
		wave  int
		graph string
	}
	sends := map[sending]int{}
	needers := map[*step][]*step{}
	for _, s := range set {
		if !s.root {
			sends[sending{level[s], s.graph}]++
		}
		for d := range s.deps {
			needers[d] = append(needers[d], s)
		}
	}
	for _, s := range set {
		if s.root || sends[sending{level[s], s.graph}] > 1 {
			continue
		}
		latest := last
		for _, n := range needers[s] {
			latest = min(latest, level[n]-1)
		}
		for w := level[s] + 1; w <= latest; w++ {
			if sends[sending{w, s.graph}] > 0 {
				sends[sending{level[s], s.graph}]--
				sends[sending{w, s.graph}]++
				level[s] = w
				break
			}
		}
	}
}

// bySubgraph groups a wave's steps: root fetches alone, entity fetches per subgraph, in
// creation order.
func bySubgraph(wave []*step) [][]*step {
	var out [][]*step
	index := map[string]int{}
	for _, s := range wave {
		if s.root {
			out = append(out, []*step{s})
			continue
		}
		if i, ok := index[s.graph]; ok {
			out[i] = append(out[i], s)
			continue
		}
		index[s.graph] = len(out)
		out = append(out, []*step{s})
	}
	return out
}

// batchNode emits one step as it is, or several entity steps to one subgraph as a Batch.
func (b *builder) batchNode(op *Operation, steps []*step) *Node {
	if len(steps) == 1 {
		return b.fetchNode(op, steps[0])
	}
	n := &Node{Kind: KindBatch}
	for _, s := range steps {
		n.Nodes = append(n.Nodes, b.fetchNode(op, s))
	}
	n.Fetch = batchFetch(op, steps, n.Nodes)
	return n
}

// batchFetch writes the combined operation of a Batch's Flatten parts: one aliased
// _entities field per part, each with its own representations variable.
func batchFetch(op *Operation, steps []*step, parts []*Node) *Fetch {
	prefix := batchVariablePrefix(op, len(parts))
	f := &Fetch{Service: steps[0].graph}
	used := map[string]bool{}
	var decl, body strings.Builder
	for i, part := range parts {
		pf := part.Node.Fetch
		bp := BatchPart{Alias: fmt.Sprintf("_e%d", i), Variable: fmt.Sprintf("%s%d", prefix, i)}
		f.Batch = append(f.Batch, bp)
		fmt.Fprintf(&decl, "$%s:[_Any!]!,", bp.Variable)
		fmt.Fprintf(&body, "%s:_entities(representations:$%s)", bp.Alias, bp.Variable)
		steps[i].sel.write(&body)
		body.WriteByte(' ')
		for _, v := range pf.Variables {
			used[v] = true
		}
	}
	for _, v := range op.Variables {
		if used[v.Variable] {
			f.Variables = append(f.Variables, v.Variable)
			fmt.Fprintf(&decl, "$%s:%s,", v.Variable, v.Type.String())
		}
	}
	f.Operation = "query(" + strings.TrimSuffix(decl.String(), ",") + "){" + strings.TrimSpace(body.String()) + "}"
	return f
}

// batchVariablePrefix picks a prefix p such that no client variable is named p0..p(n-1).
func batchVariablePrefix(op *Operation, n int) string {
	return freeName("r", func(prefix string) bool {
		for i := 0; i < n; i++ {
			if op.Variables.ForName(fmt.Sprintf("%s%d", prefix, i)) != nil {
				return true
			}
		}
		return false
	})
}

// emitSet emits the steps of set, given that the steps in done have run.
func (b *builder) emitSet(op *Operation, set []*step, done map[*step]bool) *Node {
	if len(set) == 0 {
		return nil
	}
	var ready, rest []*step
	for _, s := range set {
		if depsIn(s, done, nil) {
			ready = append(ready, s)
		} else {
			rest = append(rest, s)
		}
	}
	claimed := map[*step]bool{}
	var branches []*Node
	for _, r := range ready {
		sub := branch(r, rest, done, claimed)
		inner := copyDone(done)
		inner[r] = true
		node := b.fetchNode(op, r)
		if n := b.emitSet(op, sub, inner); n != nil {
			node = &Node{Kind: KindSequence, Nodes: flatten([]*Node{node, n})}
		}
		branches = append(branches, node)
	}
	par := wrap(KindParallel, branches)
	var left []*step
	for _, s := range rest {
		if !claimed[s] {
			left = append(left, s)
		}
	}
	if len(left) == 0 {
		return par
	}
	after := copyDone(done)
	for _, s := range set {
		if !slices.Contains(left, s) {
			after[s] = true
		}
	}
	return &Node{Kind: KindSequence, Nodes: flatten([]*Node{par, b.emitSet(op, left, after)})}
}

// branch collects the steps of rest that depend on r (directly or through each other) and
// otherwise only on done: they can run right after r, whatever else is running.
func branch(r *step, rest []*step, done, claimed map[*step]bool) []*step {
	in := map[*step]bool{r: true}
	var out []*step
	for changed := true; changed; {
		changed = false
		for _, s := range rest {
			if claimed[s] || in[s] || !depsIn(s, done, in) {
				continue
			}
			in[s], claimed[s], changed = true, true, true
			out = append(out, s)
		}
	}
	// Keep creation order: it makes plans stable.
	slices.SortFunc(out, func(a, b *step) int { return a.id - b.id })
	return out
}

// depsIn reports whether every dependency of s is in a or b.
func depsIn(s *step, a, b map[*step]bool) bool {
	for d := range s.deps {
		if !a[d] && !b[d] {
			return false
		}
	}
	return true
}

func copyDone(m map[*step]bool) map[*step]bool {
	out := make(map[*step]bool, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// wrap returns nil for no nodes, the node itself for one, else a node of kind holding them.
func wrap(kind string, nodes []*Node) *Node {
	switch len(nodes) {
	case 0:
		return nil
	case 1:
		return nodes[0]
	}
	return &Node{Kind: kind, Nodes: nodes}
}

// flatten inlines nested Sequences into their parent Sequence.
func flatten(nodes []*Node) []*Node {
	var out []*Node
	for _, n := range nodes {
		if n.Kind == KindSequence {
			out = append(out, n.Nodes...)
		} else {
			out = append(out, n)
		}
	}
	return out
}

func (b *builder) fetchNode(op *Operation, s *step) *Node {
	rewrites := b.separateConflicts(s)
	seen := map[string]bool{}
	s.sel.variables(seen)
	var vars []string
	var decl strings.Builder
	repVar := ""
	if !s.root {
		repVar = representationsVariable(op)
		decl.WriteString("$" + repVar + ":[_Any!]!")
	}
	for _, v := range op.Variables {
		if !seen[v.Variable] {
			continue
		}
		vars = append(vars, v.Variable)
		if decl.Len() > 0 {
			decl.WriteByte(',')
		}
		decl.WriteString("$" + v.Variable + ":" + v.Type.String())
	}
	var text strings.Builder
	kind := "query"
	if s.root && op.Kind == ast.Mutation {
		kind = "mutation"
	}
	text.WriteString(kind)
	if decl.Len() > 0 {
		text.WriteString("(" + decl.String() + ")")
	}
	if s.root {
		s.sel.write(&text)
	} else {
		text.WriteString("{_entities(representations:$" + repVar + ")")
		s.sel.write(&text)
		text.WriteByte('}')
	}
	f := &Fetch{Service: s.graph, Operation: text.String(), Variables: vars, RepresentationsVariable: repVar, Rewrites: rewrites}
	for _, r := range s.reqs {
		r.Text = requirementText(r)
		f.Requires = append(f.Requires, r)
	}
	n := &Node{Kind: KindFetch, Fetch: f}
	if s.root {
		for _, it := range s.sel.items {
			if it.name != "" && it.name != "__typename" {
				f.Fields = append(f.Fields, it.alias)
			}
		}
		return n
	}
	return &Node{Kind: KindFlatten, Path: s.path, Node: n}
}

// representationsVariable picks a variable name for the representations that no client
// variable of op uses.
func representationsVariable(op *Operation) string {
	return freeName("representations", func(name string) bool { return op.Variables.ForName(name) != nil })
}

// requirementText prints a requirement as the subgraph sees it: names, not internal aliases.
func requirementText(r *Requirement) string {
	var b strings.Builder
	b.WriteString("{... on ")
	b.WriteString(r.SendAs)
	b.WriteString("{__typename")
	writeRepFields(&b, r.Fields)
	b.WriteString("}}")
	return b.String()
}

func writeRepFields(b *strings.Builder, fields []*Field) {
	for _, f := range fields {
		if f.Name == "__typename" {
			continue
		}
		b.WriteByte(' ')
		b.WriteString(f.Name)
		writeArgs(b, f.Arguments)
		if f.Selection == nil {
			continue
		}
		b.WriteByte('{')
		if f.Selection.Abstract() {
			b.WriteString("__typename")
			for _, c := range f.Selection.Cases {
				b.WriteString(" ... on " + c.Type + "{")
				writeRepFields(b, c.Fields)
				b.WriteByte('}')
			}
		} else {
			writeRepFields(b, f.Selection.Cases[0].Fields)
		}
		b.WriteByte('}')
	}
}
