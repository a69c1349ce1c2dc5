package subgraph

// inStock is the benchmark's stock of each of the nine products, by upc.
var inStock = map[string]bool{
	"1": true,
	"2": false,
	"3": false,
	"4": false,
	"5": true,
	"6": true,
	"7": true,
	"8": false,
	"9": true,
}

// freeShippingAbove is the price above which shipping is free.
const freeShippingAbove = 1000

// shippingEstimate is the classic Apollo demo's rule: free above
// freeShippingAbove, else half the weight. It is unknown (nil) without the
// price, or without the weight when shipping is not free.
func shippingEstimate(price, weight *int32) *int32 {
	switch {
	case price == nil:
		return nil
	case *price > freeShippingAbove:
		return new(int32(0))
	case weight == nil:
		return nil
	default:
		return new(*weight / 2)
	}
}
