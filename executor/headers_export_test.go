package executor

import (
	"maps"
	"sync"
	"testing"

	"github.com/trellis-gql/trellis/executor/headers"
)

// CountFingerprints counts the header fingerprints the gateway computes, per subgraph, until
// the test ends. The function it returns gives the counts since it was last called.
func CountFingerprints(t testing.TB) func() map[string]int {
	var mu sync.Mutex
	counts := map[string]int{}
	was := computeFingerprint
	computeFingerprint = func(r *headers.Rules, subgraph string, in headers.Input) string {
		mu.Lock()
		counts[subgraph]++
		mu.Unlock()
		return was(r, subgraph, in)
	}
	t.Cleanup(func() { computeFingerprint = was })
	return func() map[string]int {
		mu.Lock()
		defer mu.Unlock()
		out := maps.Clone(counts)
		clear(counts)
		return out
	}
}
