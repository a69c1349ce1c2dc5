package admin_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/trellis-gql/trellis/schema/registry/admin"
	"github.com/trellis-gql/trellis/schema/registry/admin/admintest"
)

const (
	productsSDL = "type Query { topProducts: [Product] }\ntype Product { upc: String! name: String price: Int }\n"
	reviewsSDL  = "type Review { id: ID! body: String }\n"
)

var ctx = context.Background()

func products(sdl string) registry.Input {
	return registry.Input{Name: "products", RoutingURL: "http://products.test/graphql", SDL: sdl}
}

// post sends a raw request to the API and returns the status and body.
func post(t *testing.T, url, auth, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+admin.Path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func mustPublish(t *testing.T, c *admin.Client, in registry.Input, allow bool) *registry.Result {
	t.Helper()
	res, err := c.Publish(ctx, in, allow)
	if err != nil {
		t.Fatalf("publish %s: %v", in.Name, err)
	}
	return res
}

// TestRefusals: requests without a valid token, or with a token that may not do what they
// ask, are refused with the right code and change nothing.
func TestRefusals(t *testing.T) {
	s := admintest.Start(t)
	root := admin.NewClient(s.URL, admintest.AdminToken, nil)
	mustPublish(t, root, products(productsSDL), false)
	_, teamSecret, err := root.CreateToken(ctx, "reviews-team", []string{"reviews"})
	if err != nil {
		t.Fatal(err)
	}
	publish := `{"query":"mutation { publish(input: {name: \"products\", routingUrl: \"http://x.test/graphql\", sdl: \"type Query { a: Int }\"}) { message } }"}`

	for _, tc := range []struct{ name, auth string }{
		{"no header", ""},
		{"not bearer", "Basic " + admintest.AdminToken},
		{"empty bearer", "Bearer "},
		{"unknown token", "Bearer not-a-token-of-this-registry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, s.URL, tc.auth, publish)
			if status != http.StatusUnauthorized || !strings.Contains(body, `"code":"UNAUTHENTICATED"`) {
				t.Fatalf("got %d %s, want 401 UNAUTHENTICATED", status, body)
			}
		})
	}
	t.Run("client without a token", func(t *testing.T) {
		_, err := admin.NewClient(s.URL, "", nil).Subgraphs(ctx)
		if !errors.Is(err, registry.ErrUnauthenticated) || !strings.Contains(err.Error(), "TRELLIS_REGISTRY_TOKEN") {
			t.Fatalf("got %v, want ErrUnauthenticated saying how to pass a token", err)
		}
	})
	team := admin.NewClient(s.URL, teamSecret, nil)
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"publish another team's subgraph", func() error { _, err := team.Publish(ctx, products("type Query { a: Int }"), true); return err }},
		{"remove another team's subgraph", func() error { _, err := team.Remove(ctx, "products", true); return err }},
		{"roll back another team's subgraph", func() error { _, err := team.Rollback(ctx, "products", 1, true); return err }},
		{"create a token", func() error { _, _, err := team.CreateToken(ctx, "other", []string{"products"}); return err }},
		{"list tokens", func() error { _, err := team.Tokens(ctx); return err }},
		{"revoke a token", func() error { return team.RevokeToken(ctx, "admin") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var aerr *admin.Error
			if !errors.As(err, &aerr) || aerr.Code != admin.CodeForbidden || !errors.Is(err, registry.ErrForbidden) {
				t.Fatalf("got %v, want FORBIDDEN", err)
			}
			if !strings.Contains(err.Error(), "trellis registry token create") {
				t.Fatalf("the message does not say how to fix it: %v", err)
			}
		})
	}
	subs, err := root.Subgraphs(ctx)
	if err != nil || len(subs) != 1 || subs[0].Version != 1 || subs[0].SDL != productsSDL {
		t.Fatalf("the refusals changed the subgraphs: %+v, %v", subs, err)
	}
	sg, err := root.Supergraph(ctx)
	if err != nil || sg == nil || sg.Version != 1 {
		t.Fatalf("the refusals changed the supergraph: %+v, %v", sg, err)
	}
	tokens, err := root.Tokens(ctx)
	if err != nil || len(tokens) != 2 {
		t.Fatalf("the refusals changed the tokens: %+v, %v", tokens, err)
	}
}

