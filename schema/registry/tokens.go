package registry

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
)

// adminTokenID is the id of the admin token.
const adminTokenID = "admin"

// maxTokenSubgraphs bounds the subgraph list of one token.
const maxTokenSubgraphs = 1000

// hashSecret is what the store keeps of a secret.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// newSecret returns a random bearer secret with 256 bits of entropy.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics rather than return short reads)
	return "trellis_" + base64.RawURLEncoding.EncodeToString(b)
}

func newTokenID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "tok_" + hex.EncodeToString(b)
}

// Bootstrap makes sure an admin token exists. With Options.AdminToken set it records that token
// (replacing an earlier admin token). Otherwise, the first time it creates a random one and
// returns it with created == true, for the caller to print once; later calls return "", false.
func (r *Registry) Bootstrap(ctx context.Context) (secretOnce string, created bool, err error) {
	err = r.write(ctx, func(q *queries) error {
		current, err := q.adminTokenHash(ctx)
		if err != nil {
			return err
		}
		secret := r.opts.AdminToken
		switch {
		case secret != "" && current == hashSecret(secret):
			return nil
		case secret == "" && current != "":
			return nil
		case secret == "":
			secret = newSecret()
			secretOnce, created = secret, true
		}
		if err := q.deleteAdminTokens(ctx); err != nil {
			return err
		}
		return q.addToken(ctx, token{
			Principal: Principal{TokenID: adminTokenID, Team: adminTeam, Admin: true},
			hash:      hashSecret(secret), createdAt: r.now(),
		})
	})
	if err != nil {
		return "", false, fmt.Errorf("registry: bootstrapping the admin token: %w", err)
	}
	return secretOnce, created, nil
}

// Authenticate resolves a bearer secret (stored only as a SHA-256 hash) to its principal.
func (r *Registry) Authenticate(ctx context.Context, secret string) (*Principal, error) {
	if secret == "" {
		return nil, fmt.Errorf("%w: no token: send one as Authorization: Bearer <token>", ErrUnauthenticated)
	}
	var p *Principal
	err := r.read(ctx, func(q *queries) error {
		var err error
		p, err = q.tokenByHash(ctx, hashSecret(secret))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("registry: authenticating: %w", err)
	}
	if p == nil {
		return nil, fmt.Errorf("%w: unknown or revoked token", ErrUnauthenticated)
	}
	return p, nil
}

// CreateToken (admin only) creates a team token allowed to publish/remove/rollback the named
// subgraphs (which need not exist yet); the secret is returned once. With no subgraphs the
// token is read-only: what gateways following the registry should use.
func (r *Registry) CreateToken(ctx context.Context, p *Principal, team string, subgraphs []string) (id, secret string, err error) {
	if err := adminOnly(p, "create tokens"); err != nil {
		return "", "", err
	}
	if err := checkTeam(team); err != nil {
		return "", "", err
	}
	names, err := tokenSubgraphs(subgraphs)
	if err != nil {
		return "", "", err
	}
	id, secret = newTokenID(), newSecret()
	err = r.write(ctx, func(q *queries) error {
		return q.addToken(ctx, token{
			Principal: Principal{TokenID: id, Team: team, Subgraphs: names},
			hash:      hashSecret(secret), createdAt: r.now(),
		})
	})
	if err != nil {
		return "", "", fmt.Errorf("registry: creating a token for team %q: %w", team, err)
	}
	return id, secret, nil
}

// tokenSubgraphs checks, sorts and deduplicates a token's subgraph list (empty: read-only).
func tokenSubgraphs(subgraphs []string) ([]string, error) {
	if len(subgraphs) > maxTokenSubgraphs {
		return nil, fmt.Errorf("%w: %d subgraph names; a token may name up to %d", ErrInvalid, len(subgraphs), maxTokenSubgraphs)
	}
	for _, n := range subgraphs {
		if err := checkName(n); err != nil {
			return nil, err
		}
	}
	names := slices.Clone(subgraphs)
	slices.Sort(names)
	return slices.Compact(names), nil
}

// RevokeToken (admin only) deletes one team token. The admin token is replaced through
// Options.AdminToken and Bootstrap instead.
func (r *Registry) RevokeToken(ctx context.Context, p *Principal, id string) error {
	if err := adminOnly(p, "revoke tokens"); err != nil {
		return err
	}
	if id == adminTokenID {
		return fmt.Errorf("%w: the admin token cannot be revoked: set a new one as the registry's admin token and restart", ErrInvalid)
	}
	var found bool
	err := r.write(ctx, func(q *queries) error {
		var err error
		found, err = q.deleteToken(ctx, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("registry: revoking token %q: %w", clip(id), err)
	}
	if !found {
		return fmt.Errorf("%w: no token %q: list them with Tokens", ErrNotFound, clip(id))
	}
	return nil
}

// Tokens (admin only) lists the tokens, without secrets: the admin's first, then by team.
func (r *Registry) Tokens(ctx context.Context, p *Principal) ([]Principal, error) {
	if err := adminOnly(p, "list tokens"); err != nil {
		return nil, err
	}
	var out []Principal
	err := r.read(ctx, func(q *queries) error {
		var err error
		out, err = q.tokens(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("registry: listing tokens: %w", err)
	}
	return out, nil
}
