// Package admin is the schema registry's admin API: a GraphQL endpoint (gqlgen) that
// `trellis serve --registry` mounts at POST /admin/graphql, and the Go client that the
// `trellis subgraph` and `trellis registry` commands and registry-following gateways use.
//
// It sits between HTTP and package registry: the handler authenticates the bearer token,
// hands the principal to the registry and turns the registry's errors into GraphQL errors
// with a stable extensions.code. schema.graphqls is the API; graph/ is generated from it and
// gqlgen.yml (never edited by hand; `make generate` regenerates it), and the resolvers here
// implement its graph.ResolverRoot.
package admin

//go:generate go tool gqlgen generate --config gqlgen.yml
