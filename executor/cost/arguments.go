package cost

import (
	"github.com/trellis-gql/trellis/planner"
	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2/ast"
)

// input is one input value: a literal of the operation, or (lit nil) a coerced variable value.
type input struct {
	lit *ast.Value
	val any
}

// scorer costs the arguments of fields, for the estimate and for the actual cost alike. It
// follows Apollo Router: an input object costs its weight plus its fields', a list the sum of
// its items, a scalar or enum its weight; the weight of a value is the @cost of its argument
// or input field, else that of its type.
type scorer struct {
	c    *Calculator
	vars map[string]any
	// variables is set once a value was read from vars.
	variables bool
}

// resolve replaces a variable by its value.
func (s *scorer) resolve(in input) input {
	if in.lit != nil && in.lit.Kind == ast.Variable {
		s.variables = true
		return input{val: s.vars[in.lit.Raw]}
	}
	return in
}

func (in input) null() bool {
	if in.lit != nil {
		return in.lit.Kind == ast.NullValue
	}
	return in.val == nil
}

// arguments is the cost of the arguments f is given.
func (s *scorer) arguments(f *planner.Field, fc *supergraph.FieldCost) float64 {
	total := 0.0
	for _, a := range f.Arguments {
		def := f.Definition.Arguments.ForName(a.Name)
		if def == nil {
			continue
		}
		w, has := 0.0, false
		if fc != nil {
			w, has = fc.Arguments[a.Name]
		}
		total += s.value(input{lit: a.Value}, def.Type, w, has)
	}
	return total
}

// value is the cost of in, of type t, in a position whose own weight is w when has.
func (s *scorer) value(in input, t *ast.Type, w float64, has bool) float64 {
	own := s.c.weight(t.Name())
	if has {
		own = w
	}
	def := s.c.sg.API.Types[t.Name()]
	object := def != nil && def.Kind == ast.InputObject
	if own == 0 && !object {
		// Scalars of weight 0, or lists of them, cost 0 whatever the value: not reading it
		// keeps an estimate like that of user(id: $id) independent of the variables.
		return 0
	}
	in = s.resolve(in)
	if in.null() {
		return 0
	}
	if t.Elem != nil {
		return s.list(in, t, w, has)
	}
	if !object {
		return own
	}
	return own + s.object(in, def)
}

func (s *scorer) list(in input, t *ast.Type, w float64, has bool) float64 {
	total := 0.0
	switch {
	case in.lit != nil && in.lit.Kind == ast.ListValue:
		for _, c := range in.lit.Children {
			total += s.value(input{lit: c.Value}, t.Elem, w, has)
		}
	case in.lit == nil:
		items, ok := in.val.([]any)
		if !ok {
			return s.value(in, t.Elem, w, has) // input coercion: one value for a list
		}
		for _, v := range items {
			total += s.value(input{val: v}, t.Elem, w, has)
		}
	default:
		return s.value(in, t.Elem, w, has)
	}
	return total
}

// object is the cost of the fields given in an input object of type def.
func (s *scorer) object(in input, def *ast.Definition) float64 {
	total := 0.0
	field := func(name string, v input) {
		fd := def.Fields.ForName(name)
		if fd == nil {
			return
		}
		w, has := 0.0, false
		if fc := s.c.field(def.Name, name); fc != nil {
			w, has = fc.Weight, fc.HasWeight
		}
		total += s.value(v, fd.Type, w, has)
	}
	if in.lit != nil {
		for _, c := range in.lit.Children {
			field(c.Name, input{lit: c.Value})
		}
		return total
	}
	obj, _ := in.val.(map[string]any)
	for _, fd := range def.Fields { // schema order: sums of fractional weights come out the same every time
		if v, ok := obj[fd.Name]; ok {
			field(fd.Name, input{val: v})
		}
	}
	return total
}
