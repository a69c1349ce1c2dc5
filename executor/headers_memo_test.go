package executor_test

import (
	"testing"
	"time"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/executor/headers"
)

// TestHeaderFingerprintOncePerRequest: the entity cache keys every part of every entity
// fetch by the header fingerprint of its subgraph, which each request computes once per
// subgraph, whether its entities are fetched or served from the cache; the next request
// computes its own.
func TestHeaderFingerprintOncePerRequest(t *testing.T) {
	cfg := executor.DefaultConfig()
	cfg.EntityCache.Types = map[string]time.Duration{"Product": time.Minute, "Store": time.Minute}
	cfg.Headers.All.Request = []headers.RequestRule{{Propagate: &headers.Propagate{Named: "X-Tenant"}}}
	gw, _, inventory := headerGateway(t, cfg)
	computed := executor.CountFingerprints(t)
	const q = `{ topProducts { sku } featured { price } stores { open } }`
	steps := []struct {
		tenant             string
		wantSent           int // requests to inventory, each with the three fetches batched
		wantHits, wantMiss uint64
	}{
		{"a", 1, 0, 5},
		{"b", 1, 0, 10}, // another tenant, another fingerprint: fetched again
		{"a", 0, 5, 10}, // tenant a again: from the cache
	}
	for n, s := range steps {
		postWith(t, gw, q, "X-Tenant", s.tenant)
		if got := len(inventory.take()); got != s.wantSent {
			t.Errorf("step %d (tenant %s): %d requests to inventory, want %d", n, s.tenant, got, s.wantSent)
		}
		if st := gw.EntityCacheStats(); st.Hits != s.wantHits || st.Misses != s.wantMiss {
			t.Errorf("step %d (tenant %s): entity cache %+v, want %d hits and %d misses", n, s.tenant, st, s.wantHits, s.wantMiss)
		}
		if got := computed(); len(got) != 1 || got["inventory"] != 1 {
			t.Errorf("step %d (tenant %s): fingerprints computed %v, want map[inventory:1]", n, s.tenant, got)
		}
	}
}
