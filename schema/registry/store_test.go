package registry

import (
	"context"
	"path/filepath"
	"strings"
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

// TestSQLiteSettings checks the durability settings on a pooled connection, and that the
// foreign key from the current set to the stored versions is enforced.
func TestSQLiteSettings(t *testing.T) {
	r := openSQLiteRegistry(t)
	ctx := context.Background()
	var journal string
	var synchronous, foreignKeys, busy int
	err := r.store.view(ctx, func(q *queries) error {
		for _, p := range []struct {
			pragma string
			dest   any
		}{{"journal_mode", &journal}, {"synchronous", &synchronous}, {"foreign_keys", &foreignKeys}, {"busy_timeout", &busy}} {
			if _, err := q.row(ctx, p.pragma, "PRAGMA "+p.pragma, nil, p.dest); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || journal != "wal" || synchronous != 2 || foreignKeys != 1 || busy != sqliteBusyTimeoutMS {
		t.Fatalf("journal_mode=%s synchronous=%d foreign_keys=%d busy_timeout=%d, %v; want wal, 2 (FULL), 1, %d",
			journal, synchronous, foreignKeys, busy, err, sqliteBusyTimeoutMS)
	}
	err = r.store.update(ctx, func(q *queries) error {
		_, err := q.exec(ctx, "dangling", `INSERT INTO subgraphs (name, version) VALUES ('ghost', 1)`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("a current-set row without its version was stored (err %v); want a foreign key error", err)
	}
}

func TestOpenRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, dsn string
		opts      Options
		message   string
	}{
		{"no composer", filepath.Join(t.TempDir(), "x.db"), Options{Diff: fakeDiff}, "Compose and Diff are required"},
		{"no differ", filepath.Join(t.TempDir(), "x.db"), Options{Compose: fakeCompose}, "Compose and Diff are required"},
		{"negative poll", filepath.Join(t.TempDir(), "x.db"), Options{Compose: fakeCompose, Diff: fakeDiff, PollInterval: -1}, "PollInterval"},
		{"query in path", "x.db?mode=ro", testOptions(), "plain file path"},
		{"file URI", "file:x.db", testOptions(), "plain file path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(ctx, tc.dsn, tc.opts)
			wantErr(t, "Open", err, ErrInvalid, tc.message)
		})
	}
	_, err := Open(ctx, filepath.Join(t.TempDir(), "missing", "dir", "x.db"), testOptions())
	if err == nil || !strings.Contains(err.Error(), "sqlite: opening") {
		t.Fatalf("Open in a missing directory err = %v; want one saying it could not open the file", err)
	}
	_, err = Open(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=5", testOptions())
	if err == nil || !strings.Contains(err.Error(), "postgres: connecting") {
		t.Fatalf("Open of an unreachable server err = %v; want a connection error", err)
	}
}
