// Package headers holds the gateway's header rules: which client request headers reach each
// subgraph (propagated, renamed, defaulted, set from a fixed value or a verified JWT claim,
// removed), and which subgraph response headers reach the client and how the values of
// several subgraphs combine (Cache-Control merged to the most restrictive policy).
//
// It sits beside the executor's fetch stage: the executor compiles a Config once (New) into
// Rules, applies them to each outgoing subgraph request (Rules.Apply), keys what it shares
// between requests by what the rules read (Rules.Key, Rules.Fingerprint), and gathers the
// subgraph responses of one execution in a Collector whose result goes to the client.
//
// The package knows nothing of GraphQL, files or YAML; cmd/trellis maps the configuration
// file onto Config. docs/headers.md records the decisions behind the rules.
package headers
