package diff

import (
	"fmt"

	"github.com/trellis-gql/trellis/schema/supergraph"
)

// Supergraphs loads both supergraph SDLs with supergraph.Load and compares their API
// schemas. old == "" means there was no graph yet: no changes (the new SDL must still
// load). The error says which side did not load and why.
func Supergraphs(oldSDL, newSDL string) ([]Change, error) {
	newSG, err := supergraph.Load("new supergraph", newSDL)
	if err != nil {
		return nil, fmt.Errorf("diff: the new supergraph does not load: %w", err)
	}
	if oldSDL == "" {
		return nil, nil
	}
	oldSG, err := supergraph.Load("old supergraph", oldSDL)
	if err != nil {
		return nil, fmt.Errorf("diff: the old supergraph does not load: %w", err)
	}
	return Schemas(oldSG.API, newSG.API), nil
}
