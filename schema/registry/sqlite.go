package registry

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go
)

// sqliteBusyTimeoutMS is how long a write transaction waits for another process's write lock
// on the same file before failing with "database is locked".
const sqliteBusyTimeoutMS = 30000

// sqliteStore keeps the registry in one SQLite file. Every write transaction begins with
// BEGIN IMMEDIATE (the driver's _txlock=immediate), which takes the file's write lock at once:
// that is the store-wide lock. WAL mode lets readers run beside the one writer; synchronous=FULL
// makes a committed transaction survive a power cut.
type sqliteStore struct{ sqlStore }

var _ store = (*sqliteStore)(nil)

var sqliteDialect = dialect{name: "sqlite", serial: "INTEGER PRIMARY KEY AUTOINCREMENT"}

// openSQLite opens (creating when needed) the SQLite file at path.
func openSQLite(ctx context.Context, path string) (*sqliteStore, error) {
	if path == "" {
		path = "trellis.db"
	}
	if strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("%w: SQLite path %q: give a plain file path (no ?, # or file: prefix)", ErrInvalid, path)
	}
	params := url.Values{}
	params.Set("_txlock", "immediate")
	params.Set("_busy_timeout", fmt.Sprint(sqliteBusyTimeoutMS))
	params.Set("_journal_mode", "WAL")
	params.Set("_synchronous", "FULL")
	params.Set("_foreign_keys", "1")
	db, err := sql.Open("sqlite", path+"?"+params.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: opening %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: opening %s: %w (is the directory there and writable?)", path, err)
	}
	db.SetMaxOpenConns(maxConns)
	return &sqliteStore{sqlStore{db: db, d: sqliteDialect}}, nil
}
