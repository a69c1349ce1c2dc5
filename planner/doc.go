// Package planner turns a validated operation into a query plan for a supergraph.
//
// The flow inside the package reads from the file listing:
//
//	operation.go  the normalized operation (fragments expanded per concrete type, fields merged)
//	normalize.go  gqlparser AST + variables -> normalized operation
//	plan.go       the plan: plain data (Sequence, Parallel, Flatten, Fetch)
//	build.go      the builder: places each field in a subgraph fetch, jumping through keys
//	jump.go       entity jumps, @requires, interface objects
//	cost.go       the estimate used to choose between subgraphs and keys
//	steps.go      fetch steps and their dependencies
//	emit.go       steps -> plan nodes and subgraph operations
//	print.go      the plan's stable text form
//
// The planner is pure: no I/O, no clock, no goroutines. @skip and @include are evaluated
// during normalization, so a plan is specific to the boolean outcomes of its variables and a
// skipped field never triggers a fetch (see docs/planning.md).
package planner
