package executor

import (
	"strings"

	"github.com/trellis-gql/trellis/executor/tree"
	"github.com/trellis-gql/trellis/planner"
	"github.com/vektah/gqlparser/v2/ast"
)

// target is an object at a Flatten path that an entity fetch resolves.
type target struct {
	obj *tree.Object
	at  int // where the list indices of its response path start in execution.indices
	rep int // index of its representation in the _entities call
}

// representations finds the objects at each part's Flatten path and builds their
// representations, one per distinct entity. The paths are walked together, so a prefix they
// share (a batch's parts often do) is walked once. An object whose representation cannot be
// built (null entity, missing or null key, a type the fetch does not handle) is skipped,
// never sent half-made. e.mu held.
func (e *execution) representations(parts []*part) {
	// The parts write into one buffer, one at a time as the walk meets their objects, and
	// their targets go into one list, spread over the parts afterwards: one allocation
	// (and its growth) each, not one per part.
	buf := make([]byte, 0, 512)
	reps := make([]repBuilder, len(parts))
	for i := range reps {
		reps[i].buf = &buf
	}
	found := e.arena.found[:0] // only until spreadTargets: the arena's, reused
	w := walker{indices: &e.arena.indices}
	w.fn = func(i int, obj *tree.Object, at int) {
		typename, _ := obj.Get("__typename").(string)
		req := e.requirementFor(parts[i].fetch, typename)
		if req == nil {
			return
		}
		idx, ok := reps[i].add(req, obj)
		if !ok {
			return
		}
		found = append(found, partTarget{i, target{obj: obj, at: at, rep: idx}})
		reps[i].targets++
	}
	paths := make([][]string, len(parts))
	for i, p := range parts {
		paths[i] = p.path
	}
	w.walk(e.data, newPathTrie(paths))
	spreadTargets(parts, reps, found, &e.arena.targets)
	clear(found)
	e.arena.found = found[:0]
	spreadReps(parts, reps)
}

// partTarget is a target of part i.
type partTarget struct {
	part int
	target
}

// spreadTargets gives each part its targets, in the order found, from one slice of bl.
func spreadTargets(parts []*part, reps []repBuilder, found []partTarget, bl *blocks[target]) {
	all := carve(bl, nil, len(found), min(max(64, 2*cap(bl.cur)), maxMemberBlock))[:len(found)]
	for i, p := range parts {
		n := reps[i].targets
		p.targets, all = all[:0:n], all[n:]
	}
	for _, f := range found {
		parts[f.part].targets = append(parts[f.part].targets, f.target)
	}
}

// spreadReps gives each part its representations, from one array.
func spreadReps(parts []*part, reps []repBuilder) {
	n := 0
	for _, b := range reps {
		n += len(b.kept)
	}
	all := make([][]byte, n)
	for i, p := range parts {
		k := len(reps[i].kept)
		p.reps, all = all[:k:k], all[k:]
		for j, r := range reps[i].kept {
			p.reps[j] = r.rep
		}
	}
}

// requirementFor finds the requirement for an object of concrete type typename: the one
// naming that type, else one naming an interface it implements (fields the planner placed
// on the interface itself, fetched for every implementation at once).
func (e *execution) requirementFor(f *planner.Fetch, typename string) *planner.Requirement {
	var iface *planner.Requirement
	for _, r := range f.Requires {
		switch {
		case r.Typename == typename:
			return r
		case iface == nil && e.implements(typename, r.Typename):
			iface = r
		}
	}
	return iface
}

// implements reports whether object type obj is a possible type of abstract type abstract.
func (e *execution) implements(obj, abstract string) bool {
	def := e.st.sg.Schema.Types[abstract]
	if def == nil || !def.IsAbstractType() {
		return false
	}
	for _, p := range e.st.sg.Schema.GetPossibleTypes(def) {
		if p.Name == obj {
			return true
		}
	}
	return false
}

// walkPath calls fn for every object reached from v along path.
func walkPath(v any, path []string, fn func(*tree.Object)) {
	w := walker{fn: func(_ int, obj *tree.Object, _ int) { fn(obj) }}
	w.walk(v, newPathTrie([][]string{path}))
}

// pathTrie is a set of Flatten paths as a tree of their segments: paths that share a prefix
// share its nodes. The nodes are in one slice and refer to each other by index: building a
// trie costs three allocations, whatever its size.
type pathTrie struct {
	nodes []trieNode // nodes[0] is the root
	// nextEnd[i] is the next path after path i that ends at the same node, -1 for none.
	nextEnd []int
}

type trieNode struct {
	seg         string
	end         int // the first path that ends here, -1 for none
	child, next int // the first child and the next sibling, 0 for none (the root is no one's)
}

func newPathTrie(paths [][]string) *pathTrie {
	n := 1
	for _, p := range paths {
		n += len(p)
	}
	t := &pathTrie{nodes: make([]trieNode, 1, n), nextEnd: make([]int, len(paths))}
	t.nodes[0].end = -1
	for i, path := range paths {
		at := 0
		for _, seg := range path {
			at = t.child(at, seg)
		}
		// Paths are kept in order at a node: i is the last so far.
		t.nextEnd[i] = -1
		if last := t.nodes[at].end; last < 0 {
			t.nodes[at].end = i
		} else {
			for t.nextEnd[last] >= 0 {
				last = t.nextEnd[last]
			}
			t.nextEnd[last] = i
		}
	}
	return t
}