// TestHTTPEdge: methods, body size and malformed requests are refused before any resolver.
func TestHTTPEdge(t *testing.T) {
	s := admintest.Start(t)
	resp, err := http.Get(s.URL + admin.Path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
		t.Fatalf("GET: %d %v, want 405 with Allow: POST", resp.StatusCode, resp.Header)
	}
	big := `{"query":"{ whoami { id } }","variables":{"pad":"` + strings.Repeat("x", admin.MaxBodyBytes) + `"}}`
	if status, body := post(t, s.URL, "Bearer "+admintest.AdminToken, big); status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "2 MiB") {
		t.Fatalf("a body over the limit: %d %s", status, body)
	}
	if status, body := post(t, s.URL, "Bearer "+admintest.AdminToken, `{"query":"{ nope }"}`); status == http.StatusOK || !strings.Contains(body, "GRAPHQL_VALIDATION_FAILED") {
		t.Fatalf("an invalid query: %d %s", status, body)
	}
	if status, body := post(t, s.URL, "Bearer "+admintest.AdminToken, `{"query":"{ __schema { queryType { name } } }"}`); status != http.StatusOK || !strings.Contains(body, `"name":"Query"`) {
		t.Fatalf("introspection: %d %s", status, body)
	}
}

// TestOperations runs every operation through the client against a real registry.
func TestOperations(t *testing.T) {
	s := admintest.Start(t)
	c := admin.NewClient(s.URL, admintest.AdminToken, nil)

	me, err := c.Whoami(ctx)
	if err != nil || !me.Admin || me.Team != "admin" {
		t.Fatalf("whoami: %+v, %v", me, err)
	}
	if sg, err := c.Supergraph(ctx); err != nil || sg != nil {
		t.Fatalf("supergraph before any publish: %+v, %v, want nil", sg, err)
	}
	res := mustPublish(t, c, products(productsSDL), false)
	if res.Status != registry.StatusPublished || res.Action != registry.ActionPublish || res.SubgraphVersion != 1 ||
		res.Supergraph == nil || res.Supergraph.Version != 1 || res.ID == 0 || res.By != "admin" || res.Message == "" {
		t.Fatalf("first publish: %+v", res)
	}
	if !strings.Contains(res.Supergraph.SDL, productsSDL) || len(res.Supergraph.Hash) != 64 ||
		len(res.Supergraph.Subgraphs) != 1 || res.Supergraph.Subgraphs[0] != (registry.SubgraphRef{Name: "products", Version: 1}) {
		t.Fatalf("first supergraph: %+v", res.Supergraph)
	}
	mustPublish(t, c, registry.Input{Name: "reviews", RoutingURL: "http://reviews.test/graphql", SDL: reviewsSDL}, false)

	// What the client decodes is what the registry holds.
	direct, err := s.Reg.Subgraphs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	viaAPI, err := c.Subgraphs(ctx)
	if err != nil || len(viaAPI) != 2 || !equalSubgraphs(viaAPI, direct) {
		t.Fatalf("subgraphs: %+v, %v; the registry has %+v", viaAPI, err, direct)
	}

	// check: a removed field is breaking; nothing is stored.
	noPrice := "type Query { topProducts: [Product] }\ntype Product { upc: String! name: String }\n"
	check, err := c.Check(ctx, products(noPrice))
	if err != nil || !check.Breaking || len(check.Changes) != 1 || check.Changes[0] != (registry.Change{Level: "BREAKING",
		Code: "FIELD_REMOVED", Coordinate: "Product.price", Message: "field Product.price was removed: operations selecting it fail"}) {
		t.Fatalf("check: %+v, %v", check, err)
	}
	check, err = c.Check(ctx, products("type Query {"))
	if err != nil || len(check.Problems) != 1 || check.Problems[0].Code != "INVALID_GRAPHQL" || check.Problems[0].Line != 1 {
		t.Fatalf("check of a schema that does not parse: %+v, %v", check, err)
	}

	// publish: refused when breaking, accepted with allowBreaking; failed when it does not compose.
	if res := mustPublish(t, c, products(noPrice), false); res.Status != registry.StatusRefused || res.Supergraph != nil || len(res.Changes) != 1 {
		t.Fatalf("a breaking publish: %+v", res)
	}
	if res := mustPublish(t, c, products("type Query {"), false); res.Status != registry.StatusFailed || len(res.Problems) != 1 {
		t.Fatalf("a publish that does not compose: %+v", res)
	}
	if res := mustPublish(t, c, products(noPrice), true); res.Status != registry.StatusPublished || res.SubgraphVersion != 2 || res.SupergraphVersion != 3 {
		t.Fatalf("a breaking publish allowed: %+v", res)
	}
	versions, err := c.Versions(ctx, "products")
	if err != nil || len(versions) != 2 || versions[0].Version != 2 || versions[1].SDL != productsSDL {
		t.Fatalf("versions: %+v, %v", versions, err)
	}

	// rollback to version 1 (it adds price back: safe) and remove reviews.
	if res, err := c.Rollback(ctx, "products", 1, false); err != nil || res.Status != registry.StatusPublished || res.Action != registry.ActionRollback || res.SubgraphVersion != 3 {
		t.Fatalf("rollback: %+v, %v", res, err)
	}
	if res, err := c.Remove(ctx, "reviews", true); err != nil || res.Status != registry.StatusPublished || res.Action != registry.ActionRemove {
		t.Fatalf("remove: %+v, %v", res, err)
	}
	sg, err := c.Supergraph(ctx)
	if err != nil || sg.Version != 5 || !strings.Contains(sg.SDL, "price: Int") || strings.Contains(sg.SDL, "Review") {
		t.Fatalf("supergraph after rollback and remove: %+v, %v", sg, err)
	}

	// history: every attempt, newest first, and one subgraph's; the limit is checked.
	hist, err := c.History(ctx, "", 50)
	if err != nil || len(hist) != 7 || hist[0].Action != registry.ActionRemove || hist[0].Subgraph != "reviews" {
		t.Fatalf("history: %+v, %v", hist, err)
	}
	direct2, _ := s.Reg.History(ctx, "", 50)
	if hist[3].ID != direct2[3].ID || hist[3].Status != registry.StatusFailed || len(hist[3].Problems) != 1 || hist[4].Status != registry.StatusRefused || len(hist[4].Changes) != 1 {
		t.Fatalf("history entries: %+v", hist[3:5])
	}
	if hist, err := c.History(ctx, "products", 2); err != nil || len(hist) != 2 || hist[0].Action != registry.ActionRollback {
		t.Fatalf("products' history, limit 2: %+v, %v", hist, err)
	}
	if _, err := c.History(ctx, "", 0); !errors.Is(err, registry.ErrInvalid) || !strings.Contains(err.Error(), "between 1 and 1000") {
		t.Fatalf("history with limit 0: %v, want BAD_USER_INPUT", err)
	}
	if _, err := c.Rollback(ctx, "products", 99, false); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("rollback to a version that does not exist: %v, want NOT_FOUND", err)
	}
	if _, err := c.Publish(ctx, registry.Input{Name: "bad name!", RoutingURL: "http://x.test/graphql", SDL: reviewsSDL}, false); !errors.Is(err, registry.ErrInvalid) {
		t.Fatalf("a bad name: %v, want BAD_USER_INPUT", err)
	}
}

