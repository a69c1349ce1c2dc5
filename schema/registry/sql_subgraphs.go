package registry

import (
	"context"
	"database/sql"
	"time"
)

const subgraphColumns = `v.name, v.version, v.routing_url, v.sdl, v.published_at, v.published_by`

func scanSubgraph(sc interface{ Scan(...any) error }) (Subgraph, error) {
	var s Subgraph
	var at int64
	err := sc.Scan(&s.Name, &s.Version, &s.RoutingURL, &s.SDL, &at, &s.PublishedBy)
	s.PublishedAt = time.UnixMicro(at).UTC()
	return s, err
}

// currentSet returns the current version of every subgraph in the set, sorted by name.
func (q *queries) currentSet(ctx context.Context) ([]Subgraph, error) {
	var out []Subgraph
	err := q.rows(ctx, "reading the current subgraphs", `SELECT `+subgraphColumns+`
		FROM subgraphs c JOIN subgraph_versions v ON v.name = c.name AND v.version = c.version
		ORDER BY v.name`, nil, func(rs *sql.Rows) error {
		s, err := scanSubgraph(rs)
		out = append(out, s)
		return err
	})
	return out, err
}

// current returns the current version of one subgraph, or nil when it is not in the set.
func (q *queries) current(ctx context.Context, name string) (*Subgraph, error) {
	return q.oneSubgraph(ctx, "reading subgraph "+name, `SELECT `+subgraphColumns+`
		FROM subgraphs c JOIN subgraph_versions v ON v.name = c.name AND v.version = c.version
		WHERE c.name = ?`, name)
}

// version returns one stored version of a subgraph, or nil.
func (q *queries) version(ctx context.Context, name string, version int) (*Subgraph, error) {
	return q.oneSubgraph(ctx, "reading a subgraph version", `SELECT `+subgraphColumns+`
		FROM subgraph_versions v WHERE v.name = ? AND v.version = ?`, name, version)
}

func (q *queries) oneSubgraph(ctx context.Context, what, query string, args ...any) (*Subgraph, error) {
	var out *Subgraph
	err := q.rows(ctx, what, query, args, func(rs *sql.Rows) error {
		s, err := scanSubgraph(rs)
		out = &s
		return err
	})
	return out, err
}

// versions returns every stored version of one subgraph, newest first.
func (q *queries) versions(ctx context.Context, name string) ([]Subgraph, error) {
	var out []Subgraph
	err := q.rows(ctx, "reading the versions of subgraph "+name, `SELECT `+subgraphColumns+`
		FROM subgraph_versions v WHERE v.name = ? ORDER BY v.version DESC`, []any{name}, func(rs *sql.Rows) error {
		s, err := scanSubgraph(rs)
		out = append(out, s)
		return err
	})
	return out, err
}

// putSubgraph stores s as the next version of its name and makes it current. It returns the
// version given.
func (q *queries) putSubgraph(ctx context.Context, s Subgraph) (int, error) {
	var last int
	if _, err := q.row(ctx, "numbering the subgraph version", `SELECT COALESCE(MAX(version), 0) FROM subgraph_versions WHERE name = ?`, []any{s.Name}, &last); err != nil {
		return 0, err
	}
	v := last + 1
	if _, err := q.exec(ctx, "storing the subgraph version", `INSERT INTO subgraph_versions
		(name, version, routing_url, sdl, published_at, published_by) VALUES (?, ?, ?, ?, ?, ?)`,
		s.Name, v, s.RoutingURL, s.SDL, s.PublishedAt.UnixMicro(), s.PublishedBy); err != nil {
		return 0, err
	}
	if _, err := q.exec(ctx, "making the subgraph version current", `INSERT INTO subgraphs (name, version) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET version = excluded.version`, s.Name, v); err != nil {
		return 0, err
	}
	return v, nil
}

// dropSubgraph takes a subgraph out of the current set; its versions stay for rollback.
func (q *queries) dropSubgraph(ctx context.Context, name string) error {
	_, err := q.exec(ctx, "removing the subgraph from the current set", `DELETE FROM subgraphs WHERE name = ?`, name)
	return err
}
