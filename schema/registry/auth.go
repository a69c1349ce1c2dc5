package registry

import (
	"fmt"
	"slices"
)

// authorize says whether p may change subgraph name.
func authorize(p *Principal, name string) error {
	if p == nil {
		return fmt.Errorf("%w: no token: send one as Authorization: Bearer <token>", ErrUnauthenticated)
	}
	if p.Admin || slices.Contains(p.Subgraphs, name) {
		return nil
	}
	if len(p.Subgraphs) == 0 {
		return fmt.Errorf("%w: team %q may not change subgraph %q: its token is read-only; ask an admin for a token that names %q", ErrForbidden, p.Team, name, name)
	}
	return fmt.Errorf("%w: team %q may not change subgraph %q: its token allows %v; ask an admin for a token that names %q", ErrForbidden, p.Team, name, p.Subgraphs, name)
}

// authenticated says whether there is a principal at all.
func authenticated(p *Principal) error {
	if p == nil {
		return fmt.Errorf("%w: no token: send one as Authorization: Bearer <token>", ErrUnauthenticated)
	}
	return nil
}

// foreignTakeovers are the takeovers of subgraphs p does not own (none for the admin).
func foreignTakeovers(p *Principal, taken []Takeover) []Takeover {
	if p.Admin {
		return nil
	}
	var out []Takeover
	for _, t := range taken {
		if !slices.Contains(p.Subgraphs, t.From) {
			out = append(out, t)
		}
	}
	return out
}

// adminOnly says whether p is the admin.
func adminOnly(p *Principal, what string) error {
	if err := authenticated(p); err != nil {
		return err
	}
	if !p.Admin {
		return fmt.Errorf("%w: only the admin token may %s (this is team %q's token)", ErrForbidden, what, p.Team)
	}
	return nil
}
