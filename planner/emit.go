package planner

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// emit turns the steps into plan nodes: per mutation group (one group for queries), the
// steps in waves by dependency depth, each wave a Parallel. Waves are simple and make
// batching obvious; their cost is that a fetch waits for every fetch of the previous wave,
// not only for the ones it needs (docs/planning.md).
func (b *builder) emit(op *Operation) *Plan {
	level := map[*step]int{}
	var depth func(s *step) int
	depth = func(s *step) int {
		if l, ok := level[s]; ok {
			return l
		}
		l := 0
		for d := range s.deps {
			if dl := depth(d) + 1; dl > l {
				l = dl
			}
		}
		level[s] = l
		return l
	}
	var groups []*Node
	for g := 0; g <= b.group; g++ {
		var waves [][]*step
		for _, s := range b.steps {
			if s.group != g {
				continue
			}
			l := depth(s)
			for len(waves) <= l {
				waves = append(waves, nil)
			}
			waves[l] = append(waves[l], s)
		}
		var seq []*Node
		for _, w := range waves {
			var par []*Node
			for _, s := range w {
				par = append(par, b.fetchNode(op, s))
			}
			seq = append(seq, wrap(KindParallel, par))
		}
		if n := wrap(KindSequence, seq); n != nil {
			groups = append(groups, n)
		}
	}
	return &Plan{Node: wrap(KindSequence, flatten(groups))}
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
	seen := map[string]bool{}
	s.sel.variables(seen)
	var vars []string
	var decl strings.Builder
	if !s.root {
		decl.WriteString("$representations:[_Any!]!")
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
		text.WriteString("{_entities(representations:$representations)")
		s.sel.write(&text)
		text.WriteByte('}')
	}
	f := &Fetch{Service: s.graph, Operation: text.String(), Variables: vars}
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
