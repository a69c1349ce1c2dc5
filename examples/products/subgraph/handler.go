package subgraph

import (
	"net/http"

	"github.com/trellis-gql/trellis/examples/internal/server"
	"github.com/trellis-gql/trellis/examples/products/subgraph/graph"
)

// Name is the subgraph's name in the supergraph.
const Name = "products"

// DefaultPort is the port the products command listens on by default and the
// one examples/supergraph.graphql routes to.
const DefaultPort = 4002

// Handler serves the products subgraph at /graphql and at /.
func Handler() http.Handler {
	return server.Handler(graph.NewExecutableSchema(graph.Config{Resolvers: resolver{}}))
}
