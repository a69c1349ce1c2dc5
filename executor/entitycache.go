package executor

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/trellis-gql/trellis/planner"
)

// EntityCacheConfig caches _entities results per subgraph, type, key and caller scope.
// It is off unless Types names at least one type.
//
// An entity is cached as the subgraph returned it for one representation, under a key made
// of the subgraph's name, the entity fetch's operation text (a different selection never
// hits), the values of the client variables that operation uses, the representation (type
// and key fields) and the caller's authorization scope: one caller's entities are never
// served to a caller with other credentials, nor to an anonymous one. Only queries read and
// write it; a mutation's entity fetches always go to the subgraph.
type EntityCacheConfig struct {
	// Types maps an entity type name to how long its cached results live. The name is the
	// __typename sent in the representation: for an entity a subgraph knows only as an
	// @interfaceObject, the interface's name.
	Types map[string]time.Duration
	// MaxBytes bounds the memory of the in-process cache: each entry costs the length of
	// its JSON plus ristretto's per-item overhead. 0 means 64 MiB. Unused with RedisURL.
	MaxBytes int64
	// RedisURL, when set, keeps the entities in Redis instead of in process, shared by every
	// gateway using the same server: redis://[user:password@]host:port/db, or rediss:// for
	// TLS. Redis evicts by its own maxmemory policy.
	RedisURL string
	// RedisTimeout bounds one Redis call (a lookup of all the representations of an entity
	// request, or the writes of its results). Past it, or on any Redis error, the lookups
	// count as misses and the request goes on without the cache; Redis is then left alone
	// for a second, so that an unreachable server costs one timeout per second, not one per
	// request. 0 means 50ms.
	RedisTimeout time.Duration
	// RedisKeyPrefix starts every key the gateway writes in Redis, so that gateways serving
	// different supergraphs or environments can share a server. "" means "trellis:entity:".
	RedisKeyPrefix string
}

// Defaults of the zero values of EntityCacheConfig.
const (
	defaultEntityCacheBytes    = 64 << 20
	defaultEntityRedisTimeout  = 50 * time.Millisecond
	defaultEntityRedisPrefix   = "trellis:entity:"
	entityRedisRetryAfterError = time.Second
)

// DefaultEntityCacheConfig returns the entity cache's defaults: off (no types), 64 MiB in
// process, and for Redis a 50ms timeout and the "trellis:entity:" key prefix.
func DefaultEntityCacheConfig() EntityCacheConfig {
	return EntityCacheConfig{
		MaxBytes:       defaultEntityCacheBytes,
		RedisTimeout:   defaultEntityRedisTimeout,
		RedisKeyPrefix: defaultEntityRedisPrefix,
	}
}

// Validate reports the first invalid setting, naming its configuration key.
func (c EntityCacheConfig) Validate() error {
	names := make([]string, 0, len(c.Types))
	for name := range c.Types {
		names = append(names, name)
	}
	slices.Sort(names) // the same error for the same configuration
	for _, name := range names {
		if name == "" {
			return errors.New("entity_cache.types: a type name is empty")
		}
		if c.Types[name] <= 0 {
			return fmt.Errorf("entity_cache.types.%s: ttl must be positive, e.g. 30s", name)
		}
	}
	if c.MaxBytes < 0 {
		return errors.New("entity_cache.max_bytes: must be 0 (64 MiB) or positive")
	}
	if c.RedisTimeout < 0 {
		return errors.New("entity_cache.redis_timeout: must be 0 (50ms) or positive")
	}
	if c.RedisURL != "" {
		if _, err := redis.ParseURL(c.RedisURL); err != nil {
			return fmt.Errorf("entity_cache.redis_url: %w", err)
		}
	}
	return nil
}

// EntityCacheStats counts the entity cache's work since the gateway started. Each
// representation of a cached type looked up is one hit or one miss.
type EntityCacheStats struct {
	// Hits are representations answered from the cache, not sent to the subgraph.
	Hits uint64
	// Misses are representations looked up and not found (or not readable), then fetched.
	Misses uint64
	// Evictions are entries the in-process cache dropped to make room before their TTL
	// ended. Redis evicts on its own and does not tell: always 0 with RedisURL.
	Evictions uint64
	// Expirations are entries the in-process cache removed when their TTL ended. Redis
	// expires keys on its own: always 0 with RedisURL.
	Expirations uint64
	// Errors are Redis calls that failed or timed out (their lookups count as misses too).
	Errors uint64
}

