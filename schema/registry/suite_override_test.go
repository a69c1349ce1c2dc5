package registry

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// testOverrideOfAnotherTeam: a team token may not take a field of a subgraph it does not own
// with @override (publish or rollback): the attempt is recorded as refused, nothing else is
// stored. The admin may; a team owning both subgraphs may; an override already in the current
// supergraph may be kept.
func testOverrideOfAnotherTeam(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	publish(t, r, admin, Input{Name: "b", RoutingURL: urlB, SDL: "type Query { p: Int }"}, false, StatusPublished)
	team := &Principal{TokenID: "tok_1", Team: "gateways", Subgraphs: []string{"a"}}
	takeover := Input{Name: "a", RoutingURL: urlA, SDL: `type Query { q: Int p: Int @override(from: "b") }`}

	// Check says beforehand what publishing with this token would refuse; for the admin, nothing.
	if res, err := r.Check(ctx, team, takeover); err != nil || len(res.Problems) != 1 || res.Problems[0].Code != CodeOverrideNotOwned || res.Problems[0].Coordinate != "Query.p" {
		t.Fatalf("Check by gateways = %+v, %v; want one OVERRIDE_NOT_OWNED problem on Query.p", res, err)
	}
	if res, err := r.Check(ctx, admin, takeover); err != nil || len(res.Problems) != 0 {
		t.Fatalf("Check by the admin = %+v, %v; want no problem", res, err)
	}
	_, err := r.Publish(ctx, team, takeover, true)
	wantErr(t, "Publish taking b's field", err, ErrForbidden, `team "gateways"`, "Query.p", `"b"`, "ask", "owners", "admin")
	if sg := supergraph(t, r); sg.Version != 1 {
		t.Fatalf("supergraph version = %d; want 1 (nothing published)", sg.Version)
	}
	_, err = r.Versions(ctx, "a")
	wantErr(t, "Versions(a) after the refusal", err, ErrNotFound)
	h := history(t, r, "a")
	if len(h) != 1 || h[0].Status != StatusRefused || h[0].Action != ActionPublish || h[0].By != "gateways" ||
		h[0].SubgraphVersion != 0 || h[0].SupergraphVersion != 1 || len(h[0].Problems) != 1 ||
		h[0].Problems[0] != (Problem{Code: CodeOverrideNotOwned, Subgraph: "a", Coordinate: "Query.p",
			Message: `subgraph "a" takes Query.p from subgraph "b" with @override; team "gateways" does not own "b"`}) {
		t.Fatalf("history of a = %+v; want one refused publish by gateways naming Query.p and b", h)
	}

	// A team owning both subgraphs may take the field, and then keep the override.
	both := &Principal{TokenID: "tok_2", Team: "catalog", Subgraphs: []string{"a", "b"}}
	publish(t, r, both, takeover, false, StatusPublished)
	publish(t, r, team, Input{Name: "a", SDL: `type Query { q: Int p: Int @override(from: "b") r: Int }`}, false, StatusPublished)
	// Without it, then rolling back to the version with it: refused again.
	publish(t, r, team, Input{Name: "a", SDL: "type Query { q: Int r: Int }"}, true, StatusPublished)
	_, err = r.Rollback(ctx, team, "a", 1, true)
	wantErr(t, "Rollback to a version taking b's field", err, ErrForbidden, "Query.p", `"b"`)
	if h := history(t, r, "a"); h[0].Action != ActionRollback || h[0].Status != StatusRefused || len(h[0].Problems) != 1 {
		t.Fatalf("latest attempt = %+v; want a refused rollback", h[0])
	}
	if s, _ := r.Subgraph(ctx, "a"); s.Version != 3 {
		t.Fatalf("a is at version %d; want 3 (the rollback stored nothing)", s.Version)
	}
	// The admin may.
	if res, err := r.Rollback(ctx, admin, "a", 1, true); err != nil || res.Status != StatusPublished {
		t.Fatalf("admin Rollback = %+v, %v; want published", res, err)
	}
	// Removing a subgraph takes nothing.
	if res, err := r.Remove(ctx, team, "a", true); err != nil || res.Status != StatusPublished {
		t.Fatalf("Remove = %+v, %v; want published", res, err)
	}
}

// testReadOnlyToken: a token naming no subgraph reads and checks but publishes nothing.
func testReadOnlyToken(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	for _, none := range [][]string{nil, {}} {
		id, secret, err := r.CreateToken(ctx, admin, "gateways", none)
		if err != nil {
			t.Fatalf("CreateToken(gateways, %#v): %v", none, err)
		}
		p, err := r.Authenticate(ctx, secret)
		if err != nil || p.TokenID != id || p.Admin || len(p.Subgraphs) != 0 {
			t.Fatalf("Authenticate(read-only) = %+v, %v", p, err)
		}
		if sg, err := r.Supergraph(ctx); err != nil || sg.Version != 1 {
			t.Fatalf("Supergraph = %+v, %v", sg, err)
		}
		if res, err := r.Check(ctx, p, Input{Name: "a", SDL: "type Query { a: Int b: Int }"}); err != nil || res.Breaking {
			t.Fatalf("Check = %+v, %v", res, err)
		}
		_, err = r.Publish(ctx, p, Input{Name: "x", RoutingURL: urlB, SDL: "type Query { x: Int }"}, false)
		wantErr(t, "Publish with a read-only token", err, ErrForbidden, `team "gateways" may not change subgraph "x"`)
		_, err = r.Remove(ctx, p, "a", true)
		wantErr(t, "Remove with a read-only token", err, ErrForbidden)
	}
	list, err := r.Tokens(ctx, admin)
	if err != nil || len(list) != 2 || len(list[0].Subgraphs) != 0 || len(list[1].Subgraphs) != 0 {
		t.Fatalf("Tokens = %+v, %v; want two read-only tokens", list, err)
	}
	if h := history(t, r, ""); len(h) != 1 {
		t.Fatalf("history = %v; want the admin's publish only", statuses(h))
	}
}

// testTakeoverFinderFailures: the finder's error or panic fails the publish and stores
// nothing, not even the attempt; the admin's publishes do not call it.
func testTakeoverFinderFailures(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	team := &Principal{TokenID: "tok_1", Team: "t", Subgraphs: []string{"a"}}
	_, err := r.Publish(ctx, team, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int } # TAKEOVER_ERROR"}, false)
	if err == nil || errors.Is(err, ErrForbidden) || errors.Is(err, ErrInvalid) {
		t.Fatalf("Publish with a failing finder err = %v; want an infrastructure error", err)
	}
	assertNothingStored(t, r)
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int } # TAKEOVER_ERROR"}, false, StatusPublished)

	p := reopen(t, r, func(o *Options) {
		o.Takeovers = func(string, string, string) ([]Takeover, error) { panic("finder bug") }
	})
	_, err = p.Publish(ctx, team, Input{Name: "a", SDL: "type Query { a: Int b: Int }"}, false)
	if err == nil || errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "finder bug") {
		t.Fatalf("Publish with a panicking finder err = %v; want an error", err)
	}
	if h := history(t, r, ""); len(h) != 1 {
		t.Fatalf("history = %v; want the admin's publish only", statuses(h))
	}
}
