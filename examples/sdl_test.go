package examples_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/examples"
)

// TestSubgraphSDL: each example's embedded SDL is its schema file; an unknown name is refused
// with the names there are.
func TestSubgraphSDL(t *testing.T) {
	for _, name := range examples.Names {
		sdl, err := examples.SubgraphSDL(name)
		file, ferr := os.ReadFile(filepath.Join(name, "subgraph", "schema.graphqls"))
		if err != nil || ferr != nil || sdl != string(file) {
			t.Errorf("%s: %v %v\n%s", name, err, ferr, sdl)
		}
	}
	_, err := examples.SubgraphSDL("shipping")
	if err == nil || !strings.Contains(err.Error(), `no example subgraph "shipping" (there are accounts, inventory, products, reviews)`) {
		t.Errorf("unknown example: %v", err)
	}
}
