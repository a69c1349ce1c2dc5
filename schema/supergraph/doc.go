// Package supergraph loads an Apollo Federation supergraph SDL (join spec v0.1 to v0.5) into
// the two things the rest of Trellis needs: the client-facing API schema, and the join
// metadata that says which subgraph resolves which type and field, with which keys,
// requirements, provisions and overrides.
//
// It sits at the very start of the data flow: cmd loads a file, Load turns it into a
// *Supergraph, and the planner and executor read it. It imports only gqlparser.
package supergraph