// TestTokens: a team token made by the admin publishes its subgraphs only, shows in the list
// without its secret, and is refused once revoked.
func TestTokens(t *testing.T) {
	s := admintest.Start(t)
	root := admin.NewClient(s.URL, admintest.AdminToken, nil)
	id, secret, err := root.CreateToken(ctx, "catalog", []string{"products"})
	if err != nil || id == "" || len(secret) < 16 {
		t.Fatalf("create token: %q %q %v", id, secret, err)
	}
	team := admin.NewClient(s.URL, secret, nil)
	me, err := team.Whoami(ctx)
	if err != nil || me.TokenID != id || me.Team != "catalog" || me.Admin || len(me.Subgraphs) != 1 {
		t.Fatalf("whoami: %+v, %v", me, err)
	}
	if res := mustPublish(t, team, products(productsSDL), false); res.Status != registry.StatusPublished || res.By != "catalog" {
		t.Fatalf("the team publishes its subgraph: %+v", res)
	}
	tokens, err := root.Tokens(ctx)
	if err != nil || len(tokens) != 2 {
		t.Fatalf("tokens: %+v, %v", tokens, err)
	}
	var found bool
	for _, tok := range tokens {
		found = found || (tok.TokenID == id && tok.Team == "catalog" && len(tok.Subgraphs) == 1 && tok.Subgraphs[0] == "products")
	}
	if !found {
		t.Fatalf("the new token is not listed: %+v", tokens)
	}
	if err := root.RevokeToken(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := team.Subgraphs(ctx); !errors.Is(err, registry.ErrUnauthenticated) {
		t.Fatalf("a revoked token: %v, want UNAUTHENTICATED", err)
	}
	if err := root.RevokeToken(ctx, id); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("revoking twice: %v, want NOT_FOUND", err)
	}
}

