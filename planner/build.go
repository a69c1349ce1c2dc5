package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2/ast"
)

// Build plans a normalized operation against a supergraph.
func Build(sg *supergraph.Supergraph, op *Operation, opts Options) (*Plan, error) {
	b := &builder{
		sg:         sg,
		labels:     opts.Labels,
		tree:       opts.Tree,
		kind:       op.Kind,
		keys:       map[string]string{},
		jumping:    map[string]bool{},
		fieldSet:   map[string]*SelectionSet{},
		costMemo:   map[costKey]costResult{},
		byLocation: map[string][]*step{},
	}
	b.registerClient(nil, op.Selection)
	if err := b.planRoot(op.Selection); err != nil {
		return nil, err
	}
	if b.err != nil {
		return nil, b.err
	}
	return b.emit(op), nil
}

// MaxFetches bounds the fetches of one plan: fragments that expand into many entity jumps
// would otherwise make planning, and every request of the operation, arbitrarily expensive.
const MaxFetches = 1000

// fail records the first error of a step that cannot return one.
func (b *builder) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

type builder struct {
	sg     *supergraph.Supergraph
	labels map[string]bool
	tree   bool
	kind   ast.Operation
	steps  []*step
	group  int
	// keys maps "location.responseKey" to the identity (name and arguments) of the field
	// using that response key, so requirements never clash with client fields.
	keys     map[string]string
	jumping  map[string]bool
	fieldSet map[string]*SelectionSet
	costMemo map[costKey]costResult
	// byLocation indexes steps by stepKey (entity steps) or stepKey+root (root steps).
	byLocation map[string][]*step
	err        error
}

