package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// token is a stored token: a principal and the hash of its secret.
type token struct {
	Principal
	hash      string
	createdAt time.Time
}

func (q *queries) addToken(ctx context.Context, t token) error {
	subgraphs, err := json.Marshal(orEmpty(t.Subgraphs))
	if err != nil {
		return fmt.Errorf("encoding the token's subgraphs: %w", err)
	}
	admin := 0
	if t.Admin {
		admin = 1
	}
	_, err = q.exec(ctx, "storing the token", `INSERT INTO tokens (id, secret_hash, team, admin, subgraphs, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, t.TokenID, t.hash, t.Team, admin, string(subgraphs), t.createdAt.UnixMicro())
	return err
}

// deleteToken deletes one token and reports whether it existed.
func (q *queries) deleteToken(ctx context.Context, id string) (bool, error) {
	res, err := q.exec(ctx, "deleting the token", `DELETE FROM tokens WHERE id = ?`, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("%s: deleting the token: %w", q.d.name, err)
	}
	return n > 0, nil
}

func (q *queries) deleteAdminTokens(ctx context.Context) error {
	_, err := q.exec(ctx, "deleting the admin token", `DELETE FROM tokens WHERE admin = 1`)
	return err
}

// adminTokenHash returns the hash of the admin token, "" when there is none.
func (q *queries) adminTokenHash(ctx context.Context) (string, error) {
	var h string
	_, err := q.row(ctx, "looking for the admin token", `SELECT secret_hash FROM tokens WHERE admin = 1 ORDER BY id LIMIT 1`, nil, &h)
	return h, err
}

const tokenColumns = `id, team, admin, subgraphs`

func scanPrincipal(sc interface{ Scan(...any) error }) (Principal, error) {
	var p Principal
	var admin int
	var subgraphs string
	if err := sc.Scan(&p.TokenID, &p.Team, &admin, &subgraphs); err != nil {
		return p, err
	}
	p.Admin = admin == 1
	if err := json.Unmarshal([]byte(subgraphs), &p.Subgraphs); err != nil {
		return p, fmt.Errorf("decoding the subgraphs of token %s: %w", p.TokenID, err)
	}
	return p, nil
}

// tokenByHash returns the principal of the token with that secret hash, or nil.
func (q *queries) tokenByHash(ctx context.Context, hash string) (*Principal, error) {
	var out *Principal
	err := q.rows(ctx, "looking up the token", `SELECT `+tokenColumns+` FROM tokens WHERE secret_hash = ?`, []any{hash}, func(rs *sql.Rows) error {
		p, err := scanPrincipal(rs)
		out = &p
		return err
	})
	return out, err
}

// tokens lists every token: the admin's first, then by team and id.
func (q *queries) tokens(ctx context.Context) ([]Principal, error) {
	var out []Principal
	err := q.rows(ctx, "listing the tokens", `SELECT `+tokenColumns+` FROM tokens ORDER BY admin DESC, team, id`, nil, func(rs *sql.Rows) error {
		p, err := scanPrincipal(rs)
		out = append(out, p)
		return err
	})
	return out, err
}
