package executor

import (
	"cmp"
	"context"
	hexenc "encoding/hex"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// redisStore keeps entities in Redis: one MGET per entity request, one pipeline of
// SET PX for its results. Evictions and expirations happen in Redis, unseen.
type redisStore struct {
	client  *redis.Client
	prefix  string
	timeout time.Duration
	stats   *entityCounters
	// downUntil (Unix nanoseconds) is set after a failure: until then the store answers
	// misses at once instead of making every request wait for a server that is away.
	downUntil atomic.Int64
}

var _ entityStore = (*redisStore)(nil)

func newRedisStore(cfg EntityCacheConfig, stats *entityCounters) (*redisStore, error) {
	opts, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("entity_cache.redis_url: %w", err)
	}
	timeout := cmp.Or(cfg.RedisTimeout, defaultEntityRedisTimeout)
	// One attempt per call, bounded by the call's context: a cache lookup is not worth
	// retrying within a request.
	opts.MaxRetries = -1
	opts.DialerRetries = 1
	opts.DialTimeout = timeout
	opts.ReadTimeout = timeout
	opts.WriteTimeout = timeout
	opts.PoolTimeout = timeout
	opts.ContextTimeoutEnabled = true
	opts.DisableIdentity = true // no CLIENT SETINFO round trip per connection
	opts.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	return &redisStore{
		client:  redis.NewClient(opts), // connects lazily: New does not fail when Redis is away
		prefix:  cmp.Or(cfg.RedisKeyPrefix, defaultEntityRedisPrefix),
		timeout: timeout,
		stats:   stats,
	}, nil
}

func (s *redisStore) key(k string) string {
	return s.prefix + hexenc.EncodeToString([]byte(k))
}

// available reports whether Redis may be asked: not within a second of a failure.
func (s *redisStore) available() bool {
	until := s.downUntil.Load()
	return until == 0 || time.Now().UnixNano() >= until
}

// failed records a failure of a call made under ctx, unless the request itself went away.
func (s *redisStore) failed(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	s.stats.errors.Add(1)
	s.downUntil.Store(time.Now().Add(entityRedisRetryAfterError).UnixNano())
}

func (s *redisStore) get(ctx context.Context, keys []string) [][]byte {
	out := make([][]byte, len(keys))
	if !s.available() || ctx.Err() != nil {
		return out
	}
	rkeys := make([]string, len(keys))
	for i, k := range keys {
		rkeys[i] = s.key(k)
	}
	cctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	vals, err := s.client.MGet(cctx, rkeys...).Result()
	if err != nil || len(vals) != len(keys) {
		s.failed(ctx)
		return out
	}
	s.downUntil.Store(0)
	for i, v := range vals {
		if str, ok := v.(string); ok {
			out[i] = []byte(str)
		}
	}
	return out
}

func (s *redisStore) set(ctx context.Context, entries []entityEntry) {
	if !s.available() || ctx.Err() != nil {
		return
	}
	cctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	pipe := s.client.Pipeline()
	for _, e := range entries {
		// PX takes whole milliseconds, and Redis refuses 0.
		pipe.Set(cctx, s.key(e.key), e.value, max(e.ttl, time.Millisecond))
	}
	if _, err := pipe.Exec(cctx); err != nil {
		s.failed(ctx)
	}
}

func (s *redisStore) close() { s.client.Close() }
