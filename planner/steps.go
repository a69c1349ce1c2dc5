package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// step is one fetch being built: a subgraph, the response path of the objects it starts from
// (empty for a root fetch), its selection, and the steps it must wait for.
type step struct {
	id    int
	graph string
	path  []string
	root  bool
	// group orders mutation root fields: steps of group n run after every step of group n-1.
	group int
	sel   *fset
	reqs  []*Requirement
	deps  map[*step]bool
}

// fset is a selection set of a subgraph operation under construction.
type fset struct {
	items []*fsel
}

// fsel is a field (name set) or an inline fragment (on set) of a subgraph operation.
type fsel struct {
	alias, name string
	args        ast.ArgumentList
	on          string
	sub         *fset
}

// field returns the field with response key alias, adding it if needed.
func (s *fset) field(alias, name string, args ast.ArgumentList) *fsel {
	for _, it := range s.items {
		if it.name != "" && it.alias == alias {
			return it
		}
	}
	it := &fsel{alias: alias, name: name, args: args}
	s.items = append(s.items, it)
	return it
}

// fragment returns the inline fragment on typeName, adding it if needed.
func (s *fset) fragment(typeName string) *fset {
	for _, it := range s.items {
		if it.name == "" && it.on == typeName {
			return it.sub
		}
	}
	it := &fsel{on: typeName, sub: &fset{}}
	s.items = append(s.items, it)
	return it.sub
}

func (f *fsel) child() *fset {
	if f.sub == nil {
		f.sub = &fset{}
	}
	return f.sub
}

