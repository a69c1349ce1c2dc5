package satisfy

import (
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

type advanceKey struct {
	opt   int32
	field *ast.FieldDefinition
}

type advanced struct {
	opts []int32 // the options after the edge (nil after a leaf field)
	ok   bool
	// ifaceObject is set on a failed down-cast when the option was at an @interfaceObject
	// and no subgraph knowing the implementations was reachable.
	ifaceObject bool
}

// advanceField takes the field edge fd from option id: from the option's subgraph or any
// subgraph its keys reach, each that resolves the field with its @requires collectable from
// where the path is, becomes an option at the field's type. Memoized.
func (c *checker) advanceField(id int32, fd *ast.FieldDefinition) advanced {
	k := advanceKey{id, fd}
	if r, ok := c.advances[k]; ok {
		return r
	}
	o := c.opts[id]
	child := c.compositeType(fd.Type.Name())
	var r advanced
	reached := c.closure(o.typ, o.graph, o.prov)
	c.spend(1 + len(reached)/4) // most candidates lack the field: a few map lookups each
	for _, y := range reached {
		next, ok := c.take(o, y, fd.Name, child)
		if !ok {
			continue
		}
		r.ok = true
		if child != "" {
			r.opts = append(r.opts, next...)
		}
	}
	r.opts = sortIDs(r.opts)
	c.advances[k] = r
	return r
}

// take resolves field name in graph y for option o and returns the options at child (the
// field's composite type, "" for a leaf).
func (c *checker) take(o option, y int, name, child string) ([]int32, bool) {
	l, ok := c.direct(o.typ, y, provHere(y, o.graph, o.prov), name)
	if !ok {
		return nil, false
	}
	label, active := o.label, o.active
	if l.in != nil && l.in.OverrideLabel != "" {
		if label, active, ok = c.decide(o, l.in.OverrideLabel, l.in.Override != ""); !ok {
			return nil, false
		}
	}
	if req := l.requires(); len(req) > 0 && !c.canCollect(o.typ, o.graph, o.prov, req) {
		return nil, false
	}
	if child == "" {
		return nil, true
	}
	label, active = c.remember(child, label, active)
	if child == c.queryRoot {
		// A field returning the query type starts over: every subgraph's root fields serve.
		var out []int32
		for _, g := range c.rootGraphs(child) {
			out = append(out, c.optionID(option{typ: child, graph: g, label: label, active: active}))
		}
		return out, true
	}
	next := option{typ: child, graph: y, prov: c.childProv(l), label: label, active: active}
	if l.in != nil && l.in.Type != "" {
		if named := namedType(l.in.Type); named != child {
			next.static = named
		}
	}
	return []int32{c.optionID(next)}, true
}

// advanceCast takes the down-cast from the abstract type of option id to the object type obj.
// A subgraph that cannot return obj there has no such edge; one that knows the abstract type
// only as an @interfaceObject cannot tell the implementations apart and must first reach a
// subgraph that can (through a key of the interface). Not memoized: it is a few map lookups,
// and a state at an interface with many implementations would fill the memo with entries
// used once.
func (c *checker) advanceCast(id int32, obj string) advanced {
	o := c.opts[id]
	var r advanced
	if c.interfaceObjectAt(o) {
		r.opts = c.owners(o, obj)
		r.ok = len(r.opts) > 0
		r.ifaceObject = !r.ok
	} else if st := c.staticType(o); st == obj || c.sg.PossibleIn(c.graphs[o.graph], st, obj) {
		next := o
		next.typ, next.static = obj, ""
		next.label, next.active = c.remember(obj, o.label, o.active)
		r.opts, r.ok = []int32{c.optionID(next)}, true
	}
	return r
}

func (c *checker) staticType(o option) string {
	if o.static != "" {
		return o.static
	}
	return o.typ
}

func (c *checker) interfaceObjectAt(o option) bool {
	t := c.sg.Types[c.staticType(o)]
	if t == nil || t.Kind != ast.Interface {
		return false
	}
	in := t.In[c.graphs[o.graph]]
	return in != nil && in.InterfaceObject
}

// owners are the options at obj in the subgraphs that have the interface of o as a real
// interface with obj among its implementations, reached through a resolvable key of the
// interface collectable from o.
func (c *checker) owners(o option, obj string) []int32 {
	iface := c.staticType(o)
	t := c.sg.Types[iface]
	c.spend(len(c.graphs))
	var out []int32
	for h, name := range c.graphs {
		in := t.In[name]
		if in == nil || in.InterfaceObject || !c.sg.PossibleIn(name, iface, obj) {
			continue
		}
		for _, key := range in.Keys {
			if key.Resolvable && c.canCollect(iface, o.graph, o.prov, key.Selection) {
				label, active := c.remember(obj, o.label, o.active)
				out = append(out, c.optionID(option{typ: obj, graph: h, label: label, active: active}))
				break
			}
		}
	}
	return out
}

// compositeType returns name when it is an object, interface or union of the API, else "".
func (c *checker) compositeType(name string) string {
	if def := c.sg.API.Types[name]; def != nil && def.IsCompositeType() {
		return name
	}
	return ""
}

// rootGraphs lists the subgraphs that define the root type name.
func (c *checker) rootGraphs(name string) []int {
	t := c.sg.Types[name]
	if t == nil {
		return nil
	}
	var out []int
	for g, gn := range c.graphs {
		if t.In[gn] != nil {
			out = append(out, g)
		}
	}
	return out
}

// namedType strips list and non-null wrappers: "[Book!]!" is "Book".
func namedType(t string) string {
	return strings.Trim(t, "[]! ")
}

func sortIDs(ids []int32) []int32 {
	slices.Sort(ids)
	return slices.Compact(ids)
}
