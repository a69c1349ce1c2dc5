package planner

import (
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// emit turns the steps into plan nodes. Each fetch is followed (in a Sequence) by the fetches
// that need only it and what ran before it, so unrelated branches never wait for each other;
// a fetch that needs several branches runs after the Parallel holding them. Mutation groups
// run one after another.
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
		if n := b.emitSet(op, set, done); n != nil {
			groups = append(groups, n)
		}
		for _, s := range set {
			done[s] = true
		}
	}
	return &Plan{Node: wrap(KindSequence, flatten(groups))}
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
		if !containsStep(left, s) {
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

func containsStep(list []*step, s *step) bool {
	return slices.Contains(list, s)
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
		return n
	}
	return &Node{Kind: KindFlatten, Path: s.path, Node: n}
}

// representationsVariable picks a variable name for the representations that no client
// variable of op uses.
func representationsVariable(op *Operation) string {
	name := "representations"
	for op.Variables.ForName(name) != nil {
		name += "_"
	}
	return name
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
