package subgraph

import (
	"net/http"

	"github.com/trellis-gql/trellis/examples/accounts/subgraph/graph"
	"github.com/trellis-gql/trellis/examples/internal/server"
)

// Name is the subgraph's name in the supergraph.
const Name = "accounts"

// DefaultPort is the port the accounts command listens on by default and the
// one examples/supergraph.graphql routes to.
const DefaultPort = 4001

// Handler serves the accounts subgraph at /graphql and at /.
func Handler() http.Handler {
	return server.Handler(graph.NewExecutableSchema(graph.Config{Resolvers: resolver{}}))
}
