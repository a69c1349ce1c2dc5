package ratelimit

import (
	"context"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestMaxClientsBound(t *testing.T) {
	for _, max := range []int{1, 7, 1000, 100_000} {
		t.Run(strconv.Itoa(max), func(t *testing.T) {
			cfg := config(10, time.Second)
			cfg.MaxClients = max
			l, c := newTestLimiter(t, cfg)
			for i := range 3 * max {
				if i%100 == 0 {
					c.advance(time.Millisecond)
				}
				if d := l.Take(context.Background(), "client-"+strconv.Itoa(i), 5); !d.Allowed {
					t.Fatalf("new client %d refused: %+v", i, d)
				}
			}
			if n := l.mem.len(); n > max || n < max/2 {
				t.Fatalf("%d clients held with MaxClients %d, want at most %d and not far below", n, max, max)
			}
		})
	}
}

// TestMaxClientsBoundsMemory churns through far more clients than MaxClients and checks that
// the heap does not keep what it forgot.
func TestMaxClientsBoundsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("churns 400 000 clients")
	}
	cfg := config(10, time.Second)
	cfg.MaxClients = 1000
	l, _ := newTestLimiter(t, cfg)
	churn := func(from, to int) uint64 {
		for i := from; i < to; i++ {
			l.Take(context.Background(), "client-with-a-longish-key-"+strconv.Itoa(i), 1)
		}
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	base := churn(0, 40_000)
	after := churn(40_000, 400_000)
	if grew := int64(after) - int64(base); grew > 1<<20 {
		t.Fatalf("heap grew by %d bytes over 360 000 more clients with MaxClients 1000, want under 1 MiB", grew)
	}
	if n := l.mem.len(); n > 1000 {
		t.Fatalf("%d clients held, want at most 1000", n)
	}
}

func TestEvictPrefersFullBudgets(t *testing.T) {
	s := shard{clients: map[string]state{}}
	for i := range evictionSample {
		s.clients[strconv.Itoa(i)] = state{full: int64(100 + i)}
	}
	s.clients["5"] = state{full: 3}
	s.evict()
	if _, held := s.clients["5"]; held || len(s.clients) != evictionSample-1 {
		t.Fatalf("after evict: %v; want only client 5, the first full again, gone", s.clients)
	}
}

// TestConcurrentTakesSpendExactlyTheBudget runs many goroutines on a stopped clock: whatever
// the interleaving, exactly the budget of each client is allowed.
func TestConcurrentTakesSpendExactlyTheBudget(t *testing.T) {
	const clients, goroutines, takes, limit = 4, 16, 500, 1000
	l, _ := newTestLimiter(t, config(limit, time.Minute))
	var allowed [clients]atomic.Int64
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range takes {
				c := (g + i) % clients
				if l.Take(context.Background(), strconv.Itoa(c), 1).Allowed {
					allowed[c].Add(1)
				}
			}
		})
	}
	wg.Wait()
	for c := range clients {
		if n := allowed[c].Load(); n != limit {
			t.Errorf("client %d: %d takes of 1 allowed, want exactly the budget of %d", c, n, limit)
		}
	}
}

// TestConcurrentTakesWithMovingClock runs on the real clock, which goroutines read outside
// the lock: the client may spend its burst and the refill over the run, no more, and not
// noticeably less since it asks all the time. Other goroutines churn other clients meanwhile.
func TestConcurrentTakesWithMovingClock(t *testing.T) {
	l, err := New(config(100, time.Second), nil)
	if err != nil {
		t.Fatal(err)
	}
	const run = 300 * time.Millisecond
	start := time.Now()
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := 0; time.Since(start) < run; i++ {
				if l.Take(context.Background(), "shared", 1).Allowed {
					allowed.Add(1)
				}
				l.Take(context.Background(), strconv.Itoa(g*1_000_000+i), 1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	most := 100 + 100*elapsed
	if got := float64(allowed.Load()); got > most+1 || got < most-5 {
		t.Fatalf("allowed %v points in %.3fs of 100/s with a burst of 100, want %.1f", got, elapsed, most)
	}
}

// TestConcurrentEvictionsKeepTheBound churns clients from many goroutines into a small store.
func TestConcurrentEvictionsKeepTheBound(t *testing.T) {
	cfg := config(100, time.Second)
	cfg.MaxClients = 64
	l, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20_000 {
				l.Take(context.Background(), strconv.Itoa(g*100_000+i%500), 1)
			}
		})
	}
	wg.Wait()
	if n := l.mem.len(); n > 64 {
		t.Fatalf("%d clients held with MaxClients 64", n)
	}
}
