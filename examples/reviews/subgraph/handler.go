package subgraph

import (
	"net/http"

	"github.com/trellis-gql/trellis/examples/internal/server"
	"github.com/trellis-gql/trellis/examples/reviews/subgraph/graph"
)

// Name is the subgraph's name in the supergraph.
const Name = "reviews"

// DefaultPort is the port the reviews command listens on by default and the
// one examples/supergraph.graphql routes to.
const DefaultPort = 4004

// Handler serves the reviews subgraph at /graphql and at /.
func Handler() http.Handler {
	return server.Handler(graph.NewExecutableSchema(graph.Config{Resolvers: resolver{}}))
}
