package subgraph

import (
	"context"
	"fmt"

	"github.com/trellis-gql/trellis/examples/inventory/subgraph/graph"
)

type resolver struct{}

var _ graph.ResolverRoot = resolver{}

func (resolver) Entity() graph.EntityResolver   { return entityResolver{} }
func (resolver) Product() graph.ProductResolver { return productResolver{} }

type entityResolver struct{}

// FindProductByUpc returns a new Product each time: gqlgen writes the
// representation's price and weight (the @requires fields) onto it afterwards.
// It fails for an unknown upc, for which the gateway has no business asking.
func (entityResolver) FindProductByUpc(_ context.Context, upc string) (*graph.Product, error) {
	stocked, ok := inStock[upc]
	if !ok {
		return nil, fmt.Errorf("no product with upc %q", upc)
	}
	return &graph.Product{Upc: upc, InStock: new(stocked)}, nil
}

type productResolver struct{}

func (productResolver) ShippingEstimate(_ context.Context, p *graph.Product) (*int32, error) {
	return shippingEstimate(p.Price, p.Weight), nil
}
