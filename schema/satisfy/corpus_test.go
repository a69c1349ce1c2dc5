package satisfy

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/trellis-gql/trellis/schema/supergraph"
)

// TestCorpusSatisfiable checks every supergraph of the conformance corpus: they were composed
// by a mainstream composer and are planned and executed by the gateway's tests, so any error
// here is a false positive of the check.
func TestCorpusSatisfiable(t *testing.T) {
	files, err := filepath.Glob("../../testdata/federation/*/supergraph.graphql")
	if err != nil || len(files) < 60 {
		t.Fatalf("corpus not found: %d files, %v", len(files), err)
	}
	for _, f := range files {
		name := filepath.Base(filepath.Dir(f))
		t.Run(name, func(t *testing.T) {
			sg := loadFile(t, f)
			for _, e := range Check(sg) {
				t.Errorf("%s [%s]:\n%s", e.Coordinate, e.Code, e.Message)
			}
		})
	}
}

func loadFile(tb testing.TB, path string) *supergraph.Supergraph {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	sg, err := supergraph.Load(path, string(b))
	if err != nil {
		tb.Fatalf("load %s: %v", path, err)
	}
	return sg
}
