// Package pgtest gives each test a fresh, empty PostgreSQL database on the server named by the
// environment variable TRELLIS_TEST_POSTGRES (a URL such as
// postgres://trellis:trellis@127.0.0.1:5432/postgres?sslmode=disable, whose role may create
// databases). The database is dropped when the test ends.
//
// When TRELLIS_TEST_POSTGRES is unset the test is skipped, unless the environment variable CI is
// set: CI must provide PostgreSQL (.ci/run starts one), so there the test fails instead.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// EnvServer names the environment variable holding the server's URL.
const EnvServer = "TRELLIS_TEST_POSTGRES"

// timeout bounds creating and dropping a database.
const timeout = 30 * time.Second

// DSN creates a database named test_<random> and returns its URL. It is dropped (with any
// connections still open to it) at t.Cleanup, which runs after the cleanups the test registers
// later, such as closing its connection pool.
func DSN(t testing.TB) string {
	t.Helper()
	server, fatal, skip := lookup(os.Getenv(EnvServer), os.Getenv("CI") != "")
	if fatal != "" {
		t.Fatal(fatal)
	}
	if skip != "" {
		t.Skip(skip)
	}
	name, dsn, err := databaseURL(server)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if err := exec(server, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: creating database %s on the server in %s: %v", name, EnvServer, err)
	}
	t.Cleanup(func() {
		if err := drop(server, name); err != nil {
			t.Errorf("pgtest: dropping database %s: %v", name, err)
		}
	})
	return dsn
}

// drop drops the database after ending this role's connections to it. Not WITH (FORCE): that
// also terminates an autovacuum worker busy in the database, which a role without
// pg_signal_backend may not (SQLSTATE 42501, seen after a test of many writes). A plain DROP
// stops autovacuum itself; another role's connection still open makes it fail (55006), and
// it is tried again until the timeout.
func drop(server, name string) error {
	return withConn(server, func(ctx context.Context, conn *pgx.Conn) error {
		return dropOn(ctx, conn, name)
	})
}

func dropOn(ctx context.Context, conn *pgx.Conn, name string) error {
	for {
		_, err := conn.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = $1 AND usename = current_user AND pid <> pg_backend_pid()`, name)
		if err == nil {
			_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name)
		}
		var pgErr *pgconn.PgError
		if err == nil || !errors.As(err, &pgErr) || pgErr.Code != "55006" {
			return err
		}
		select { // still in use: a connection that has not ended yet
		case <-ctx.Done():
			return err
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// lookup decides from the environment: the server URL, or why the test cannot run, as a
// message for t.Fatal (under CI) or for t.Skip.
func lookup(server string, ci bool) (dsn, fatal, skip string) {
	switch {
	case server != "":
		return server, "", ""
	case ci:
		return "", "pgtest: " + EnvServer + " is not set and CI is set: CI must start PostgreSQL (see .ci/run) and export " + EnvServer, ""
	default:
		return "", "", "pgtest: " + EnvServer + " is not set; to run the PostgreSQL tests export " + EnvServer +
			"=postgres://trellis:trellis@127.0.0.1:5432/postgres?sslmode=disable (a role with CREATEDB), or run .ci/run"
	}
}

// databaseURL returns a fresh database name and server's URL pointing at it.
func databaseURL(server string) (name, dsn string, err error) {
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return "", "", fmt.Errorf("%s must be a URL such as postgres://trellis:trellis@127.0.0.1:5432/postgres?sslmode=disable", EnvServer)
	}
	b := make([]byte, 8)
	rand.Read(b)
	name = "test_" + hex.EncodeToString(b)
	u.Path = "/" + name
	return name, u.String(), nil
}

// exec runs one statement on the server's own database.
func exec(server, stmt string) error {
	return withConn(server, func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, stmt)
		return err
	})
}

// withConn runs fn on a connection to server, all within the timeout.
func withConn(server string, fn func(context.Context, *pgx.Conn) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return fn(ctx, conn)
}
