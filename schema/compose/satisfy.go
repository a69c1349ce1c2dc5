package compose

import "github.com/trellis-gql/trellis/schema/supergraph"

// satisfiability runs the satisfiability check on a loaded supergraph (package
// schema/satisfy, wired in once it builds).
func satisfiability(sg *supergraph.Supergraph) []*Error {
	_ = sg
	return nil
}
