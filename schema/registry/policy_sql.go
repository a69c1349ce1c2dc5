package registry

import (
	"context"
	"database/sql"
	"time"
)

const policyColumns = `version, document, hash, created_at, created_by`

// latestPolicy returns the newest policy, or nil before the first.
func (q *queries) latestPolicy(ctx context.Context) (*PolicyVersion, error) {
	var pv PolicyVersion
	var at int64
	found, err := q.row(ctx, "reading the latest policy", `SELECT `+policyColumns+`
		FROM policies ORDER BY version DESC LIMIT 1`, nil, &pv.Version, &pv.Document, &pv.Hash, &at, &pv.CreatedBy)
	if err != nil || !found {
		return nil, err
	}
	pv.CreatedAt = time.UnixMicro(at).UTC()
	return &pv, nil
}

// latestPolicyVersion returns the newest policy's version, 0 before the first.
func (q *queries) latestPolicyVersion(ctx context.Context) (int64, error) {
	var v int64
	_, err := q.row(ctx, "reading the latest policy version", `SELECT COALESCE(MAX(version), 0) FROM policies`, nil, &v)
	return v, err
}

// policyVersions returns up to limit policies, newest first.
func (q *queries) policyVersions(ctx context.Context, limit int) ([]PolicyVersion, error) {
	var out []PolicyVersion
	err := q.rows(ctx, "listing the policies", `SELECT `+policyColumns+`
		FROM policies ORDER BY version DESC LIMIT ?`, []any{limit}, func(rs *sql.Rows) error {
		var pv PolicyVersion
		var at int64
		if err := rs.Scan(&pv.Version, &pv.Document, &pv.Hash, &at, &pv.CreatedBy); err != nil {
			return err
		}
		pv.CreatedAt = time.UnixMicro(at).UTC()
		out = append(out, pv)
		return nil
	})
	return out, err
}

// putPolicy stores pv and deletes the versions older than the newest keep.
func (q *queries) putPolicy(ctx context.Context, pv *PolicyVersion, keep int) error {
	if _, err := q.exec(ctx, "storing the policy", `INSERT INTO policies (`+policyColumns+`)
		VALUES (?, ?, ?, ?, ?)`, pv.Version, pv.Document, pv.Hash, pv.CreatedAt.UnixMicro(), pv.CreatedBy); err != nil {
		return err
	}
	_, err := q.exec(ctx, "deleting old policies", `DELETE FROM policies WHERE version <= ?`, pv.Version-int64(keep))
	return err
}
