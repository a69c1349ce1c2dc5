// Package diff classifies the differences between two API schemas for registry checks.
//
// It sits after composition in the registry's check flow: the registry composes the
// proposed subgraph set, loads the current and the new supergraph, and Supergraphs (or
// Schemas, given API schemas) says what changed for clients and how much it matters:
// Breaking (existing operations may stop validating or get values they cannot handle),
// Dangerous (existing operations keep validating but may behave differently) or Safe.
//
// Only the client-visible API schema is compared: join and link machinery and
// @inaccessible elements are gone from it, so hiding a field is a removal and moving a
// field between subgraphs is no change at all. docs/schema-checks.md lists every code.
//
// The package is pure: no I/O, no clock, no goroutines. It imports only gqlparser and
// schema/supergraph.
package diff
