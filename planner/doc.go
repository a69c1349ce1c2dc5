// Package planner turns a validated operation into a query plan for a supergraph.
//
// The flow inside the package reads from the file listing:
//
//	operation.go  the normalized operation (fragments expanded per concrete type, fields merged)
//	normalize.go  gqlparser AST + variables -> normalized operation
//	plan.go       the plan: plain data (Sequence, Parallel, Flatten, Fetch)
//	build.go      the builder: places each field in a subgraph fetch, jumping through keys
//	abstract.go   selections on interfaces and unions, @interfaceObject
//	jump.go       entity jumps and @requires
//	alias.go      internal aliases for requirements that clash with client fields
//	cost.go       the estimate used to choose between subgraphs and keys
//	steps.go      fetch steps, their selections and dependencies
//	conflicts.go  aliases and rewrites for fields whose types clash inside one subgraph
//	emit.go       steps -> plan nodes (waves with Batch, or a tree) and subgraph operations
//	print.go      the plan's stable text form
//
// The planner is pure: no I/O, no clock, no goroutines. @skip and @include are evaluated
// during normalization, so a plan is specific to the boolean outcomes of its variables and a
// skipped field never triggers a fetch (see docs/planning.md).
package planner
