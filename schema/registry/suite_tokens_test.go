package registry

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"
)

func testAuthorization(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	in := Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}
	_, err := r.Publish(ctx, nil, in, true)
	wantErr(t, "Publish without principal", err, ErrUnauthenticated)
	_, err = r.Remove(ctx, nil, "a", true)
	wantErr(t, "Remove without principal", err, ErrUnauthenticated)
	_, err = r.Rollback(ctx, nil, "a", 1, true)
	wantErr(t, "Rollback without principal", err, ErrUnauthenticated)
	_, _, err = r.CreateToken(ctx, nil, "t", []string{"a"})
	wantErr(t, "CreateToken without principal", err, ErrUnauthenticated)
	err = r.RevokeToken(ctx, nil, "x")
	wantErr(t, "RevokeToken without principal", err, ErrUnauthenticated)
	_, err = r.Tokens(ctx, nil)
	wantErr(t, "Tokens without principal", err, ErrUnauthenticated)

	other := &Principal{TokenID: "tok_1", Team: "billing", Subgraphs: []string{"b"}}
	_, err = r.Publish(ctx, other, in, true)
	wantErr(t, "Publish by the wrong team", err, ErrForbidden, `team "billing"`, `subgraph "a"`)
	assertNothingStored(t, r)

	publish(t, r, admin, in, false, StatusPublished)
	_, err = r.Remove(ctx, other, "a", true)
	wantErr(t, "Remove by the wrong team", err, ErrForbidden, `team "billing"`, `subgraph "a"`)
	_, err = r.Rollback(ctx, other, "a", 1, true)
	wantErr(t, "Rollback by the wrong team", err, ErrForbidden, `team "billing"`, `subgraph "a"`)
	if h := history(t, r, ""); len(h) != 1 {
		t.Fatalf("history = %v; want only the admin's publish", statuses(h))
	}
	owner := &Principal{TokenID: "tok_2", Team: "accounts", Subgraphs: []string{"a"}}
	res := publish(t, r, owner, Input{Name: "a", SDL: "type Query { a: Int b: Int }"}, false, StatusPublished)
	if res.By != "accounts" {
		t.Fatalf("By = %q; want accounts", res.By)
	}
	if s, _ := r.Subgraph(ctx, "a"); s.PublishedBy != "accounts" {
		t.Fatalf("PublishedBy = %q; want accounts", s.PublishedBy)
	}
	_, _, err = r.CreateToken(ctx, owner, "x", []string{"a"})
	wantErr(t, "CreateToken by a team", err, ErrForbidden, "only the admin token")
	_, err = r.Tokens(ctx, owner)
	wantErr(t, "Tokens by a team", err, ErrForbidden)
	err = r.RevokeToken(ctx, owner, "tok_1")
	wantErr(t, "RevokeToken by a team", err, ErrForbidden)
}

