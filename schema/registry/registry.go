package registry

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Retention: the store keeps every subgraph version (rollback needs them) but only the
// newest supergraphs and attempts, so a CI loop of failing publishes cannot fill the disk.
const (
	keepSupergraphs  = 100
	keepPublications = 10000
)

// Registry stores subgraphs and composes them into supergraph versions. Safe for concurrent
// use; changes are serialized, in the process and across processes sharing the store.
type Registry struct {
	store   store
	dsn     string
	opts    Options
	compose Composer
	diff    Differ
	log     *slog.Logger
	now     func() time.Time

	keepSupergraphs, keepPublications int
	// beforeSupergraph, when set (by tests), runs after the subgraph version is written and
	// before the supergraph is: its error must roll the subgraph version back.
	beforeSupergraph func() error

	// sem is the in-process write lock (a channel so that waiting for it honours ctx).
	sem chan struct{}
	w   *watcher

	closeOnce sync.Once
	closed    chan struct{}
}

// Open opens (creating and migrating when needed) the store named by dsn: "postgres://..." or
// "postgresql://..." is PostgreSQL; anything else is a SQLite file path ("" = ./trellis.db).
func Open(ctx context.Context, dsn string, opts Options) (*Registry, error) {
	if err := checkOptions(&opts); err != nil {
		return nil, err
	}
	s, d, err := openStore(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, s, d); err != nil {
		s.Close()
		return nil, fmt.Errorf("registry: preparing the store: %w", err)
	}
	r := &Registry{
		store: s, dsn: dsn, opts: opts, compose: opts.Compose, diff: opts.Diff, log: opts.Logger,
		now:             func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }, // what the store keeps
		keepSupergraphs: keepSupergraphs, keepPublications: keepPublications,
		sem: make(chan struct{}, 1), closed: make(chan struct{}),
	}
	r.w = newWatcher(r.latestVersion, r.loadLatest, opts.PollInterval, r.log, r.closed)
	if err := r.w.refresh(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("registry: %w", err)
	}
	return r, nil
}

func checkOptions(o *Options) error {
	if o.Compose == nil || o.Diff == nil {
		return fmt.Errorf("%w: registry options: Compose and Diff are required", ErrInvalid)
	}
	if o.AdminToken != "" {
		if err := checkSecret(o.AdminToken); err != nil {
			return err
		}
	}
	if o.PollInterval < 0 {
		return fmt.Errorf("%w: registry options: PollInterval %v is negative: use 0 for the default (1s)", ErrInvalid, o.PollInterval)
	}
	if o.PollInterval == 0 {
		o.PollInterval = time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return nil
}

func openStore(ctx context.Context, dsn string) (store, dialect, error) {
	if isPostgres(dsn) {
		s, err := openPostgres(ctx, dsn)
		if err != nil {
			return nil, dialect{}, fmt.Errorf("registry: %w", err)
		}
		return s, postgresDialect, nil
	}
	s, err := openSQLite(ctx, dsn)
	if err != nil {
		return nil, dialect{}, fmt.Errorf("registry: %w", err)
	}
	return s, sqliteDialect, nil
}

// Close closes the store and makes waiting calls return ErrClosed. Calling it again does
// nothing.
func (r *Registry) Close() error {
	var err error
	r.closeOnce.Do(func() {
		close(r.closed)
		// Take the write lock so that no change is half-way when the pool closes.
		r.sem <- struct{}{}
		err = r.store.Close()
	})
	return err
}

// write runs fn in one locked store transaction: in-process writers queue on sem, other
// processes on the store's lock.
func (r *Registry) write(ctx context.Context, fn func(q *queries) error) error {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-r.closed:
		return ErrClosed
	}
	defer func() { <-r.sem }()
	select {
	case <-r.closed:
		return ErrClosed
	default:
	}
	return r.store.update(ctx, fn)
}

// read runs fn on a read-only snapshot of the store.
func (r *Registry) read(ctx context.Context, fn func(q *queries) error) error {
	select {
	case <-r.closed:
		return ErrClosed
	default:
	}
	return r.store.view(ctx, fn)
}
