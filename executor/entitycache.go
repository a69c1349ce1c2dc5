package executor

import "time"

// EntityCacheConfig caches _entities results per subgraph, type, key and caller scope.
// It is off unless Types names at least one type.
type EntityCacheConfig struct {
	// Types maps an entity type name to how long its cached results live.
	Types map[string]time.Duration
	// MaxBytes bounds the memory of the in-process cache.
	MaxBytes int64
}

// entityCache holds cached entity results; nil when off.
type entityCache struct{}

func newEntityCache(cfg EntityCacheConfig) (*entityCache, error) { return nil, nil }

func (c *entityCache) Close() {}