func testTokens(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	secret, created, err := r.Bootstrap(ctx)
	if err != nil || !created || !strings.HasPrefix(secret, "trellis_") || len(secret) < 40 {
		t.Fatalf("first Bootstrap = %q, %v, %v; want a new random token", secret, created, err)
	}
	if again, created, err := r.Bootstrap(ctx); err != nil || created || again != "" {
		t.Fatalf("second Bootstrap = %q, %v, %v; want nothing new", again, created, err)
	}
	p, err := r.Authenticate(ctx, secret)
	if err != nil || !p.Admin || p.Team != adminTeam || p.TokenID != adminTokenID {
		t.Fatalf("Authenticate(admin) = %+v, %v", p, err)
	}
	id, teamSecret, err := r.CreateToken(ctx, p, "accounts", []string{"users", "accounts", "users"})
	if err != nil || !strings.HasPrefix(id, "tok_") || teamSecret == "" || teamSecret == secret {
		t.Fatalf("CreateToken = %q, %q, %v", id, teamSecret, err)
	}
	tp, err := r.Authenticate(ctx, teamSecret)
	if err != nil || tp.Admin || tp.Team != "accounts" || tp.TokenID != id || !slices.Equal(tp.Subgraphs, []string{"accounts", "users"}) {
		t.Fatalf("Authenticate(team) = %+v, %v; want accounts' token for [accounts users]", tp, err)
	}
	publish(t, r, tp, Input{Name: "users", RoutingURL: urlA, SDL: "type Query { u: Int }"}, false, StatusPublished)
	list, err := r.Tokens(ctx, p)
	if err != nil || len(list) != 2 || !list[0].Admin || list[1].TokenID != id || list[1].Team != "accounts" {
		t.Fatalf("Tokens = %+v, %v; want admin then accounts", list, err)
	}
	assertSecretsNotStored(t, r, secret, teamSecret)

	for _, bad := range []struct {
		team      string
		subgraphs []string
		message   string
	}{
		{"admin", []string{"a"}, "team name"},
		{"Admin", []string{"a"}, "team name"}, // history would show the team's publishes as the admin's
		{"ADMIN", nil, "team name"},
		{"", []string{"a"}, "team name"},
		{"a team", []string{"a"}, "team name"},
		{"ok", []string{"a", "_"}, "subgraph name"},
		{"ok", make([]string, maxTokenSubgraphs+1), "up to 1000"},
	} {
		_, _, err := r.CreateToken(ctx, p, bad.team, bad.subgraphs)
		wantErr(t, "CreateToken("+bad.team+")", err, ErrInvalid, bad.message)
	}

	if err := r.RevokeToken(ctx, p, id); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	_, err = r.Authenticate(ctx, teamSecret)
	wantErr(t, "Authenticate after revoke", err, ErrUnauthenticated, "unknown or revoked")
	err = r.RevokeToken(ctx, p, id)
	wantErr(t, "second RevokeToken", err, ErrNotFound)
	err = r.RevokeToken(ctx, p, adminTokenID)
	wantErr(t, "RevokeToken(admin)", err, ErrInvalid, "cannot be revoked")
	_, err = r.Authenticate(ctx, "")
	wantErr(t, "Authenticate empty", err, ErrUnauthenticated, "no token")
	_, err = r.Authenticate(ctx, secret+"x")
	wantErr(t, "Authenticate wrong", err, ErrUnauthenticated)
	if list, _ := r.Tokens(ctx, p); len(list) != 1 {
		t.Fatalf("tokens after revoke = %+v; want the admin's only", list)
	}
}

// assertSecretsNotStored reads every token column and checks no secret is there.
func assertSecretsNotStored(t *testing.T, r *Registry, secrets ...string) {
	t.Helper()
	var stored []string
	err := r.store.view(context.Background(), func(q *queries) error {
		return q.rows(context.Background(), "dump", `SELECT id, secret_hash, team, subgraphs FROM tokens`, nil, func(rs *sql.Rows) error {
			var a, b, c, d string
			err := rs.Scan(&a, &b, &c, &d)
			stored = append(stored, a, b, c, d)
			return err
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if !slices.Contains(stored, hashSecret(s)) {
			t.Errorf("the hash of a secret is not stored")
		}
		for _, v := range stored {
			if strings.Contains(v, s) {
				t.Errorf("a secret is stored in clear: %q", v)
			}
		}
	}
}

func testBootstrapWithAdminToken(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	random, _, err := r.Bootstrap(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const chosen = "0123456789abcdef-chosen"
	r2 := reopen(t, r, func(o *Options) { o.AdminToken = chosen })
	for i := 0; i < 2; i++ {
		if s, created, err := r2.Bootstrap(ctx); err != nil || created || s != "" {
			t.Fatalf("Bootstrap with AdminToken (call %d) = %q, %v, %v; want nothing to print", i+1, s, created, err)
		}
	}
	if p, err := r2.Authenticate(ctx, chosen); err != nil || !p.Admin {
		t.Fatalf("Authenticate(chosen) = %+v, %v", p, err)
	}
	_, err = r2.Authenticate(ctx, random)
	wantErr(t, "the replaced admin token", err, ErrUnauthenticated)
	if list, _ := r2.Tokens(ctx, admin); len(list) != 1 {
		t.Fatalf("tokens = %+v; want one admin token", list)
	}
	// Without AdminToken, an existing admin token is kept and nothing is printed.
	if s, created, err := r.Bootstrap(ctx); err != nil || created || s != "" {
		t.Fatalf("Bootstrap without AdminToken after one was set = %q, %v, %v", s, created, err)
	}
	for _, bad := range []string{"short", strings.Repeat("x", 257), "has a space in it here"} {
		_, err := Open(ctx, r.dsn, Options{Compose: fakeCompose, Diff: fakeDiff, AdminToken: bad})
		wantErr(t, "Open with AdminToken "+bad, err, ErrInvalid, "admin token")
	}
}
