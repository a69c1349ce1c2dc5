package executor

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/ristretto/v2"
)

// localStore keeps entities in process, in a ristretto cache bounded by their size.
type localStore struct {
	cache  *ristretto.Cache[string, []byte]
	stats  *entityCounters
	closed atomic.Bool // Close empties the cache through OnEvict: not evictions to count
}

var _ entityStore = (*localStore)(nil)

func newLocalStore(maxBytes int64, stats *entityCounters) (*localStore, error) {
	s := &localStore{stats: stats}
	var err error
	s.cache, err = ristretto.NewCache(&ristretto.Config[string, []byte]{
		// Ten counters per entry, for entries of about 320 bytes on average.
		NumCounters: max(maxBytes/32, 1024),
		MaxCost:     maxBytes,
		BufferItems: 64,
		// Keys are SHA-256 digests (entityKey): their bytes are already a good hash.
		KeyToHash: digestHash,
		OnEvict:   s.evicted,
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// digestHash reads ristretto's two 64-bit hashes from the first 16 bytes of a key.
func digestHash(key string) (uint64, uint64) {
	if len(key) < 16 {
		var h uint64
		for i := 0; i < len(key); i++ {
			h = h*31 + uint64(key[i])
		}
		return h, 0
	}
	var a, b uint64
	for i := range 8 {
		a |= uint64(key[i]) << (8 * i)
		b |= uint64(key[8+i]) << (8 * i)
	}
	return a, b
}

// evicted counts entries removed for room (no expiration reached) or at their TTL.
func (s *localStore) evicted(item *ristretto.Item[[]byte]) {
	if s.closed.Load() {
		return
	}
	if !item.Expiration.IsZero() && !item.Expiration.After(time.Now()) {
		s.stats.expirations.Add(1)
		return
	}
	s.stats.evictions.Add(1)
}

func (s *localStore) get(_ context.Context, keys []string) [][]byte {
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i], _ = s.cache.Get(k) // expired entries are not returned
	}
	return out
}

// set charges each entry its length and waits until ristretto has applied the writes (it
// buffers them), so that the next identical request finds them: a miss costs the caller
// that wait, a hit costs nothing.
func (s *localStore) set(_ context.Context, entries []entityEntry) {
	for _, e := range entries {
		s.cache.SetWithTTL(e.key, e.value, int64(len(e.value)), e.ttl)
	}
	s.cache.Wait()
}

func (s *localStore) close() {
	s.closed.Store(true)
	s.cache.Close()
}
