package pgtest

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		name, server     string
		ci               bool
		dsn, fatal, skip string
	}{
		{name: "set", server: "postgres://h/db", dsn: "postgres://h/db"},
		{name: "set under CI", server: "postgres://h/db", ci: true, dsn: "postgres://h/db"},
		{name: "unset", skip: "export " + EnvServer + "="},
		{name: "unset under CI", ci: true, fatal: "CI must start PostgreSQL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dsn, fatal, skip := lookup(tc.server, tc.ci)
			if dsn != tc.dsn || !containsOrBoth(fatal, tc.fatal) || !containsOrBoth(skip, tc.skip) {
				t.Fatalf("lookup(%q, %v) = %q, %q, %q; want %q and messages containing %q, %q", tc.server, tc.ci, dsn, fatal, skip, tc.dsn, tc.fatal, tc.skip)
			}
		})
	}
}

// containsOrBoth: got contains want, and got is empty exactly when want is.
func containsOrBoth(got, want string) bool {
	return (got == "") == (want == "") && strings.Contains(got, want)
}

func TestDatabaseURL(t *testing.T) {
	name, dsn, err := databaseURL("postgres://u:p@127.0.0.1:5432/postgres?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(name, "test_") || len(name) != len("test_")+16 {
		t.Fatalf("name = %q; want test_ and 16 hex digits", name)
	}
	if want := "postgres://u:p@127.0.0.1:5432/" + name + "?sslmode=disable"; dsn != want {
		t.Fatalf("dsn = %q; want %q", dsn, want)
	}
	for _, bad := range []string{"host=x user=y", "mysql://h/db", "postgres:///db", "://"} {
		if _, _, err := databaseURL(bad); err == nil || !strings.Contains(err.Error(), "must be a URL") {
			t.Errorf("databaseURL(%q) err = %v; want one saying it must be a URL", bad, err)
		}
	}
}

func TestDSNCreatesAFreshDatabaseAndDropsIt(t *testing.T) {
	var dsn string
	t.Run("use", func(t *testing.T) {
		dsn = DSN(t)
		conn := connect(t, dsn)
		defer conn.Close(context.Background())
		var n int
		if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("tables in the new database = %d, %v; want 0", n, err)
		}
		// A connection of this role still open must not stop the drop (drop ends it first).
		if _, err := conn.Exec(context.Background(), `CREATE TABLE t (x int)`); err != nil {
			t.Fatal(err)
		}
	})
	if dsn == "" {
		t.Skip("no PostgreSQL (see the subtest's skip message)")
	}
	u, _ := url.Parse(dsn)
	name := strings.TrimPrefix(u.Path, "/")
	conn := connect(t, os.Getenv(EnvServer))
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil || n != 0 {
		t.Fatalf("databases named %s after the test = %d, %v; want 0 (dropped)", name, n, err)
	}
}

func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatalf("connecting to %s: %v", dsn, err)
	}
	return conn
}
