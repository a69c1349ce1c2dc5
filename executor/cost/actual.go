package cost

import (
	"github.com/trellis-gql/trellis/executor/tree"
	"github.com/trellis-gql/trellis/planner"
	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2/ast"
)

// Actual computes the cost of op from the data the execution produced: the estimate's rules
// with every list measured instead of sized. data is the executor's response tree: objects
// are *tree.Object keyed by planner.Field.Alias, lists []any; a null is nil or an absent
// key, and costs only the field's own @cost (its resolver ran) and its arguments. An object
// of an abstract type is costed as the type its "__typename" names, or, without one, as its
// most expensive case.
func (c *Calculator) Actual(op *planner.Operation, vars map[string]any, data *tree.Object) float64 {
	a := &actual{scorer: scorer{c: c, vars: vars}}
	root := op.Selection.Cases[0]
	cost := a.fields(root, data)
	if op.Kind == ast.Mutation {
		n := 0
		for _, f := range root.Fields {
			if ran := data.Has(f.Alias); ran && !meta(f.Name) {
				n++
			}
		}
		cost += c.cfg.MutationWeight * float64(n)
	}
	return finite(cost)
}

type actual struct{ scorer }

func (a *actual) fields(c *planner.Case, obj *tree.Object) float64 {
	total := 0.0
	for _, f := range c.Fields {
		if meta(f.Name) {
			continue
		}
		fc := a.c.field(c.Type, f.Name)
		total += a.arguments(f, fc)
		v := obj.Get(f.Alias)
		if v == nil {
			if fc != nil && fc.HasWeight {
				total += fc.Weight
			}
			continue
		}
		total += a.value(f, fc, f.Definition.Type, v)
	}
	return total
}

// value is the cost of v, a value of f of type t (f's type or, in a list, an item type).
func (a *actual) value(f *planner.Field, fc *supergraph.FieldCost, t *ast.Type, v any) float64 {
	if v == nil {
		return 0 // a null item
	}
	if t.Elem != nil {
		items, ok := v.([]any)
		if !ok {
			return a.value(f, fc, t.Elem, v)
		}
		total := 0.0
		for _, item := range items {
			total += a.value(f, fc, t.Elem, item)
		}
		return total
	}
	own, has := 0.0, false
	if fc != nil {
		own, has = fc.Weight, fc.HasWeight
	}
	if f.Selection == nil {
		if has {
			return own
		}
		return a.c.weight(t.NamedType)
	}
	obj, ok := v.(*tree.Object)
	if !ok {
		return 0
	}
	return a.object(f.Selection, obj, own, has)
}

// object is the cost of one object: its type's weight (or own, when has) plus its fields'.
func (a *actual) object(s *planner.SelectionSet, obj *tree.Object, own float64, has bool) float64 {
	weight := func(typ string) float64 {
		if has {
			return own
		}
		return a.c.weight(typ)
	}
	if !s.Abstract() {
		return weight(s.Cases[0].Type) + a.fields(s.Cases[0], obj)
	}
	if typ, ok := obj.Get("__typename").(string); ok {
		if c := s.Case(typ); c != nil {
			return weight(typ) + a.fields(c, obj)
		}
		return weight(typ) // a type the operation selects nothing on
	}
	best := 0.0
	if !s.Complete {
		best = a.c.widest[s.Type]
		if has {
			best = own
		}
	}
	for _, c := range s.Cases {
		best = max(best, weight(c.Type)+a.fields(c, obj))
	}
	return best
}
