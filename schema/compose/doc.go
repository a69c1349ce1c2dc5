// Package compose composes Apollo Federation subgraph schemas into a supergraph SDL (the
// @link/join__* encoding that package supergraph loads), or reports every composition
// problem at once with Apollo's error codes.
//
// It sits before the gateway in the data flow: `trellis compose` (or the registry) calls
// Compose with subgraph SDLs; the printed supergraph is what `trellis serve` loads. The
// pipeline reads like the file list: subgraph (parse, detect the federation version, add
// the federation definitions, validate as GraphQL), upgrade (Federation 1 semantics),
// validate (field sets, @external, @shareable, @override, ...), merge (types, fields,
// arguments, enums, inputs, directives), postmerge (interfaces, @inaccessible), print, and
// check (the output must load, then satisfiability). It imports only gqlparser, x/text and
// the sibling schema packages.
package compose