// write prints the selection set compactly, as sent to subgraphs.
func (s *fset) write(b *strings.Builder) {
	b.WriteByte('{')
	for i, it := range s.items {
		if it.name == "" && len(it.sub.items) == 0 {
			continue // a fragment with nothing to select (only __typename, already asked for)
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		if it.name == "" {
			b.WriteString("... on ")
			b.WriteString(it.on)
			it.sub.write(b)
			continue
		}
		if it.alias != it.name {
			b.WriteString(it.alias)
			b.WriteByte(':')
		}
		b.WriteString(it.name)
		writeArgs(b, it.args)
		if it.sub != nil {
			it.sub.write(b)
		}
	}
	b.WriteByte('}')
}

// variables appends the names of the variables the selection uses to seen.
func (s *fset) variables(seen map[string]bool) {
	for _, it := range s.items {
		for _, a := range it.args {
			valueVariables(a.Value, seen)
		}
		if it.sub != nil {
			it.sub.variables(seen)
		}
	}
}

func valueVariables(v *ast.Value, seen map[string]bool) {
	if v == nil {
		return
	}
	if v.Kind == ast.Variable {
		seen[v.Raw] = true
	}
	for _, c := range v.Children {
		valueVariables(c.Value, seen)
	}
}

// entityStep finds a step to graph at path that may wait for deps without a cycle, or
// starts one. Sharing steps is what batches fields of one subgraph into one fetch.
// A step whose representation would need one field name twice with different arguments
// (two requirements of one field) cannot be shared: the representation has one key per name.
func (b *builder) entityStep(graph string, path []string, deps map[*step]bool, typename string, req []*Field) *step {
	key := b.stepKey(graph, path)
	for _, c := range b.byLocation[key] {
		if b.wouldCycle(c, deps) || !c.accepts(typename, req) {
			continue
		}
		for d := range deps {
			c.deps[d] = true
		}
		return c
	}
	s := b.newStep(graph, path, false)
	for d := range deps {
		s.deps[d] = true
	}
	b.byLocation[key] = append(b.byLocation[key], s)
	return s
}

// rootStep finds or starts the root fetch of graph in the current group.
func (b *builder) rootStep(graph string) *step {
	key := b.stepKey(graph, nil) + "\x00root"
	if c := b.byLocation[key]; len(c) > 0 {
		return c[0]
	}
	s := b.newStep(graph, nil, true)
	b.byLocation[key] = []*step{s}
	return s
}

func (b *builder) newStep(graph string, path []string, root bool) *step {
	if len(b.steps) == MaxFetches {
		b.fail(fmt.Errorf("operation too large: it needs more than %d subgraph fetches", MaxFetches))
	}
	s := &step{id: len(b.steps), graph: graph, path: path, root: root, group: b.group, sel: &fset{}, deps: map[*step]bool{}}
	b.steps = append(b.steps, s)
	return s
}

// findStep reports whether an entity fetch to graph at path exists in the current group.
func (b *builder) findStep(graph string, path []string) bool {
	return len(b.byLocation[b.stepKey(graph, path)]) > 0
}

// stepKey identifies a location of entity fetches: group, subgraph and path.
func (b *builder) stepKey(graph string, path []string) string {
	return fmt.Sprintf("%d\x00%s\x00%s", b.group, graph, strings.Join(path, "\x00"))
}

// wouldCycle reports whether making c wait for deps creates a cycle.
func (b *builder) wouldCycle(c *step, deps map[*step]bool) bool {
	for d := range deps {
		if d == c || dependsOn(d, c, map[*step]bool{}) {
			return true
		}
	}
	return false
}

func dependsOn(x, c *step, seen map[*step]bool) bool {
	if seen[x] {
		return false
	}
	seen[x] = true
	for d := range x.deps {
		if d == c || dependsOn(d, c, seen) {
			return true
		}
	}
	return false
}

// accepts reports whether req can join the step's representation of typename.
func (s *step) accepts(typename string, req []*Field) bool {
	for _, r := range s.reqs {
		if r.Typename == typename {
			return compatible(r.Fields, req)
		}
	}
	return true
}

// compatible reports whether no field of b has the name of a field of a with other arguments.
func compatible(a, b []*Field) bool {
	for _, f := range b {
		for _, e := range a {
			if e.Name != f.Name {
				continue
			}
			if identity(e) != identity(f) {
				return false
			}
			if e.Selection != nil && f.Selection != nil {
				for _, fc := range f.Selection.Cases {
					if ec := e.Selection.Case(fc.Type); ec != nil && !compatible(ec.Fields, fc.Fields) {
						return false
					}
				}
			}
		}
	}
	return true
}

// addRequirement merges fields into the representation of typename sent by the step.
func (s *step) addRequirement(typename, sendAs string, fields []*Field, keys []string) {
	var r *Requirement
	for _, have := range s.reqs {
		if have.Typename == typename {
			r = have
		}
	}
	if r == nil {
		r = &Requirement{Typename: typename, SendAs: sendAs}
		s.reqs = append(s.reqs, r)
	}
	r.Fields = mergeFields(r.Fields, fields)
	for _, k := range keys {
		if !slices.Contains(r.Keys, k) {
			r.Keys = append(r.Keys, k)
		}
	}
}

// keyAliases lists the response keys under which req holds the top-level fields of key.
func keyAliases(key *SelectionSet, req []*Field) []string {
	var out []string
	if key == nil {
		return nil
	}
	for _, k := range key.Cases[0].Fields {
		for _, f := range req {
			if f.Name == k.Name && identity(f) == identity(k) {
				out = append(out, f.Alias)
				break
			}
		}
	}
	return out
}

// mergeFields merges src into dst by response key, merging sub-selections.
func mergeFields(dst, src []*Field) []*Field {
	for _, f := range src {
		var have *Field
		for _, d := range dst {
			if d.Alias == f.Alias {
				have = d
				break
			}
		}
		if have == nil {
			cp := *f
			dst = append(dst, &cp)
			continue
		}
		if f.Selection != nil {
			have.Selection = mergeSelection(have.Selection, f.Selection)
		}
	}
	return dst
}

func mergeSelection(a, b *SelectionSet) *SelectionSet {
	if a == nil {
		return b
	}
	out := &SelectionSet{Type: a.Type}
	for _, c := range a.Cases {
		out.Cases = append(out.Cases, &Case{Type: c.Type, Fields: c.Fields})
	}
	for _, c := range b.Cases {
		if have := out.Case(c.Type); have != nil {
			have.Fields = mergeFields(append([]*Field(nil), have.Fields...), c.Fields)
		} else {
			out.Cases = append(out.Cases, c)
		}
	}
	return out
}

// childPath is the response path of the value of field f selected at path.
func childPath(path []string, f *Field) []string {
	out := make([]string, 0, len(path)+2)
	out = append(out, path...)
	out = append(out, f.Alias)
	for t := f.Definition.Type; t != nil && t.Elem != nil; t = t.Elem {
		out = append(out, "@")
	}
	return out
}

// casePath narrows path to objects of one concrete type.
func casePath(path []string, typeName string) []string {
	out := make([]string, 0, len(path)+1)
	out = append(out, path...)
	return append(out, "|["+typeName+"]")
}

// PathString joins a plan path the way the text form prints it: "a.@.b|[T].c".
func PathString(path []string) string {
	var b strings.Builder
	for i, p := range path {
		if i > 0 && !strings.HasPrefix(p, "|") {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}
