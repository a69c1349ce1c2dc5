package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// latestSupergraph returns the newest supergraph, or nil before the first.
func (q *queries) latestSupergraph(ctx context.Context) (*Supergraph, error) {
	var sg Supergraph
	var refs string
	var at int64
	found, err := q.row(ctx, "reading the latest supergraph", `SELECT version, sdl, hash, subgraphs, created_at
		FROM supergraphs ORDER BY version DESC LIMIT 1`, nil, &sg.Version, &sg.SDL, &sg.Hash, &refs, &at)
	if err != nil || !found {
		return nil, err
	}
	sg.CreatedAt = time.UnixMicro(at).UTC()
	if err := json.Unmarshal([]byte(refs), &sg.Subgraphs); err != nil {
		return nil, fmt.Errorf("%s: decoding the subgraphs of supergraph version %d: %w", q.d.name, sg.Version, err)
	}
	return &sg, nil
}

// latestSupergraphVersion returns the newest supergraph's version, 0 before the first.
func (q *queries) latestSupergraphVersion(ctx context.Context) (int64, error) {
	var v int64
	_, err := q.row(ctx, "reading the latest supergraph version", `SELECT COALESCE(MAX(version), 0) FROM supergraphs`, nil, &v)
	return v, err
}

// putSupergraph stores sg and deletes the versions older than the newest keep.
func (q *queries) putSupergraph(ctx context.Context, sg *Supergraph, keep int) error {
	refs, err := json.Marshal(sg.Subgraphs)
	if err != nil {
		return fmt.Errorf("encoding the supergraph's subgraphs: %w", err)
	}
	if _, err := q.exec(ctx, "storing the supergraph", `INSERT INTO supergraphs (version, sdl, hash, subgraphs, created_at)
		VALUES (?, ?, ?, ?, ?)`, sg.Version, sg.SDL, sg.Hash, string(refs), sg.CreatedAt.UnixMicro()); err != nil {
		return err
	}
	_, err = q.exec(ctx, "deleting old supergraphs", `DELETE FROM supergraphs WHERE version <= ?`, sg.Version-int64(keep))
	return err
}
