package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// planSelection plans a field's selection set inside step s.
func (b *builder) planSelection(s *step, into *fset, sel *SelectionSet, path []string, prov *SelectionSet, used map[*step]bool) error {
	if !sel.Abstract() {
		return b.planFields(s, into, sel.Type, path, sel.Cases[0].Fields, prov, used)
	}
	t := b.sg.Types[sel.Type]
	ifaceObject := t != nil && t.Kind == ast.Interface && t.In[s.graph] != nil && t.In[s.graph].InterfaceObject
	into.field("__typename", "__typename", nil)
	// Fields every type selects alike go on the interface itself when that costs no more:
	// resolved here, or through one entity fetch for every implementation at once.
	common := b.commonFields(s.graph, sel, prov)
	if err := b.planFields(s, into, sel.Type, path, common, prov, used); err != nil {
		return err
	}
	rests := map[string][]*Field{}
	needType := false
	for _, c := range sel.Cases {
		rest := slices.DeleteFunc(slices.Clone(c.Fields), func(f *Field) bool { return slices.ContainsFunc(common, sameField(f)) })
		rests[c.Type] = rest
		needType = needType || len(rest) > 0
	}
	switch {
	case ifaceObject && !needType && sel.Uniform:
		return nil // the projection needs no concrete type: every case selects the same
	case ifaceObject:
		return b.interfaceObject(s, into, sel, path, rests, used)
	}
	for _, c := range sel.Cases {
		if len(rests[c.Type]) == 0 || !b.sg.PossibleIn(s.graph, sel.Type, c.Type) {
			continue
		}
		frag := into.fragment(c.Type)
		if err := b.planFields(s, frag, c.Type, casePath(path, c.Type), rests[c.Type], prov, used); err != nil {
			return err
		}
	}
	return nil
}

// commonFields returns the interface fields every case of a complete selection on an interface
// selects alike, and that cost no more on the interface than per implementation. Fields of
// an incomplete selection are never fetched on the interface: a type that did not select
// them must not be asked for them (the subgraph could fail the whole entity over them).
func (b *builder) commonFields(graph string, sel *SelectionSet, prov *SelectionSet) []*Field {
	t := b.sg.Types[sel.Type]
	if t == nil || t.Kind != ast.Interface || !sel.Complete {
		return nil
	}
	var out []*Field
	for _, f := range sel.Cases[0].Fields {
		if f.Name == "__typename" || t.Fields[f.Name] == nil {
			continue
		}
		onIface, ok := b.fieldCost(graph, sel.Type, f, prov, 0)
		if !ok {
			continue
		}
		cheaper := true
		for _, c := range sel.Cases {
			cf := c.Field(f.Alias)
			if cf == nil || fieldKey(cf) != fieldKey(f) {
				cheaper = false
				break
			}
			if perType, ok := b.fieldCost(graph, c.Type, cf, prov, 0); ok && perType < onIface {
				cheaper = false
				break
			}
		}
		if cheaper {
			out = append(out, f)
		}
	}
	return out
}

// interfaceObject plans the per-type part of a selection on interface sel.Type in a subgraph
// that knows it only as an @interfaceObject: such a subgraph cannot say which implementation an
// object is, so an entity fetch to a subgraph that knows the implementations resolves
// __typename first, and the per-type selections (rests) are planned from there.
func (b *builder) interfaceObject(s *step, into *fset, sel *SelectionSet, path []string, rests map[string][]*Field, used map[*step]bool) error {
	iface := b.sg.Types[sel.Type]
	owner, key := b.interfaceOwner(s.graph, iface)
	if owner == "" {
		return fmt.Errorf("cannot plan %s in subgraph %q: it is an @interfaceObject there and no subgraph with its implementations has a usable @key", sel.Type, s.graph)
	}
	ks := b.keySet(sel.Type, key)
	req := b.aliasRequirement(path, sel.Type, ks.Cases[0].Fields)
	reqUsed := map[*step]bool{}
	if err := b.planFields(s, into, sel.Type, path, req, nil, reqUsed); err != nil {
		return err
	}
	child := b.entityStep(owner, path, reqUsed, sel.Type, req)
	child.addRequirement(sel.Type, sel.Type, req, keyAliases(ks, req))
	frag := child.sel.fragment(sel.Type)
	frag.field("__typename", "__typename", nil)
	used[child] = true
	for _, c := range sel.Cases {
		if len(rests[c.Type]) == 0 || !b.sg.PossibleIn(owner, sel.Type, c.Type) {
			continue
		}
		if err := b.planFields(child, frag.fragment(c.Type), c.Type, casePath(path, c.Type), rests[c.Type], nil, used); err != nil {
			return err
		}
	}
	return nil
}

// sameField matches fields with f's response key, name, arguments and selection.
func sameField(f *Field) func(*Field) bool {
	key := fieldKey(f)
	return func(g *Field) bool { return g.Alias == f.Alias && fieldKey(g) == key }
}

func fieldKey(f *Field) string {
	var b strings.Builder
	b.WriteString(identity(f))
	if f.Selection != nil {
		writeKey(&b, f.Selection)
	}
	return b.String()
}
