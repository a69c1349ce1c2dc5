package subgraph

import (
	"context"
	"fmt"

	"github.com/trellis-gql/trellis/examples/reviews/subgraph/graph"
)

type resolver struct{}

var _ graph.ResolverRoot = resolver{}

func (resolver) Entity() graph.EntityResolver   { return entityResolver{} }
func (resolver) Product() graph.ProductResolver { return productResolver{} }
func (resolver) Review() graph.ReviewResolver   { return reviewResolver{} }
func (resolver) User() graph.UserResolver       { return userResolver{} }

type entityResolver struct{}

// FindProductByUpc accepts any upc: products belong to the products subgraph,
// and one that nobody reviewed simply has no reviews.
func (entityResolver) FindProductByUpc(_ context.Context, upc string) (*graph.Product, error) {
	return &graph.Product{Upc: upc}, nil
}

// FindReviewByID fails for an unknown id: reviews belong to this subgraph.
func (entityResolver) FindReviewByID(_ context.Context, id string) (*graph.Review, error) {
	r := reviewByID(id)
	if r == nil {
		return nil, fmt.Errorf("no review with id %q", id)
	}
	return r, nil
}

// FindUserByID accepts any id: users belong to the accounts subgraph.
func (entityResolver) FindUserByID(_ context.Context, id string) (*graph.User, error) {
	return &graph.User{ID: id}, nil
}

type productResolver struct{}

func (productResolver) Reviews(_ context.Context, p *graph.Product) ([]*graph.Review, error) {
	return reviewsOf(p.Upc), nil
}

type reviewResolver struct{}

func (reviewResolver) Author(context.Context, *graph.Review) (*graph.User, error) {
	return author, nil
}

type userResolver struct{}

func (userResolver) Reviews(context.Context, *graph.User) ([]*graph.Review, error) {
	return userReviews, nil
}
