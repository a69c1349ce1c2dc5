package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// store is where the registry keeps its state. Two implementations, sqliteStore and
// postgresStore, run the same SQL (written with ? placeholders) through database/sql; they
// differ in how a write transaction takes the store-wide lock, in placeholders and in a few
// DDL words. Implementations are safe for concurrent use.
type store interface {
	// update runs fn in one transaction holding the store-wide write lock, so writers in
	// different processes on the same store run one at a time. An error from fn, or ctx
	// ending, rolls everything back. It may block until the lock is free or ctx ends.
	update(ctx context.Context, fn func(q *queries) error) error
	// view runs fn in a read-only transaction: one consistent snapshot, no lock.
	view(ctx context.Context, fn func(q *queries) error) error
	// Close releases the connections.
	Close() error
}

// dialect holds what differs between the SQL of the two stores.
type dialect struct {
	// name is shown in errors: "sqlite" or "postgres".
	name string
	// numbered makes placeholders $1, $2, ... instead of ?.
	numbered bool
	// serial is the column definition of an auto-increment int64 primary key.
	serial string
}

// rebind rewrites the ? placeholders of query for d. The registry's SQL has no ? inside
// string literals.
func (d dialect) rebind(query string) string {
	if !d.numbered {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// maxConns bounds each store's connection pool: one writer per registry plus readers.
const maxConns = 16

// sqlStore is what both stores share: the connection pool and the transaction plumbing.
type sqlStore struct {
	db *sql.DB
	d  dialect
	// lock, when set, is run first in every write transaction to take the store-wide lock.
	lock string
	// viewOpts start a read-only transaction: one snapshot for all its statements.
	viewOpts *sql.TxOptions
}

// update runs fn in a write transaction; see store.update.
func (s *sqlStore) update(ctx context.Context, fn func(q *queries) error) error {
	return s.run(ctx, nil, s.lock, fn)
}

// view runs fn in a read-only transaction; see store.view.
func (s *sqlStore) view(ctx context.Context, fn func(q *queries) error) error {
	opts := s.viewOpts
	if opts == nil {
		opts = &sql.TxOptions{ReadOnly: true}
	}
	return s.run(ctx, opts, "", fn)
}

func (s *sqlStore) run(ctx context.Context, opts *sql.TxOptions, lock string, fn func(q *queries) error) error {
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("%s: starting a transaction: %w", s.d.name, err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op; else the error is the one to report
	if lock != "" {
		if _, err := tx.ExecContext(ctx, lock); err != nil {
			return fmt.Errorf("%s: taking the registry's write lock: %w", s.d.name, err)
		}
	}
	if err := fn(&queries{tx: tx, d: s.d}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: committing: %w", s.d.name, err)
	}
	return nil
}

// Close closes the pool.
func (s *sqlStore) Close() error { return s.db.Close() }

// queries runs the registry's statements inside one transaction.
type queries struct {
	tx *sql.Tx
	d  dialect
}

func (q *queries) exec(ctx context.Context, what, query string, args ...any) (sql.Result, error) {
	res, err := q.tx.ExecContext(ctx, q.d.rebind(query), args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", q.d.name, what, err)
	}
	return res, nil
}

// row runs a query returning at most one row and scans it into dest. found is false when
// there is no row.
func (q *queries) row(ctx context.Context, what, query string, args []any, dest ...any) (found bool, err error) {
	err = q.tx.QueryRowContext(ctx, q.d.rebind(query), args...).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%s: %s: %w", q.d.name, what, err)
	}
	return true, nil
}

// rows runs a query and calls scan for each row.
func (q *queries) rows(ctx context.Context, what, query string, args []any, scan func(*sql.Rows) error) error {
	rs, err := q.tx.QueryContext(ctx, q.d.rebind(query), args...)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", q.d.name, what, err)
	}
	defer rs.Close()
	for rs.Next() {
		if err := scan(rs); err != nil {
			return fmt.Errorf("%s: %s: %w", q.d.name, what, err)
		}
	}
	if err := rs.Err(); err != nil {
		return fmt.Errorf("%s: %s: %w", q.d.name, what, err)
	}
	return nil
}
