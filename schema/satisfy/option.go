package satisfy

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// option is one way a query path can be at an API type: in a subgraph, which may know the
// position by a narrower type (static), may have @provides selections that make external
// fields resolvable here (prov), and may have decided progressive override labels on the
// way (a path that took a field only served while a label is active stays with that label).
type option struct {
	typ    string // the API type the path is at
	graph  int    // index in checker.graphs
	static string // the subgraph's own type at this position when narrower, else ""
	prov   int32  // interned @provides selection valid here, 0 for none
	set    uint64 // override labels decided on the path (bit per label)
	val    uint64 // their values: bit set when active
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

// labelBit is the bit of an override label; 0 when there are more than 64 labels and this
// one is beyond them (its decisions are then not tracked: the check is more lenient).
func (c *checker) labelBit(label string) uint64 {
	i, ok := c.labels[label]
	if !ok || i >= 64 {
		return 0
	}
	return 1 << uint(i)
}

// decide returns the label state a path must take to use a field served under in's override
// label, and false when the path already decided the opposite.
func (c *checker) decide(o option, label string, active bool) (set, val uint64, ok bool) {
	bit := c.labelBit(label)
	if bit == 0 {
		return o.set, o.val, true
	}
	if o.set&bit != 0 && (o.val&bit != 0) != active {
		return 0, 0, false
	}
	set, val = o.set|bit, o.val
	if active {
		val |= bit
	}
	return set, val, true
}
