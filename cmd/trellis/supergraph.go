package main

import (
	"fmt"
	"os"

	"github.com/trellis-gql/trellis/schema/supergraph"
)

// loadSupergraph reads and loads a supergraph file; errors name the file and line.
func loadSupergraph(path string) (*supergraph.Supergraph, error) {
	if path == "" {
		return nil, fmt.Errorf("--supergraph is required: the path of a supergraph SDL file (e.g. examples/supergraph.graphql)")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading supergraph: %w", err)
	}
	return supergraph.Load(path, string(b))
}
