package executor

import (
	"sync/atomic"

	"github.com/dgraph-io/ristretto/v2"
)

// CacheStats counts one cache's work since the gateway started (over supergraph swaps).
type CacheStats struct {
	Hits, Misses uint64
	// Evictions are entries dropped to make room.
	Evictions uint64
}

// cacheCounters are the atomic counters behind CacheStats.
type cacheCounters struct{ hits, misses, evictions atomic.Uint64 }

func (c *cacheCounters) snapshot() CacheStats {
	return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Evictions: c.evictions.Load()}
}

// gatewayCaches are the counters of the gateway's caches, by name.
type gatewayCaches struct {
	plans, estimates, documents, operations, apq cacheCounters
}

// cache is a ristretto cache keyed by string that counts its hits, misses and evictions.
type cache[V any] struct {
	*ristretto.Cache[string, V]
	counters *cacheCounters
}

func newCache[V any](counters, maxCost int64, cc *cacheCounters) (*cache[V], error) {
	c, err := ristretto.NewCache(&ristretto.Config[string, V]{
		NumCounters: counters, MaxCost: maxCost, BufferItems: 64,
		OnEvict: func(*ristretto.Item[V]) { cc.evictions.Add(1) },
	})
	if err != nil {
		return nil, err
	}
	return &cache[V]{Cache: c, counters: cc}, nil
}

// Get looks key up and counts a hit or a miss.
func (c *cache[V]) Get(key string) (V, bool) {
	v, ok := c.Cache.Get(key)
	if ok {
		c.counters.hits.Add(1)
	} else {
		c.counters.misses.Add(1)
	}
	return v, ok
}

// CacheStats returns the counters of every cache, by name: plans, estimates (cost),
// documents (parsed and validated texts), operations (normalized), apq, and entities.
func (g *Gateway) CacheStats() map[string]CacheStats {
	e := g.EntityCacheStats()
	return map[string]CacheStats{
		"plans":      g.caches.plans.snapshot(),
		"estimates":  g.caches.estimates.snapshot(),
		"documents":  g.caches.documents.snapshot(),
		"operations": g.caches.operations.snapshot(),
		"apq":        g.caches.apq.snapshot(),
		"entities":   {Hits: e.Hits, Misses: e.Misses, Evictions: e.Evictions},
	}
}
