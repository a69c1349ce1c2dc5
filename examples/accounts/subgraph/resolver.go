package subgraph

import (
	"context"
	"fmt"

	"github.com/trellis-gql/trellis/examples/accounts/subgraph/graph"
)

type resolver struct{}

var _ graph.ResolverRoot = resolver{}

func (resolver) Query() graph.QueryResolver   { return queryResolver{} }
func (resolver) Entity() graph.EntityResolver { return entityResolver{} }

type queryResolver struct{}

// Me is always the first user, as in the benchmark.
func (queryResolver) Me(context.Context) (*graph.User, error) {
	return users[0], nil
}

func (queryResolver) User(_ context.Context, id string) (*graph.User, error) {
	return userByID(id), nil
}

func (queryResolver) Users(context.Context) ([]*graph.User, error) {
	return users, nil
}

type entityResolver struct{}

// FindUserByID fails for an unknown id: the gateway only sends ids that this
// subgraph handed out, so an unknown one is worth an error, not a silent null.
func (entityResolver) FindUserByID(_ context.Context, id string) (*graph.User, error) {
	u := userByID(id)
	if u == nil {
		return nil, fmt.Errorf("no user with id %q", id)
	}
	return u, nil
}
