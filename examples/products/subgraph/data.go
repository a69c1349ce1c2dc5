package subgraph

import "github.com/trellis-gql/trellis/examples/products/subgraph/graph"

// products are the benchmark's nine products, in topProducts order. Resolvers
// hand out these pointers, so nothing may write through them.
var products = []*graph.Product{
	{Upc: "1", Name: new("Table"), Price: new(int32(899)), Weight: new(int32(100))},
	{Upc: "2", Name: new("Couch"), Price: new(int32(1299)), Weight: new(int32(1000))},
	{Upc: "3", Name: new("Glass"), Price: new(int32(15)), Weight: new(int32(20))},
	{Upc: "4", Name: new("Chair"), Price: new(int32(499)), Weight: new(int32(100))},
	{Upc: "5", Name: new("TV"), Price: new(int32(1299)), Weight: new(int32(1000))},
	{Upc: "6", Name: new("Lamp"), Price: new(int32(6999)), Weight: new(int32(300))},
	{Upc: "7", Name: new("Grill"), Price: new(int32(3999)), Weight: new(int32(2000))},
	{Upc: "8", Name: new("Fridge"), Price: new(int32(100000)), Weight: new(int32(6000))},
	{Upc: "9", Name: new("Sofa"), Price: new(int32(9999)), Weight: new(int32(800))},
}

// productByUpc returns the product with the given upc, or nil.
func productByUpc(upc string) *graph.Product {
	for _, p := range products {
		if p.Upc == upc {
			return p
		}
	}
	return nil
}
