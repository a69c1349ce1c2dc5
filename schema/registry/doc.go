// Package registry is Trellis's schema registry core: teams publish subgraph schemas, the
// registry composes the set, and only a composition that succeeds (and whose changes are
// allowed) becomes the next supergraph version, which gateways fetch or Wait for.
//
// Where it sits: the admin GraphQL API (schema/registry/admin), the CLI and the gateway wiring
// call it; it calls a Composer (schema/compose) and a Differ (schema/diff) given in Options, and
// keeps its state in a store: a SQLite file (pure Go driver) by default or PostgreSQL when
// scaled out. docs/registry.md describes the tables, transactions and locking, durability and
// tokens.
//
// Files: api.go (types), registry.go (Open, Close, locking), publish.go (Publish, Remove,
// Rollback, Check), tokens.go and auth.go, read.go (queries), wait.go (Wait), validate.go,
// messages.go; store.go, sqlite.go, postgres.go, migrate.go and sql_*.go are the store.
package registry
