package ratelimit

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/internal/redistest"
)

// benchClients are the keys the benchmarks spread over: more than fit a CPU cache line of
// shards, fewer than MaxClients, like a gateway with a few thousand active clients.
var benchClients = func() []string {
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = "client-" + strconv.Itoa(i)
	}
	return keys
}()

// benchConfig is a budget large enough that takes are mostly allowed, as in normal traffic.
func benchConfig() Config { return config(1e9, time.Minute) }

func BenchmarkTakeLocal(b *testing.B) {
	l, err := New(benchConfig(), nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		l.Take(ctx, benchClients[i&4095], 10)
		i++
	}
}

func BenchmarkTakeLocalParallel(b *testing.B) {
	l, err := New(benchConfig(), nil)
	if err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		i := int(next.Add(1) * 977)
		for pb.Next() {
			l.Take(ctx, benchClients[i&4095], 10)
			i++
		}
	})
}

// BenchmarkTakeLocalOneClient is the worst case for the shards: every goroutine on one lock.
func BenchmarkTakeLocalOneClient(b *testing.B) {
	l, err := New(benchConfig(), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			l.Take(ctx, "one", 10)
		}
	})
}

// BenchmarkTakeLocalChurn takes for a new client every time into a full store: each take
// evicts.
func BenchmarkTakeLocalChurn(b *testing.B) {
	cfg := benchConfig()
	cfg.MaxClients = 1000
	l, err := New(cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		l.Take(ctx, benchClients[i&4095], 10)
		i++
	}
}

func BenchmarkTakeRedis(b *testing.B) {
	srv := redistest.Start(b)
	l := newRedisLimiter(b, srv, benchConfig())
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if d := l.Take(ctx, benchClients[i&4095], 10); d.Fallback {
			b.Fatal("decision fell back to memory")
		}
		i++
	}
}

func BenchmarkTakeRedisParallel(b *testing.B) {
	srv := redistest.Start(b)
	cfg := benchConfig()
	cfg.Redis.Timeout = time.Second
	l := newRedisLimiter(b, srv, cfg)
	var next atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		i := int(next.Add(1) * 977)
		for pb.Next() {
			l.Take(ctx, benchClients[i&4095], 10)
			i++
		}
	})
}
