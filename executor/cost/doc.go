// Package cost computes the cost of GraphQL operations (demand control) with the directives of
// the IBM GraphQL cost spec, @cost and @listSize, as Apollo Router applies them.
//
// # Where it sits
//
// The executor prepares an operation (parse, validate, coerce variables, normalize), then
// authorizes it, then asks Calculator.Estimate for its static cost and Calculator.Admit whether
// to run it, before rate limiting (which may charge the estimate) and planning. An Estimate
// whose Variables is false holds for every request of the operation: cache it with the plan.
// After execution, Calculator.Actual measures the cost on the response tree; Report carries
// both numbers to extensions.cost.
//
// # The estimate
//
// An operation costs the sum of its root fields, plus Config.MutationWeight per root field of
// a mutation. A field costs
//
//	size × (weight + fields of its selection) + arguments
//
// where
//   - weight is the field's own @cost, else the @cost of its type, else the default of the
//     type's kind (Config.ObjectWeight for objects, interfaces and unions, ScalarWeight,
//     EnumWeight); __typename and introspection cost nothing;
//   - size is 1 for a field that is not a list. For a list it is the size an enclosing
//     field's @listSize(sizedFields:) gives it, else its own @listSize's (the largest slicing
//     argument given, from a literal or a variable, an Int or the length of a list; else the
//     largest default of a slicing argument; else assumedSize), else DefaultListSize. A list
//     of lists is sized once, as Apollo does;
//   - a selection on an interface or union costs its most expensive case, each case with its
//     object type's weight; a possible type the operation selects nothing on costs its
//     weight. (Apollo Router adds up type conditions instead: an upper bound that grows with
//     every fragment a client writes.)
//   - arguments cost what their values weigh: an input object its weight (@cost on the
//     argument or input field, else on the type, else ObjectWeight) plus its fields', a list
//     the sum of its items, a scalar or enum its weight (0 by default). Values come from
//     literals and variables; null and absent arguments cost nothing.
//
// Nested lists multiply: users(first: 10) { friends(first: 5) { name } } costs
// 10 × (1 + 5 × 1) = 60. A @listSize(requireOneSlicingArgument: true) field given none (and
// with no default) or several of its slicing arguments sets Estimate.Slicing, which enforce
// mode refuses.
//
// The estimate is linear in the size of the normalized operation: the cost of a selection
// set is memoised, since it depends on the set alone unless an enclosing @listSize sizes
// lists inside it, so selection sets shared by many fields are costed once.
//
// # The actual cost
//
// The same weights, with lists measured on the response: a list costs the sum of its items,
// a null only its field's own @cost and arguments (the resolver ran; no value was made).
//
// # Numbers
//
// Costs are float64 sums: @cost weights may be fractional ("2.5" in IBM schemas). Nothing is
// rounded; integer costs are exact up to 2^53 and JSON-encode without a fraction. A cost that
// overflows float64 (lists nested deep enough) is clamped to math.MaxFloat64, which is above
// any limit and still encodes as JSON.
package cost