// TestLongPoll: supergraphAfter answers when a publish lands, answers the current supergraph
// when its time is up, and answers at once when the server closes.
func TestLongPoll(t *testing.T) {
	s := admintest.Start(t)
	c := admin.NewClient(s.URL, admintest.AdminToken, nil)
	got := make(chan *registry.Supergraph, 1)
	go func() {
		sg, err := c.SupergraphAfter(ctx, 0, admin.MaxPoll)
		if err != nil {
			t.Error(err)
		}
		got <- sg
	}()
	mustPublish(t, c, products(productsSDL), false)
	if sg := <-got; sg == nil || sg.Version != 1 || !strings.Contains(sg.SDL, productsSDL) {
		t.Fatalf("the poll answered %+v, want version 1", sg)
	}

	sg, err := c.SupergraphAfter(ctx, 1, time.Second) // nothing newer: the current one
	if err != nil || sg == nil || sg.Version != 1 {
		t.Fatalf("a poll that timed out: %+v, %v, want version 1", sg, err)
	}
	if sg, err := c.SupergraphAfter(ctx, 0, 0); err != nil || sg == nil || sg.Version != 1 {
		t.Fatalf("a poll without waiting: %+v, %v", sg, err)
	}

	go func() {
		sg, err := c.SupergraphAfter(ctx, 1, admin.MaxPoll)
		if err != nil {
			t.Error(err)
		}
		got <- sg
	}()
	waitForPoll(t, s)
	s.Admin.Close()
	select {
	case sg := <-got:
		if sg == nil || sg.Version != 1 {
			t.Fatalf("the poll ended by Close answered %+v", sg)
		}
	case <-time.After(admin.MaxPoll / 2):
		t.Fatal("Close did not end the long poll")
	}
	status, body := post(t, s.URL, "Bearer "+admintest.AdminToken, `{"query":"{ supergraphAfter(version: 0, timeoutSeconds: -1) { version } }"}`)
	if status != http.StatusOK || !strings.Contains(body, "BAD_USER_INPUT") {
		t.Fatalf("a negative timeout: %d %s", status, body)
	}
}

// waitForPoll gives the poll a moment to start (a poll that starts after Close answers at
// once too: the test passes either way, so this only makes it test what it says).
func waitForPoll(t *testing.T, s *admintest.Server) {
	t.Helper()
	time.Sleep(50 * time.Millisecond)
}

// TestUnreachable: a registry that does not answer is reported with its address and what to
// check.
func TestUnreachable(t *testing.T) {
	s := admintest.Start(t)
	url := s.URL
	s.Admin.Close()
	c := admin.NewClient("http://127.0.0.1:1", "token", nil)
	_, err := c.Subgraphs(ctx)
	if err == nil || !strings.Contains(err.Error(), "registry at http://127.0.0.1:1 is not reachable") || !strings.Contains(err.Error(), "trellis serve --registry") {
		t.Fatalf("got %v", err)
	}
	_, err = admin.NewClient("127.0.0.1:4000", "token", nil).Subgraphs(ctx)
	if err == nil || !strings.Contains(err.Error(), "is not like http://") {
		t.Fatalf("a URL without a scheme: %v", err)
	}
	_, err = admin.NewClient(url+"/elsewhere/", "token", nil).Subgraphs(ctx)
	if err == nil {
		t.Fatal("a URL that is not the registry's answered")
	}
}

func equalSubgraphs(a, b []registry.Subgraph) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Name != y.Name || x.RoutingURL != y.RoutingURL || x.SDL != y.SDL || x.Version != y.Version ||
			!x.PublishedAt.Equal(y.PublishedAt) || x.PublishedBy != y.PublishedBy {
			return false
		}
	}
	return true
}
