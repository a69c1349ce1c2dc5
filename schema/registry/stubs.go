package registry

import (
	"context"
	"errors"
)

var errTODO = errors.New("registry: not implemented yet")

// Registry stores subgraphs and composes them into supergraph versions. Safe for concurrent use.
type Registry struct{}

// Open opens (creating and migrating when needed) the store named by dsn: "postgres://..." or
// "postgresql://..." is PostgreSQL; anything else is a SQLite file path ("" = ./trellis.db).
func Open(ctx context.Context, dsn string, opts Options) (*Registry, error) { return nil, errTODO }

// Close closes the store and wakes waiters.
func (r *Registry) Close() error { return nil }

// Bootstrap makes sure an admin token exists. With Options.AdminToken set it records that token
// (replacing an earlier admin token). Otherwise, the first time it creates a random one and
// returns it with created == true, for the caller to print once; later calls return "", false.
func (r *Registry) Bootstrap(ctx context.Context) (token string, created bool, err error) {
	return "", false, errTODO
}

// Authenticate resolves a bearer secret (stored only as a SHA-256 hash) to its principal.
func (r *Registry) Authenticate(ctx context.Context, secret string) (*Principal, error) {
	return nil, errTODO
}

// CreateToken (admin only) creates a team token allowed to publish/remove/rollback the named
// subgraphs; the secret is returned once.
func (r *Registry) CreateToken(ctx context.Context, p *Principal, team string, subgraphs []string) (id, secret string, err error) {
	return "", "", errTODO
}

// RevokeToken (admin only) deletes one token.
func (r *Registry) RevokeToken(ctx context.Context, p *Principal, id string) error { return errTODO }

// Tokens (admin only) lists the tokens, without secrets.
func (r *Registry) Tokens(ctx context.Context, p *Principal) ([]Principal, error) {
	return nil, errTODO
}

// Publish stores a new version of a subgraph when the set composes and the change is allowed.
func (r *Registry) Publish(ctx context.Context, p *Principal, in Input, allowBreaking bool) (*Result, error) {
	return nil, errTODO
}

// Check composes and diffs as Publish would, and changes nothing.
func (r *Registry) Check(ctx context.Context, p *Principal, in Input) (*CheckResult, error) {
	return nil, errTODO
}

// Remove takes a subgraph out of the current set.
func (r *Registry) Remove(ctx context.Context, p *Principal, name string, allowBreaking bool) (*Result, error) {
	return nil, errTODO
}

// Rollback republishes version `to` of subgraph `name` (schema and routing URL) as a new version.
func (r *Registry) Rollback(ctx context.Context, p *Principal, name string, to int, allowBreaking bool) (*Result, error) {
	return nil, errTODO
}

// Subgraphs returns the current set, sorted by name.
func (r *Registry) Subgraphs(ctx context.Context) ([]Subgraph, error) { return nil, errTODO }

// Subgraph returns the current version of one subgraph, or ErrNotFound.
func (r *Registry) Subgraph(ctx context.Context, name string) (*Subgraph, error) {
	return nil, errTODO
}

// Versions returns every stored version of one subgraph, newest first.
func (r *Registry) Versions(ctx context.Context, name string) ([]Subgraph, error) {
	return nil, errTODO
}

// History returns recorded attempts, newest first; name "" = all subgraphs.
func (r *Registry) History(ctx context.Context, name string, limit int) ([]Publication, error) {
	return nil, errTODO
}

// Supergraph returns the latest good supergraph; nil, nil before the first.
func (r *Registry) Supergraph(ctx context.Context) (*Supergraph, error) { return nil, errTODO }

// Wait returns the latest supergraph once its Version > after, or when ctx ends (then the
// current one, possibly nil, and no error).
func (r *Registry) Wait(ctx context.Context, after int64) (*Supergraph, error) {
	return nil, errTODO
}
