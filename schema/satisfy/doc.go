// Package satisfy is the satisfiability check of composition: after the subgraphs are merged
// into a supergraph, every field of the API schema must be reachable from a root operation
// type through the subgraphs, or composition fails with a witness query and, per subgraph,
// the reason it cannot reach the field.
//
// It is the last stage of schema/compose, run on the printed supergraph once loaded again by
// schema/supergraph (the model the planner reads too); it imports nothing else of Trellis. The files read as the walk:
//
//	satisfy.go  Error, Check, the memo tables and the step budget
//	walk.go     the breadth-first walk over (API type, set of subgraph options)
//	option.go   an option: a subgraph at an API type, with its @provides and last override label
//	reach.go    key jumps (the closure of a subgraph at a type) and field-set conditions
//	advance.go  one field edge or down-cast for one option
//	reason.go   why no option could take an edge, in Apollo's words
//	witness.go  the witness query, with placeholder argument values
//	runtime.go  SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES
//	mutation.go a mutation field shared by subgraphs must be satisfiable from one of them
//
// The decisions the design documents leave open are in docs/satisfiability.md.
package satisfy
