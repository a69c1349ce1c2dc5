package registry

import (
	"context"
	"fmt"
)

// History limits.
const (
	defaultHistory = 100
	maxHistory     = 1000
)

// Subgraphs returns the current set, sorted by name.
func (r *Registry) Subgraphs(ctx context.Context) ([]Subgraph, error) {
	var out []Subgraph
	err := r.read(ctx, func(q *queries) error {
		var err error
		out, err = q.currentSet(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("registry: listing subgraphs: %w", err)
	}
	return out, nil
}

// Subgraph returns the current version of one subgraph; ErrNotFound when it is not in the set.
func (r *Registry) Subgraph(ctx context.Context, name string) (*Subgraph, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	var out *Subgraph
	err := r.read(ctx, func(q *queries) error {
		var err error
		out, err = q.current(ctx, name)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("registry: reading subgraph %q: %w", name, err)
	}
	if out == nil {
		return nil, fmt.Errorf("%w: subgraph %q is not in the current set", ErrNotFound, name)
	}
	return out, nil
}

// Versions returns every stored version of one subgraph, newest first, including those of a
// removed subgraph; ErrNotFound when it was never published.
func (r *Registry) Versions(ctx context.Context, name string) ([]Subgraph, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	var out []Subgraph
	err := r.read(ctx, func(q *queries) error {
		var err error
		out, err = q.versions(ctx, name)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("registry: listing the versions of subgraph %q: %w", name, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: subgraph %q was never published", ErrNotFound, name)
	}
	return out, nil
}

// History returns recorded attempts (publish, remove, rollback), newest first; name "" = all
// subgraphs. limit <= 0 means 100; at most 1000 are returned.
func (r *Registry) History(ctx context.Context, name string, limit int) ([]Publication, error) {
	if name != "" {
		if err := checkName(name); err != nil {
			return nil, err
		}
	}
	if limit <= 0 {
		limit = defaultHistory
	}
	limit = min(limit, maxHistory)
	var out []Publication
	err := r.read(ctx, func(q *queries) error {
		var err error
		out, err = q.publications(ctx, name, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("registry: reading the history: %w", err)
	}
	return out, nil
}

// Supergraph returns the latest good supergraph; nil, nil before the first.
func (r *Registry) Supergraph(ctx context.Context) (*Supergraph, error) {
	sg, err := r.loadLatest(ctx)
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	return sg, nil
}

func (r *Registry) loadLatest(ctx context.Context) (*Supergraph, error) {
	var sg *Supergraph
	err := r.read(ctx, func(q *queries) error {
		var err error
		sg, err = q.latestSupergraph(ctx)
		return err
	})
	return sg, err
}

func (r *Registry) latestVersion(ctx context.Context) (int64, error) {
	var v int64
	err := r.read(ctx, func(q *queries) error {
		var err error
		v, err = q.latestSupergraphVersion(ctx)
		return err
	})
	return v, err
}
