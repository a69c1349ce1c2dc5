package satisfy

import (
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// state is a point of the breadth-first walk: an API type and every option a query path
// reaching it through the subgraphs has. The links back to the parent give the witness query.
type state struct {
	typ    string
	opts   []int32
	parent *state
	edge   edge   // how the walk came here from parent
	kind   string // the operation kind, set on root states
	root   string // the root field this state lies under ("Query.me"), "" at the root
}

// edge is one step of the witness: a field, or a down-cast to an object type.
type edge struct {
	field *ast.FieldDefinition
	cast  string
}

// rootOf is the root field ("Mutation.createT") a state reached from s through fd lies under.
func (s *state) rootOf(fd *ast.FieldDefinition) string {
	if s.parent == nil {
		return s.typ + "." + fd.Name
	}
	return s.root
}

// walker runs one breadth-first walk. Breadth first, the first failure found for a field has
// the shortest witness. A state is skipped when its type was already walked with a subset of
// its options: everything reachable from fewer options is reachable from more.
type walker struct {
	c       *checker
	queue   []*state
	visited map[string][][]int32
	seen    map[string]bool // stateKey of every state walked
	errs    map[string]*Error
	rootErr map[string]bool // root fields ("Mutation.createT") with an error at or below them
	first   bool            // stop at the first error (the mutation sub-walks)
}

func (c *checker) walker(first bool) *walker {
	return &walker{c: c, visited: map[string][][]int32{}, seen: map[string]bool{}, errs: map[string]*Error{}, rootErr: map[string]bool{}, first: first}
}

// start enqueues a root type with every subgraph that defines it.
func (w *walker) start(r root) {
	var opts []int32
	for _, g := range w.c.rootGraphs(r.def.Name) {
		opts = append(opts, w.c.optionID(option{typ: r.def.Name, graph: g}))
	}
	w.enqueue(&state{typ: r.def.Name, opts: opts, kind: r.kind})
}

func (w *walker) run() {
	for len(w.queue) > 0 && !w.c.cut && !(w.first && len(w.errs) > 0) {
		s := w.queue[0]
		w.queue[0] = nil
		w.queue = w.queue[1:]
		def := w.c.sg.API.Types[s.typ]
		if def.Kind == ast.Object {
			w.visitObject(s, def)
		} else {
			w.visitAbstract(s, def)
		}
	}
}

func (w *walker) visitObject(s *state, def *ast.Definition) {
	for _, fd := range def.Fields {
		if strings.HasPrefix(fd.Name, "__") {
			continue
		}
		if !w.c.spend(len(s.opts)) {
			return
		}
		var next []int32
		ok := false
		for _, id := range s.opts {
			r := w.c.advanceField(id, fd)
			ok = ok || r.ok
			next = append(next, r.opts...)
		}
		if !ok {
			w.fail(s, edge{field: fd})
			continue
		}
		child := w.c.compositeType(fd.Type.Name())
		if child == "" {
			continue
		}
		w.c.spend(len(next))
		next = w.c.mergeLabels(sortIDs(next))
		w.checkRuntimeTypes(s, fd, next)
		w.enqueue(&state{typ: child, opts: next, parent: s, edge: edge{field: fd}, root: s.rootOf(fd)})
	}
}

func (w *walker) visitAbstract(s *state, def *ast.Definition) {
	for _, obj := range w.c.possibleTypes(def) {
		if !w.c.spend(len(s.opts)) {
			return
		}
		var next []int32
		ok, blocked := false, false
		for _, id := range s.opts {
			r := w.c.advanceCast(id, obj)
			ok = ok || r.ok
			blocked = blocked || r.ifaceObject
			next = append(next, r.opts...)
		}
		switch {
		case ok:
			w.enqueue(&state{typ: obj, opts: w.c.mergeLabels(sortIDs(next)), parent: s, edge: edge{cast: obj}, root: s.root})
		case blocked:
			w.fail(s, edge{cast: obj})
		}
		// No option can return obj here: no subgraph ever does, so nothing to check.
	}
}

// possibleTypes lists the object types of an abstract API type, sorted by name. Memoized:
// an interface every entity implements is met in many states.
func (c *checker) possibleTypes(def *ast.Definition) []string {
	if out, ok := c.possible[def.Name]; ok {
		return out
	}
	var out []string
	for _, p := range c.sg.API.GetPossibleTypes(def) {
		out = append(out, p.Name)
	}
	sort.Strings(out)
	c.possible[def.Name] = out
	return out
}

// enqueue adds s unless its type was walked with a subset of its options. A state equal to
// one already walked (the common case: many paths lead to the same options) is found by
// its key without comparing it to every earlier state of the type.
func (w *walker) enqueue(s *state) {
	if len(s.opts) == 0 {
		return
	}
	key := stateKey(s)
	w.c.spend(1 + len(s.opts)/8)
	if w.seen[key] {
		return
	}
	// Each comparison with an earlier state is a step: a type met with many incomparable
	// option sets must not make every enqueue scan them all for free.
	for i, prev := range w.visited[s.typ] {
		if subset(prev, s.opts) {
			w.c.spend(i + 1)
			return
		}
	}
	if !w.c.spend(1 + len(w.visited[s.typ]) + len(s.opts)) {
		return
	}
	w.seen[key] = true
	w.visited[s.typ] = append(w.visited[s.typ], s.opts)
	w.queue = append(w.queue, s)
}

// stateKey is the type and the option ids of s, as a map key.
func stateKey(s *state) string {
	b := make([]byte, 0, len(s.typ)+1+4*len(s.opts))
	b = append(b, s.typ...)
	b = append(b, 0)
	for _, id := range s.opts {
		b = append(b, byte(id), byte(id>>8), byte(id>>16), byte(id>>24))
	}
	return string(b)
}

// subset reports whether sorted a is a subset of sorted b.
func subset(a, b []int32) bool {
	if len(a) > len(b) {
		return false
	}
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j == len(b) || b[j] != x {
			return false
		}
		j++
	}
	return true
}

// fail records that no option of s can take e, once per coordinate.
func (w *walker) fail(s *state, e edge) {
	coord := e.cast
	if e.field != nil {
		coord = s.typ + "." + e.field.Name
	}
	if e.field != nil {
		w.rootErr[s.rootOf(e.field)] = true
	} else {
		w.rootErr[s.root] = true
	}
	key := CodeSatisfiability + "|" + coord
	if w.errs[key] != nil {
		return
	}
	w.c.spend(w.c.depth(s) + len(s.opts)*len(w.c.graphs)) // the witness and the reasons
	msg := "The following supergraph API query:\n" + w.c.witness(s, e) +
		"\ncannot be satisfied by the subgraphs because:\n" + w.c.reasons(s, e)
	w.errs[key] = &Error{Code: CodeSatisfiability, Coordinate: coord, Message: msg}
}

// depth is the number of edges from the root to s.
func (c *checker) depth(s *state) int {
	n := 0
	for p := s; p.parent != nil; p = p.parent {
		n++
	}
	return n
}
