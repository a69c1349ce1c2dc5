package subgraph

import (
	"net/http"

	"github.com/trellis-gql/trellis/examples/internal/server"
	"github.com/trellis-gql/trellis/examples/inventory/subgraph/graph"
)

// Name is the subgraph's name in the supergraph.
const Name = "inventory"

// DefaultPort is the port the inventory command listens on by default and the
// one examples/supergraph.graphql routes to.
const DefaultPort = 4003

// Handler serves the inventory subgraph at /graphql and at /.
func Handler() http.Handler {
	return server.Handler(graph.NewExecutableSchema(graph.Config{Resolvers: resolver{}}))
}
