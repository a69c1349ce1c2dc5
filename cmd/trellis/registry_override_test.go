package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/schema/registry"
)

// TestRegistryRefusesOverrideOfAnotherTeam runs the registry `trellis serve --registry` opens,
// with the real composer: a team token may not publish a subgraph that takes products'
// Product.price with @override (plain or progressive); the admin may, and the team may then
// keep that override in later versions.
func TestRegistryRefusesOverrideOfAnotherTeam(t *testing.T) {
	t.Setenv(envAdminToken, testAdminToken)
	store := filepath.Join(t.TempDir(), "registry.db")
	f := &registryFlags{embedded: ptrTo(true), store: &store, url: ptrTo(""), token: ptrTo("")}
	src, err := openRegistry(t.Context(), f, slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer src.close()
	reg, ctx := src.reg, t.Context()
	adm, err := reg.Authenticate(ctx, testAdminToken)
	if err != nil {
		t.Fatal(err)
	}
	products, err := os.ReadFile("../../examples/products/subgraph/schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	mustLand(t, reg, adm, registry.Input{Name: "products", RoutingURL: "http://products.internal/graphql", SDL: string(products)})
	team := teamPrincipal(t, reg, adm, "pricing", "pricing")

	const header = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@override"])` + "\n"
	for _, price := range []string{`price: Int @override(from: "products")`, `price: Int @override(from: "products", label: "percent(5)")`} {
		evil := registry.Input{Name: "pricing", RoutingURL: "http://attacker.example/graphql",
			SDL: header + `type Product @key(fields: "upc") { upc: String! ` + price + " }\n"}
		_, err = reg.Publish(ctx, team, evil, true)
		if !errors.Is(err, registry.ErrForbidden) || !strings.Contains(err.Error(), `Product.price from subgraph "products"`) ||
			!strings.Contains(err.Error(), `ask the owners of "products" or an admin`) {
			t.Fatalf("team publish of %q: err = %v; want forbidden naming Product.price and products", price, err)
		}
	}
	if sg, _ := reg.Supergraph(ctx); sg.Version != 1 || strings.Contains(sg.SDL, "attacker") {
		t.Fatalf("supergraph v%d changed by a refused publish", sg.Version)
	}
	h, err := reg.History(ctx, "pricing", 0)
	if err != nil || len(h) != 2 || h[0].Status != registry.StatusRefused || h[0].Problems[0].Code != registry.CodeOverrideNotOwned ||
		h[0].Problems[0].Coordinate != "Product.price" {
		t.Fatalf("history of pricing = %+v, %v; want two refused attempts naming Product.price", h, err)
	}

	// The admin may take the field; the team may then keep the override and change the rest.
	taken := header + `type Product @key(fields: "upc") { upc: String! price: Int @override(from: "products") }` + "\n"
	mustLand(t, reg, adm, registry.Input{Name: "pricing", RoutingURL: "http://pricing.internal/graphql", SDL: taken})
	kept := taken + "type Query { discount(upc: String!): Int }\n"
	mustLand(t, reg, team, registry.Input{Name: "pricing", SDL: kept})
	// Taking one more field is refused again.
	more := strings.Replace(kept, "}\n", ` weight: Int @override(from: "products") }`+"\n", 1)
	_, err = reg.Publish(ctx, team, registry.Input{Name: "pricing", SDL: more}, true)
	if !errors.Is(err, registry.ErrForbidden) || !strings.Contains(err.Error(), "Product.weight") || strings.Contains(err.Error(), "Product.price") {
		t.Fatalf("taking Product.weight: err = %v; want forbidden naming Product.weight only", err)
	}
	// A team owning both subgraphs may.
	both := teamPrincipal(t, reg, adm, "catalog", "pricing", "products")
	mustLand(t, reg, both, registry.Input{Name: "pricing", SDL: more})
}

func mustLand(t *testing.T, reg *registry.Registry, p *registry.Principal, in registry.Input) {
	t.Helper()
	res, err := reg.Publish(context.Background(), p, in, false)
	if err != nil || res.Status != registry.StatusPublished {
		t.Fatalf("publish %s by %s: %+v, %v", in.Name, p.Team, res, err)
	}
}

func teamPrincipal(t *testing.T, reg *registry.Registry, adm *registry.Principal, team string, subgraphs ...string) *registry.Principal {
	t.Helper()
	_, secret, err := reg.CreateToken(context.Background(), adm, team, subgraphs)
	if err != nil {
		t.Fatal(err)
	}
	p, err := reg.Authenticate(context.Background(), secret)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func ptrTo[T any](v T) *T { return &v }
