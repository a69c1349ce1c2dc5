package subgraph

import (
	"context"
	"fmt"

	"github.com/trellis-gql/trellis/examples/products/subgraph/graph"
)

type resolver struct{}

var _ graph.ResolverRoot = resolver{}

func (resolver) Query() graph.QueryResolver   { return queryResolver{} }
func (resolver) Entity() graph.EntityResolver { return entityResolver{} }

type queryResolver struct{}

// defaultFirst is topProducts' default count, as in schema.graphqls.
const defaultFirst = 5

// TopProducts returns the first products in table order. An explicit null
// count means the default, as in the benchmark; a negative one means none.
func (queryResolver) TopProducts(_ context.Context, first *int32) ([]*graph.Product, error) {
	n := defaultFirst
	if first != nil {
		n = int(*first)
	}
	return products[:min(max(n, 0), len(products))], nil
}

type entityResolver struct{}

// FindProductByUpc fails for an unknown upc: the gateway only sends upcs that
// this subgraph handed out.
func (entityResolver) FindProductByUpc(_ context.Context, upc string) (*graph.Product, error) {
	p := productByUpc(upc)
	if p == nil {
		return nil, fmt.Errorf("no product with upc %q", upc)
	}
	return p, nil
}
