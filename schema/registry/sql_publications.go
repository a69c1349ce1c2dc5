package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// addPublication records an attempt, sets its ID and deletes the attempts older than the
// newest keep.
func (q *queries) addPublication(ctx context.Context, p *Publication, keep int) error {
	problems, err := json.Marshal(orEmpty(p.Problems))
	if err != nil {
		return fmt.Errorf("encoding the problems: %w", err)
	}
	changes, err := json.Marshal(orEmpty(p.Changes))
	if err != nil {
		return fmt.Errorf("encoding the changes: %w", err)
	}
	if _, err := q.row(ctx, "recording the attempt", `INSERT INTO publications
		(subgraph, action, status, by_team, subgraph_version, supergraph_version, problems, changes, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		[]any{p.Subgraph, p.Action, p.Status, p.By, p.SubgraphVersion, p.SupergraphVersion,
			string(problems), string(changes), p.CreatedAt.UnixMicro()}, &p.ID); err != nil {
		return err
	}
	_, err = q.exec(ctx, "deleting old attempts", `DELETE FROM publications WHERE id <= ?`, p.ID-int64(keep))
	return err
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// publications returns up to limit attempts, newest first; name "" means every subgraph.
func (q *queries) publications(ctx context.Context, name string, limit int) ([]Publication, error) {
	query := `SELECT id, subgraph, action, status, by_team, subgraph_version, supergraph_version, problems, changes, created_at
		FROM publications`
	args := []any{}
	if name != "" {
		query += ` WHERE subgraph = ?`
		args = append(args, name)
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	var out []Publication
	err := q.rows(ctx, "reading the history", query, args, func(rs *sql.Rows) error {
		var p Publication
		var problems, changes string
		var at int64
		if err := rs.Scan(&p.ID, &p.Subgraph, &p.Action, &p.Status, &p.By, &p.SubgraphVersion,
			&p.SupergraphVersion, &problems, &changes, &at); err != nil {
			return err
		}
		p.CreatedAt = time.UnixMicro(at).UTC()
		if err := json.Unmarshal([]byte(problems), &p.Problems); err != nil {
			return fmt.Errorf("decoding the problems of attempt %d: %w", p.ID, err)
		}
		if err := json.Unmarshal([]byte(changes), &p.Changes); err != nil {
			return fmt.Errorf("decoding the changes of attempt %d: %w", p.ID, err)
		}
		out = append(out, p)
		return nil
	})
	return out, err
}