// child returns the child of node at for seg, added last when there is none.
func (t *pathTrie) child(at int, seg string) int {
	prev := 0
	for k := t.nodes[at].child; k != 0; k = t.nodes[k].next {
		if t.nodes[k].seg == seg {
			return k
		}
		prev = k
	}
	t.nodes = append(t.nodes, trieNode{seg: seg, end: -1})
	k := len(t.nodes) - 1
	if prev == 0 {
		t.nodes[at].child = k
	} else {
		t.nodes[prev].next = k
	}
	return k
}

// walker walks the paths of a trie: it calls fn(i, obj, at) for every object reached along
// path i, each path's objects in document order. When indices is set, the list indices
// that led to obj (one per "@" of the path) are appended to it, from at: with the path,
// they make obj's response path (see indexedPath), and they cost the garbage collector
// nothing to keep.
type walker struct {
	fn      func(i int, obj *tree.Object, at int)
	indices *[]int32
	stack   []int32 // the list indices of the current position
	trie    *pathTrie
}

// walk walks the paths of t from v.
func (w *walker) walk(v any, t *pathTrie) {
	w.trie = t
	w.from(v, 0)
}

func (w *walker) from(v any, n int) {
	node := &w.trie.nodes[n]
	if node.end >= 0 {
		if obj, ok := v.(*tree.Object); ok {
			for i := node.end; i >= 0; i = w.trie.nextEnd[i] {
				at := 0
				if w.indices != nil {
					at = len(*w.indices)
					*w.indices = append(*w.indices, w.stack...)
				}
				w.fn(i, obj, at)
			}
		}
	}
	for k := node.child; k != 0; k = w.trie.nodes[k].next {
		switch seg := w.trie.nodes[k].seg; {
		case seg == "@":
			list, _ := v.([]any)
			for i, item := range list {
				w.stack = append(w.stack, int32(i))
				w.from(item, k)
				w.stack = w.stack[:len(w.stack)-1]
			}
		case len(seg) > 3 && seg[0] == '|':
			obj, ok := v.(*tree.Object)
			if !ok {
				continue
			}
			if typename, _ := obj.Get("__typename").(string); typename == seg[2:len(seg)-1] {
				w.from(obj, k)
			}
		default:
			obj, ok := v.(*tree.Object)
			if !ok {
				continue
			}
			w.from(obj.Get(seg), k)
		}
	}
}

// indexedPath is the response path of an object found along path with the list indices
// from indices[at:].
func indexedPath(path []string, indices []int32, at int) []any {
	var out []any
	for _, seg := range path {
		switch {
		case seg == "@":
			out = append(out, int(indices[at]))
			at++
		case strings.HasPrefix(seg, "|["):
		default:
			out = append(out, seg)
		}
	}
	return out
}

// appendRepFields writes fields of obj (read under their alias, written under their name).
func appendRepFields(buf []byte, fields []*planner.Field, obj *tree.Object, first bool) ([]byte, bool) {
	for _, f := range fields {
		if f.Name == "__typename" {
			continue
		}
		v, present := obj.Lookup(f.Alias)
		if !present {
			return buf, false
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = appendString(buf, f.Name)
		buf = append(buf, ':')
		var ok bool
		if buf, ok = appendRepValue(buf, f.Definition.Type, f.Selection, v); !ok {
			return buf, false
		}
	}
	return buf, true
}

func appendRepValue(buf []byte, t *ast.Type, sel *planner.SelectionSet, v any) ([]byte, bool) {
	if v == nil {
		return append(buf, "null"...), !t.NonNull
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			return buf, false
		}
		buf = append(buf, '[')
		for i, item := range list {
			if i > 0 {
				buf = append(buf, ',')
			}
			if buf, ok = appendRepValue(buf, t.Elem, sel, item); !ok {
				return buf, false
			}
		}
		return append(buf, ']'), true
	}
	if sel == nil {
		return appendValue(buf, v), true
	}
	obj, ok := v.(*tree.Object)
	if !ok {
		return buf, false
	}
	buf = append(buf, '{')
	fields := sel.Cases[0].Fields
	first := true
	if sel.Abstract() {
		typename, _ := obj.Get("__typename").(string)
		buf = appendString(append(buf, `"__typename":`...), typename)
		first = false
		fields = nil
		if c := sel.Case(typename); c != nil {
			fields = c.Fields
		}
	}
	if buf, ok = appendRepFields(buf, fields, obj, first); !ok {
		return buf, false
	}
	return append(buf, '}'), true
}

// requestBody builds a subgraph request: the operation, the client variables it uses and,
// for entity fetches, each part's representations under its variable.
func requestBody(f *planner.Fetch, vars map[string]any, parts []*part) ([]byte, error) {
	n := len(f.Operation) + 64
	for _, p := range parts {
		for _, r := range p.reps {
			n += len(r) + 1
		}
	}
	buf := make([]byte, 0, n)
	buf = append(buf, `{"query":`...)
	buf = appendString(buf, f.Operation)
	buf = append(buf, `,"variables":{`...)
	first := true
	for _, p := range parts {
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = appendString(buf, p.variable)
		buf = append(buf, `:[`...)
		for i, r := range p.reps {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, r...)
		}
		buf = append(buf, ']')
	}
	for _, name := range f.Variables {
		v, ok := vars[name]
		if !ok {
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = appendString(buf, name)
		buf = append(buf, ':')
		var err error
		if buf, err = appendAny(buf, v); err != nil {
			return nil, err
		}
	}
	return append(buf, "}}"...), nil
}
