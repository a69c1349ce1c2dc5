package compose

import (
	"context"

	"github.com/trellis-gql/trellis/schema/satisfy"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// satisfiability runs package satisfy on the loaded supergraph: every API path must be
// resolvable by some chain of subgraph fetches. The error is non-nil only when ctx is done.
func satisfiability(ctx context.Context, sg *supergraph.Supergraph) ([]*Error, error) {
	errs, err := satisfy.CheckContext(ctx, sg)
	if err != nil {
		return nil, err
	}
	var out []*Error
	for _, e := range errs {
		out = append(out, &Error{Code: e.Code, Coordinate: e.Coordinate, Message: e.Message})
	}
	return out, nil
}
