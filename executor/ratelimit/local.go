package ratelimit

import (
	"hash/maphash"
	"math/bits"
	"strings"
	"sync"
)

// maxShards is the number of locks the in-memory store spreads its clients over: enough that
// goroutines on different clients rarely wait for each other on a large machine.
const maxShards = 256

// evictionSample is how many clients a full shard looks at to pick the one to forget.
const evictionSample = 8

// local is the in-memory store: each client's level, in shards with their own lock. Safe for
// concurrent use; take never blocks beyond its shard's lock.
type local struct {
	shards   []shard
	mask     uint64
	perShard int // clients held per shard at most; shards*perShard <= MaxClients
	seed     maphash.Seed
	now      func() int64 // nanoseconds on a monotonic clock
}

// shard is one lock and its clients, padded to a cache line so that neighbouring locks do not
// slow each other down.
type shard struct {
	mu      sync.Mutex
	clients map[string]state
	_       [48]byte
}

// state is one client's level as of last, and the time it will be full again, which ranks it
// for eviction without knowing its budget.
type state struct {
	level float64
	last  int64
	full  int64
}

func newLocal(maxClients int, now func() int64) *local {
	n := min(maxShards, 1<<(bits.Len(uint(maxClients))-1)) // a power of two <= maxClients
	l := &local{
		shards:   make([]shard, n),
		mask:     uint64(n - 1),
		perShard: maxClients / n,
		seed:     maphash.MakeSeed(),
		now:      now,
	}
	for i := range l.shards {
		l.shards[i].clients = make(map[string]state)
	}
	return l
}

// take decides on cost for client under b and spends it when allowed.
func (l *local) take(client string, b budget, cost float64) Decision {
	s := &l.shards[maphash.String(l.seed, client)&l.mask]
	now := l.now()
	s.mu.Lock()
	st, known := s.clients[client]
	level := 0.0
	if known {
		// Another goroutine may have read the clock after us and stored first.
		now = max(now, st.last)
		level = b.refill(st.level, now-st.last)
	}
	allowed, after := b.spend(level, cost)
	if allowed && cost > 0 {
		if !known {
			if len(s.clients) >= l.perShard {
				s.evict()
			}
			// The gateway may have sliced the key out of a larger buffer; keep only the key.
			client = strings.Clone(client)
		}
		s.clients[client] = state{level: after, last: now, full: now + int64(b.duration(after))}
	}
	s.mu.Unlock()
	return b.decision(allowed, after, cost)
}

// evict forgets, among a few clients, the one whose budget is full the soonest. Map iteration
// starts at a random place, so the sample is random. If that client's budget is full already,
// forgetting it changes nothing; if not, it gets a full budget back early, which errs towards
// letting requests through rather than refusing new clients.
func (s *shard) evict() {
	var victim string
	var soonest int64
	n := 0
	for client, st := range s.clients {
		if n == 0 || st.full < soonest {
			victim, soonest = client, st.full
		}
		if n++; n == evictionSample {
			break
		}
	}
	delete(s.clients, victim)
}

// len counts the clients held, for tests.
func (l *local) len() int {
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		n += len(s.clients)
		s.mu.Unlock()
	}
	return n
}