// EntityCacheStats returns the entity cache's counters; all zero when the cache is off.
func (g *Gateway) EntityCacheStats() EntityCacheStats {
	if g.entities == nil {
		return EntityCacheStats{}
	}
	return g.entities.stats.snapshot()
}

// entityCounters are the atomic counters behind EntityCacheStats.
type entityCounters struct {
	hits, misses, evictions, expirations, errors atomic.Uint64
}

func (s *entityCounters) snapshot() EntityCacheStats {
	return EntityCacheStats{
		Hits:        s.hits.Load(),
		Misses:      s.misses.Load(),
		Evictions:   s.evictions.Load(),
		Expirations: s.expirations.Load(),
		Errors:      s.errors.Load(),
	}
}

// entityStore keeps encoded entities under opaque keys (32 bytes). Implementations are
// safe for concurrent use. get and set may block on the network, at most for the store's
// timeout, and never fail: a store that cannot answer reports misses and drops writes.
type entityStore interface {
	// get returns the value of each key, nil for a miss. The values must not be modified.
	get(ctx context.Context, keys []string) [][]byte
	// set stores the entries; a later get may still miss (eviction, admission, failure).
	set(ctx context.Context, entries []entityEntry)
	close()
}

// entityEntry is one entity to store: its key, its JSON and how long it lives.
type entityEntry struct {
	key   string
	value []byte
	ttl   time.Duration
}

// entityCache holds cached entity results; nil when off.
type entityCache struct {
	types map[string]time.Duration
	store entityStore
	stats *entityCounters
}

func newEntityCache(cfg EntityCacheConfig) (*entityCache, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(cfg.Types) == 0 {
		return nil, nil
	}
	c := &entityCache{types: cfg.Types, stats: &entityCounters{}}
	var err error
	if cfg.RedisURL != "" {
		c.store, err = newRedisStore(cfg, c.stats)
	} else {
		c.store, err = newLocalStore(cmp.Or(cfg.MaxBytes, defaultEntityCacheBytes), c.stats)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (c *entityCache) Close() {
	if c != nil {
		c.store.close()
	}
}

// ttl returns how long entities of the representation's type live, and whether the type
// is cached at all. rep starts with {"__typename":"Name" (see representations), and type
// names hold no characters JSON escapes.
func (c *entityCache) ttl(rep []byte) (time.Duration, bool) {
	const prefix = `{"__typename":"`
	if len(rep) <= len(prefix) || string(rep[:len(prefix)]) != prefix {
		return 0, false
	}
	name := rep[len(prefix):]
	end := 0
	for end < len(name) && name[end] != '"' {
		end++
	}
	ttl, ok := c.types[string(name[:end])]
	return ttl, ok
}

// fetchDigest identifies everything an entity fetch's result depends on besides the
// representation: subgraph, operation text, the client variables it uses, and the caller's
// scope. Each field is length-prefixed so that no two different inputs write the same bytes;
// hashing keeps the scope (which may hold credentials) out of the store.
func fetchDigest(f *planner.Fetch, vars map[string]any, scope string) [sha256.Size]byte {
	buf := make([]byte, 0, 64+len(f.Service)+len(f.Operation)+len(scope))
	field := func(s string) {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	field("trellis entity v1")
	field(f.Service)
	field(f.Operation)
	for _, name := range f.Variables {
		field(name)
		v, ok := vars[name]
		if !ok {
			field("") // absent, apart from null
			continue
		}
		enc, err := appendAny([]byte{'='}, v)
		if err != nil {
			enc = []byte("?") // not encodable: still a distinct, stable key part
		}
		field(string(enc))
	}
	field(scope)
	return sha256.Sum256(buf)
}

// entityKey is the store key of one representation under a fetch digest.
func entityKey(digest *[sha256.Size]byte, rep []byte, scratch []byte) (string, []byte) {
	scratch = append(append(scratch[:0], digest[:]...), rep...)
	sum := sha256.Sum256(scratch)
	return string(sum[:]), scratch
}
