package cost

import (
	"strings"

	"github.com/trellis-gql/trellis/planner"
	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2/ast"
)

// Estimate is the static cost of an operation, computed before planning.
type Estimate struct {
	// Cost is the estimated cost (see the package documentation for the rules).
	Cost float64
	// Variables reports that Cost or Slicing depends on variable values. When it is false
	// the estimate holds for every request of the operation and may be cached with its plan.
	Variables bool
	// Slicing is set when a @listSize(requireOneSlicingArgument: true) field is given none or
	// several of its slicing arguments; Cost then assumes the size the rules fall back to.
	Slicing *SlicingError
}

// Estimate computes the static cost of op with the coerced variables vars. Its time is
// linear in the size of op: the cost of a selection set is computed once, however many
// fields share it.
func (c *Calculator) Estimate(op *planner.Operation, vars map[string]any) Estimate {
	e := &estimator{scorer: scorer{c: c, vars: vars}, memo: make(map[*planner.SelectionSet]setCost, 32)}
	root := op.Selection.Cases[0] // the root type is an object: one case
	cost := e.fields(root, nil)
	if op.Kind == ast.Mutation {
		cost += c.cfg.MutationWeight * float64(rootFields(root))
	}
	e.est.Cost = finite(cost)
	e.est.Variables = e.variables
	return e.est
}

// rootFields counts the root fields that run a resolver (not __typename).
func rootFields(c *planner.Case) int {
	n := 0
	for _, f := range c.Fields {
		if !meta(f.Name) {
			n++
		}
	}
	return n
}

// meta reports an introspection field (__typename, __schema, __type): the gateway answers
// them itself, at no cost.
func meta(name string) bool { return strings.HasPrefix(name, "__") }

type estimator struct {
	scorer
	memo map[*planner.SelectionSet]setCost
	est  Estimate
	path []string // response path to the current selection, for errors
}

// setCost is the cost of a selection set for one value. A field's own @cost replaces the
// weight of the value's type, so both sums are kept.
type setCost struct {
	typed float64 // the concrete type's weight plus the fields', the largest over the cases
	bare  float64 // the fields' alone, the largest over the cases
}

// set is the cost of s where no enclosing @listSize sizes lists inside it, memoised: it
// depends on s alone.
func (e *estimator) set(s *planner.SelectionSet) setCost {
	if v, ok := e.memo[s]; ok {
		return v
	}
	v := e.setSized(s, nil)
	e.memo[s] = v
	return v
}

// setSized is the cost of s with the sized paths of an enclosing @listSize. An abstract
// selection costs its most expensive case; a possible type the operation selects nothing on
// costs its weight.
func (e *estimator) setSized(s *planner.SelectionSet, sized []sizedPath) setCost {
	if !s.Abstract() {
		c := s.Cases[0]
		f := e.fields(c, sized)
		return setCost{typed: e.c.weight(c.Type) + f, bare: f}
	}
	var out setCost
	if !s.Complete {
		out.typed = e.c.widest[s.Type]
	}
	for _, c := range s.Cases {
		f := e.fields(c, sized)
		out.typed = max(out.typed, e.c.weight(c.Type)+f)
		out.bare = max(out.bare, f)
	}
	return out
}

func (e *estimator) fields(c *planner.Case, sized []sizedPath) float64 {
	total := 0.0
	for _, f := range c.Fields {
		total += e.field(c.Type, f, sized)
	}
	return total
}

// field is the cost of f on a value of type parent: size × (weight + selection) + arguments,
// where size is 1 unless f is a list.
func (e *estimator) field(parent string, f *planner.Field, sized []sizedPath) float64 {
	if meta(f.Name) {
		return 0
	}
	fc := e.c.field(parent, f.Name)
	ls := listSizeOf(fc)
	list := f.Definition.Type.Elem != nil
	size := 1.0
	var inner []sizedPath
	if ls != nil || list || len(sized) > 0 {
		n, in := e.sizing(parent, f, ls, sized)
		inner = in
		if list {
			size = n
		}
	}
	cost := e.arguments(f, fc)
	if size == 0 {
		return cost // nothing to weigh (and no 0 × +Inf)
	}
	var value float64
	switch {
	case f.Selection == nil && fc != nil && fc.HasWeight:
		value = fc.Weight
	case f.Selection == nil:
		value = e.c.weight(f.Definition.Type.Name())
	default:
		value = e.selection(f, inner, fc)
	}
	return cost + size*value
}

// selection is the cost of one value of f: its type's weight, or f's own, plus its fields'.
func (e *estimator) selection(f *planner.Field, sized []sizedPath, fc *supergraph.FieldCost) float64 {
	e.path = append(e.path, f.ResponseKey())
	var sc setCost
	if len(sized) == 0 {
		sc = e.set(f.Selection)
	} else {
		sc = e.setSized(f.Selection, sized)
	}
	e.path = e.path[:len(e.path)-1]
	if fc != nil && fc.HasWeight {
		return fc.Weight + sc.bare
	}
	return sc.typed
}

func listSizeOf(fc *supergraph.FieldCost) *supergraph.ListSize {
	if fc == nil {
		return nil
	}
	return fc.ListSize
}
