package compose

import (
	"github.com/trellis-gql/trellis/schema/satisfy"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// satisfiability runs package satisfy on the loaded supergraph: every API path must be
// resolvable by some chain of subgraph fetches.
func satisfiability(sg *supergraph.Supergraph) []*Error {
	var out []*Error
	for _, e := range satisfy.Check(sg) {
		out = append(out, &Error{Code: e.Code, Coordinate: e.Coordinate, Message: e.Message})
	}
	return out
}
