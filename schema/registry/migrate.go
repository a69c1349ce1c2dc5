package registry

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// migration is one versioned step of the store's schema. Steps are never edited once
// released: a change is a new step. {{serial}} stands for the dialect's auto-increment key.
type migration struct {
	version    int
	statements []string
}

var migrations = []migration{{
	version: 1,
	statements: []string{
		`CREATE TABLE tokens (
			id TEXT PRIMARY KEY,
			secret_hash TEXT NOT NULL UNIQUE,
			team TEXT NOT NULL,
			admin INTEGER NOT NULL DEFAULT 0,
			subgraphs TEXT NOT NULL DEFAULT '[]',
			created_at BIGINT NOT NULL
		)`,
		`CREATE TABLE subgraph_versions (
			name TEXT NOT NULL,
			version INTEGER NOT NULL,
			routing_url TEXT NOT NULL,
			sdl TEXT NOT NULL,
			published_at BIGINT NOT NULL,
			published_by TEXT NOT NULL,
			PRIMARY KEY (name, version)
		)`,
		`CREATE TABLE subgraphs (
			name TEXT PRIMARY KEY,
			version INTEGER NOT NULL,
			FOREIGN KEY (name, version) REFERENCES subgraph_versions (name, version)
		)`,
		`CREATE TABLE supergraphs (
			version BIGINT PRIMARY KEY,
			sdl TEXT NOT NULL,
			hash TEXT NOT NULL,
			subgraphs TEXT NOT NULL,
			created_at BIGINT NOT NULL
		)`,
		`CREATE TABLE publications (
			id {{serial}},
			subgraph TEXT NOT NULL,
			action TEXT NOT NULL,
			status TEXT NOT NULL,
			by_team TEXT NOT NULL,
			subgraph_version INTEGER NOT NULL,
			supergraph_version BIGINT NOT NULL,
			problems TEXT NOT NULL,
			changes TEXT NOT NULL,
			created_at BIGINT NOT NULL
		)`,
		`CREATE INDEX publications_by_subgraph ON publications (subgraph, id)`,
	},
}, {
	version: 2,
	statements: []string{
		// The central traffic policy's versions (docs/central-policy.md).
		`CREATE TABLE policies (
			version BIGINT PRIMARY KEY,
			document TEXT NOT NULL,
			hash TEXT NOT NULL,
			created_at BIGINT NOT NULL,
			created_by TEXT NOT NULL
		)`,
	},
}}

// migrate brings the store's schema to the latest version, in one locked transaction, so
// processes opening the same store at once migrate it once. Running it again changes nothing.
func migrate(ctx context.Context, s store, d dialect) error {
	return s.update(ctx, func(q *queries) error {
		if _, err := q.exec(ctx, "creating the schema_version table", `CREATE TABLE IF NOT EXISTS schema_version (
			version INTEGER PRIMARY KEY,
			applied_at BIGINT NOT NULL
		)`); err != nil {
			return err
		}
		var current int
		if _, err := q.row(ctx, "reading the schema version", `SELECT COALESCE(MAX(version), 0) FROM schema_version`, nil, &current); err != nil {
			return err
		}
		latest := migrations[len(migrations)-1].version
		if current > latest {
			return fmt.Errorf("%s: the store's schema is version %d but this Trellis knows versions up to %d: run a newer Trellis against it", d.name, current, latest)
		}
		for _, m := range migrations {
			if m.version <= current {
				continue
			}
			for _, stmt := range m.statements {
				stmt = strings.ReplaceAll(stmt, "{{serial}}", d.serial)
				if _, err := q.exec(ctx, fmt.Sprintf("migrating to schema version %d", m.version), stmt); err != nil {
					return err
				}
			}
			if _, err := q.exec(ctx, "recording the schema version", `INSERT INTO schema_version (version, applied_at) VALUES (?, ?)`, m.version, time.Now().UnixMicro()); err != nil {
				return err
			}
		}
		return nil
	})
}
