package satisfy

import (
	"slices"

	"github.com/vektah/gqlparser/v2/ast"
)

// option is one way a query path can be at an API type: in a subgraph, which may know the
// position by a narrower type (static), may have @provides selections that make external
// fields resolvable here (prov), and remembers the progressive override label the path
// decided last (a path that just took a field only served while a label is active cannot
// then take one only served while it is inactive). Only the last decision is remembered:
// carrying every decided label made the number of options, and of states, exponential in
// the number of labels a path can meet (docs/satisfiability.md).
type option struct {
	typ    string // the API type the path is at
	graph  int    // index in checker.graphs
	static string // the subgraph's own type at this position when narrower, else ""
	prov   int32  // interned @provides selection valid here, 0 for none
	label  int32  // 1 + index of the override label decided last on the path, 0 for none
	active bool   // that label's value
}

// optionID interns o.
func (c *checker) optionID(o option) int32 {
	if id, ok := c.optIDs[o]; ok {
		return id
	}
	id := int32(len(c.opts))
	c.opts = append(c.opts, o)
	c.optIDs[o] = id
	return id
}

// provID interns a @provides selection by identity: the loaded supergraph never changes, so
// the address of its first selection names it.
func (c *checker) provID(sel ast.SelectionSet) int32 {
	if len(sel) == 0 {
		return 0
	}
	if id, ok := c.provIDs[&sel[0]]; ok {
		return id
	}
	id := int32(len(c.provs))
	c.provs = append(c.provs, sel)
	c.provIDs[&sel[0]] = id
	return id
}

// provided returns the field named name that the selection prov provides on the object or
// interface typeName, looking into inline fragments that apply to it, or nil.
func (c *checker) provided(prov int32, typeName, name string) *ast.Field {
	if prov == 0 {
		return nil
	}
	return c.providedIn(c.provs[prov], typeName, name)
}

func (c *checker) providedIn(sel ast.SelectionSet, typeName, name string) *ast.Field {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name == name {
				return s
			}
		case *ast.InlineFragment:
			if s.TypeCondition == "" || s.TypeCondition == typeName || c.abstractHas(s.TypeCondition, typeName) {
				if f := c.providedIn(s.SelectionSet, typeName, name); f != nil {
					return f
				}
			}
		}
	}
	return nil
}

// abstractHas reports whether obj is a possible type of the abstract type name.
func (c *checker) abstractHas(name, obj string) bool {
	def := c.sg.Schema.Types[name]
	if def == nil || def.Kind == ast.Object {
		return false
	}
	for _, p := range c.sg.Schema.GetPossibleTypes(def) {
		if p.Name == obj {
			return true
		}
	}
	return false
}

// decide returns the label memory a path must take to use a field served under override
// label, and false when the label the path decided last is this one with the opposite value.
// A label the supergraph does not list (it always does) is not tracked.
func (c *checker) decide(o option, label string, active bool) (int32, bool, bool) {
	i, ok := c.labels[label]
	if !ok {
		return o.label, o.active, true
	}
	if o.label == int32(i)+1 && o.active != active {
		return 0, false, false
	}
	return int32(i) + 1, active, true
}

// mergeLabels replaces, in the sorted option set ids, each pair of options that differ only
// in the value of the label they remember by the option remembering no label: a path that
// can be there with the label decided either way can do whatever a path that has not
// decided it can (the first label it decides next is allowed from one of the two, and from
// then on the memories are the same). Without it a state's options would carry the last
// label of every field that led there, and a type reached through k labelled fields would
// be walked k times. Returns ids, or a new sorted set.
func (c *checker) mergeLabels(ids []int32) []int32 {
	var drop map[int32]bool
	var add []int32
	looked := 0
	for _, id := range ids {
		o := c.opts[id]
		if o.label == 0 || !o.active {
			continue
		}
		looked++
		twin := o
		twin.active = false
		tid, ok := c.optIDs[twin]
		if !ok {
			continue
		}
		if _, found := slices.BinarySearch(ids, tid); !found {
			continue
		}
		if drop == nil {
			drop = map[int32]bool{}
		}
		drop[id], drop[tid] = true, true
		base := o
		base.label, base.active = 0, false
		add = append(add, c.optionID(base))
	}
	c.spend(looked)
	if drop == nil {
		return ids
	}
	out := add
	for _, id := range ids {
		if !drop[id] {
			out = append(out, id)
		}
	}
	c.spend(len(out))
	return sortIDs(out)
}

// remember is the label memory an option at typeName keeps of a path that decided label
// (1 + index, 0 for none) to be active or not: kept only when a field of typeName, or of
// one of its possible types, is served under that label; otherwise forgotten. A type whose
// fields the label does not concern is walked once, not once per label that led there.
func (c *checker) remember(typeName string, label int32, active bool) (int32, bool) {
	if label == 0 || !c.typeLabels(typeName)[label] {
		return 0, false
	}
	return label, active
}

// typeLabels is the set of labels (1 + index) serving fields of typeName or, for an abstract
// type, of its possible types. Memoized.
func (c *checker) typeLabels(typeName string) map[int32]bool {
	if out, ok := c.labelsOf[typeName]; ok {
		return out
	}
	var out map[int32]bool
	names := []string{typeName}
	if def := c.sg.Schema.Types[typeName]; def != nil && def.Kind != ast.Object {
		for _, p := range c.sg.Schema.GetPossibleTypes(def) {
			names = append(names, p.Name)
		}
	}
	for _, n := range names {
		t := c.sg.Types[n]
		if t == nil {
			continue
		}
		for _, f := range t.Fields {
			c.spend(1 + len(f.In)/8)
			for _, in := range f.In {
				if i, ok := c.labels[in.OverrideLabel]; ok && in.OverrideLabel != "" {
					if out == nil {
						out = map[int32]bool{}
					}
					out[int32(i)+1] = true
				}
			}
		}
	}
	c.labelsOf[typeName] = out
	return out
}
