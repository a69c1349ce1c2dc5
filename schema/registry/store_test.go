package registry

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/trellis-gql/trellis/internal/pgtest"
)

func openSQLiteRegistry(t *testing.T) *Registry {
	return openAt(t, filepath.Join(t.TempDir(), "registry.db"), testOptions())
}

func openPostgresRegistry(t *testing.T) *Registry {
	return openAt(t, pgtest.DSN(t), testOptions())
}

func openAt(t *testing.T, dsn string, opts Options) *Registry {
	t.Helper()
	r, err := Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatalf("Open(%q): %v", dsn, err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// reopen opens another registry on r's store, as another process would, with r's options
// changed by edit.
func reopen(t *testing.T, r *Registry, edit func(*Options)) *Registry {
	t.Helper()
	opts := r.opts
	if edit != nil {
		edit(&opts)
	}
	return openAt(t, r.dsn, opts)
}

func TestSQLite(t *testing.T)   { testRegistry(t, openSQLiteRegistry) }
func TestPostgres(t *testing.T) { testRegistry(t, openPostgresRegistry) }

func TestRebind(t *testing.T) {
	q := `SELECT a FROM t WHERE b = ? AND c IN (?, ?)`
	if got := sqliteDialect.rebind(q); got != q {
		t.Errorf("sqlite rebind = %q; want it unchanged", got)
	}
	if got, want := postgresDialect.rebind(q), `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)`; got != want {
		t.Errorf("postgres rebind = %q; want %q", got, want)
	}
}