// planRoot places each root field in the subgraph that resolves it most cheaply. Query
// fields of one subgraph share a fetch; mutation fields keep document order, and only
// consecutive fields of one subgraph share a fetch.
func (b *builder) planRoot(sel *SelectionSet) error {
	rootType := sel.Type
	var cur *step
	for _, f := range sel.Cases[0].Fields {
		if f.Name == "__typename" || f.Source != nil {
			continue
		}
		g, err := b.chooseRoot(rootType, f, cur)
		if err != nil {
			return err
		}
		if b.kind == ast.Mutation {
			if cur == nil || cur.graph != g {
				b.group++
				cur = b.rootStep(g)
			}
		} else {
			cur = b.rootStep(g)
		}
		if err := b.placeLocal(cur, cur.sel, rootType, nil, f, nil, map[*step]bool{}); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) chooseRoot(rootType string, f *Field, cur *step) (string, error) {
	best, bestScore := "", 0
	for _, g := range b.sg.Graphs {
		if !b.sg.Resolvable(g.Name, rootType, f.Name, b.labels) {
			continue
		}
		c, ok := b.costSub(g.Name, rootType, f, nil, 0)
		if !ok {
			continue
		}
		score := c * 4
		if b.kind == ast.Mutation && cur != nil && cur.graph == g.Name || b.kind != ast.Mutation && b.hasRoot(g.Name) {
			score--
		}
		if best == "" || score < bestScore {
			best, bestScore = g.Name, score
		}
	}
	if best == "" {
		return "", fmt.Errorf("cannot plan %s.%s: no subgraph can resolve it and everything selected below it", rootType, f.Name)
	}
	return best, nil
}

func (b *builder) hasRoot(graph string) bool {
	return len(b.byLocation[b.stepKey(graph, nil)+"\x00root"]) > 0
}

// planFields places the fields selected on concrete type typeName, at path, into step s at
// into. prov is what the subgraph provides here through @provides (nil when nothing).
// used collects the steps that received any of the fields.
func (b *builder) planFields(s *step, into *fset, typeName string, path []string, fields []*Field, prov *SelectionSet, used map[*step]bool) error {
	var pending []*Field // fields that need another subgraph: their jumps should share one
	for _, f := range fields {
		if f.Name != "__typename" && !b.stays(s.graph, typeName, f, prov) {
			pending = append(pending, f)
		}
	}
	for _, f := range fields {
		if f.Name == "__typename" {
			continue
		}
		var err error
		if slices.Contains(pending, f) {
			err = b.jump(s, into, typeName, path, f, prov, pending, used)
		} else {
			err = b.placeLocal(s, into, typeName, path, f, prov, used)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// stays reports whether f and everything below it can be fetched by graph right here.
func (b *builder) stays(graph, typeName string, f *Field, prov *SelectionSet) bool {
	return b.local(graph, typeName, f, prov) && b.reachable(graph, typeName, f, prov)
}

// local reports whether graph resolves f on typeName without another fetch.
func (b *builder) local(graph, typeName string, f *Field, prov *SelectionSet) bool {
	if f.Name == "__typename" {
		return true
	}
	if prov != nil && providedField(prov, typeName, f.Name) != nil {
		return true
	}
	if !b.sg.Resolvable(graph, typeName, f.Name, b.labels) {
		return false
	}
	in := b.sg.Types[typeName].Fields[f.Name].In[graph]
	if len(in.Requires) > 0 {
		return false
	}
	if b.sg.Types[typeName].Kind == ast.Interface {
		return b.localOnEveryImplementation(graph, typeName, f)
	}
	return true
}

// localOnEveryImplementation reports whether graph resolves f for every implementation of
// iface it can return: an interface field overridden in one implementation (@override) must
// not be fetched on the interface from the old owner.
func (b *builder) localOnEveryImplementation(graph, iface string, f *Field) bool {
	if in := b.sg.Types[iface].In[graph]; in != nil && in.InterfaceObject {
		return true // the subgraph resolves the interface's fields itself, for every type
	}
	for _, impl := range b.sg.PossibleTypes(iface) {
		if b.sg.PossibleIn(graph, iface, impl) && !b.local(graph, impl, f, nil) {
			return false
		}
	}
	return true
}

// reachable reports whether everything f selects can be fetched once f is resolved in
// graph. When it cannot (a value type whose other fields live elsewhere), f is resolved
// through a subgraph that can.
func (b *builder) reachable(graph, typeName string, f *Field, prov *SelectionSet) bool {
	_, ok := b.costSub(graph, typeName, f, prov, 0)
	return ok
}

// placeLocal adds f to into and plans its selection in the same step.
func (b *builder) placeLocal(s *step, into *fset, typeName string, path []string, f *Field, prov *SelectionSet, used map[*step]bool) error {
	used[s] = true
	sf := into.field(f.Alias, f.Name, f.Arguments)
	if f.Selection == nil {
		return nil
	}
	sub := sf.child()
	err := b.planSelection(s, sub, f.Selection, childPath(path, f), b.childProv(s.graph, typeName, f, prov), used)
	if len(sub.items) == 0 {
		sub.field("__typename", "__typename", nil)
	}
	return err
}

// childProv is what @provides makes available below f.
func (b *builder) childProv(graph, typeName string, f *Field, prov *SelectionSet) *SelectionSet {
	if prov != nil {
		if pf := providedField(prov, typeName, f.Name); pf != nil {
			return pf.Selection
		}
	}
	t := b.sg.Types[typeName]
	if t == nil || t.Fields[f.Name] == nil {
		return nil
	}
	in := t.Fields[f.Name].In[graph]
	if in == nil || len(in.Provides) == 0 {
		return nil
	}
	return b.normalizedSet(f.Definition.Type.Name(), in.ProvidesRaw, in.Provides)
}

func providedField(prov *SelectionSet, typeName, name string) *Field {
	c := prov.Case(typeName)
	if c == nil {
		return nil
	}
	for _, f := range c.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// normalizedSet parses and normalizes a requires or provides field set once per plan.
func (b *builder) normalizedSet(typeName, raw string, set ast.SelectionSet) *SelectionSet {
	return b.memoSet("set|"+typeName+"|"+raw, func() (*SelectionSet, error) { return NormalizeFieldSet(b.sg.Schema, typeName, set) })
}

// keySet normalizes a key once per plan.
func (b *builder) keySet(typeName string, key *supergraph.Key) *SelectionSet {
	return b.memoSet("key|"+typeName+"|"+key.Fields, func() (*SelectionSet, error) { return normalizeKey(b.sg.Schema, typeName, key.Selection) })
}

func (b *builder) memoSet(k string, build func() (*SelectionSet, error)) *SelectionSet {
	if s, ok := b.fieldSet[k]; ok {
		return s
	}
	s, err := build()
	if err != nil {
		s = nil
	}
	b.fieldSet[k] = s
	return s
}

// registerClient records the response keys the client uses at every location. Fields of an
// abstract selection are also recorded on the interface's own location, where the planner may
// place the fields every type selects alike; a key used differently by two types is recorded
// as ambiguous there, so any requirement using it gets an internal alias.
func (b *builder) registerClient(path []string, sel *SelectionSet) {
	for _, c := range sel.Cases {
		p := path
		if sel.Abstract() {
			p = casePath(path, c.Type)
			b.registerFields(path, sel.Type, c.Fields, true)
		}
		b.registerFields(p, c.Type, c.Fields, false)
	}
}

func (b *builder) registerFields(path []string, typeName string, fields []*Field, shared bool) {
	loc := locKey(path, typeName)
	for _, f := range fields {
		key, id := loc+"."+f.Alias, identity(f)
		if have, taken := b.keys[key]; shared && taken && have != id {
			id = "\x00ambiguous"
		}
		b.keys[key] = id
		if f.Selection != nil {
			b.registerClient(childPath(path, f), f.Selection)
		}
	}
}

func locKey(path []string, typeName string) string {
	return PathString(path) + "#" + typeName
}

func identity(f *Field) string {
	var b strings.Builder
	b.WriteString(f.Name)
	writeArgs(&b, f.Arguments)
	return b.String()
}
