package ratelimit

import (
	"context"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/internal/redistest"
)

// newRedisLimiter returns a Limiter on the real clock sharing budgets through srv.
func newRedisLimiter(t testing.TB, srv *redistest.Server, cfg Config) *Limiter {
	t.Helper()
	cfg.Redis.URL = srv.URL
	l, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// near reports whether got is within tol of want.
func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// TestRedisArithmetic repeats the budget arithmetic against Redis, on a budget slow enough
// (a point per 36 s) that the time the test takes moves nothing by more than the tolerance.
func TestRedisArithmetic(t *testing.T) {
	srv := redistest.Start(t)
	l := newRedisLimiter(t, srv, config(100, time.Hour))
	ctx := context.Background()
	const point = 36 * time.Second

	if d := l.Take(ctx, "alice", 0); !d.Allowed || d.Remaining != 100 || d.Reset != 0 || d.Fallback {
		t.Fatalf("free take on a new client = %+v, want allowed, full, from Redis", d)
	}
	if n, _ := srv.Int("DBSIZE"); n != 0 {
		t.Fatalf("DBSIZE = %d after a free take, want 0: spending nothing stores nothing", n)
	}
	for i := range 100 {
		d := l.Take(ctx, "alice", 1)
		want := float64(99 - i)
		if !d.Allowed || d.Fallback || !near(d.Remaining, want, 0.01) || !near(d.Reset.Seconds(), (100-want)*point.Seconds(), 1) {
			t.Fatalf("take %d of the burst = %+v, want allowed with Remaining %v", i+1, d, want)
		}
	}
	d := l.Take(ctx, "alice", 1)
	if d.Allowed || d.Never || !near(d.RetryAfter.Seconds(), point.Seconds(), 1) || !near(d.Reset.Seconds(), 3600, 1) {
		t.Fatalf("take past the burst = %+v, want refused, RetryAfter about %v, Reset about 1h", d, point)
	}
	if d := l.Take(ctx, "alice", 101); !d.Never || d.Allowed || d.RetryAfter != 0 {
		t.Fatalf("cost above the budget = %+v, want Never", d)
	}
	if d := l.Take(ctx, "bob", 101); !d.Never || !near(d.Remaining, 100, 0) {
		t.Fatalf("cost above the budget of a new client = %+v, want Never with the budget untouched", d)
	}
	ttl, err := srv.Int("PTTL", "trellis:ratelimit:alice")
	if err != nil || !near(float64(ttl), float64(time.Hour.Milliseconds()), 2000) {
		t.Fatalf("PTTL of alice = %d, %v; want about an hour, when her budget is full again", ttl, err)
	}
}

func TestRedisRefill(t *testing.T) {
	srv := redistest.Start(t)
	l := newRedisLimiter(t, srv, config(10, time.Second))
	ctx := context.Background()
	if d := l.Take(ctx, "c", 10); !d.Allowed {
		t.Fatalf("burst refused: %+v", d)
	}
	time.Sleep(250 * time.Millisecond) // 2.5 points back
	for i, want := range []bool{true, true, false} {
		if d := l.Take(ctx, "c", 1); d.Allowed != want || d.Fallback {
			t.Fatalf("take %d after 250ms = %+v, want Allowed %v", i+1, d, want)
		}
	}
	// Once full again the key expires: Redis keeps no idle client.
	time.Sleep(1100 * time.Millisecond)
	if n, _ := srv.Int("DBSIZE"); n != 0 {
		t.Fatalf("DBSIZE = %d a window after the last spend, want 0", n)
	}
}

func TestRedisOverrides(t *testing.T) {
	srv := redistest.Start(t)
	cfg := config(10, time.Second)
	cfg.Overrides = map[string]Budget{"partner": {Limit: 1000, Window: time.Hour}}
	cfg.Redis.Prefix = "rl:"
	l := newRedisLimiter(t, srv, cfg)
	ctx := context.Background()
	if d := l.Take(ctx, "partner", 600); !d.Allowed || d.Limit != 1000 || d.Window != time.Hour || !near(d.Remaining, 400, 0.01) {
		t.Fatalf("partner = %+v, want its own budget of 1000 per hour", d)
	}
	if d := l.Take(ctx, "other", 600); !d.Never || d.Limit != 10 {
		t.Fatalf("other = %+v, want Never under the default budget of 10", d)
	}
	if n, _ := srv.Int("EXISTS", "rl:partner"); n != 1 {
		t.Fatal("key rl:partner missing: Prefix not applied")
	}
}

// TestRedisSharedBudget runs two gateways on one Redis under concurrent load: together they
// admit the budget's burst plus its refill over the run, within 5%.
func TestRedisSharedBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for 3s")
	}
	srv := redistest.Start(t)
	cfg := config(200, time.Second)
	cfg.Redis.Timeout = 2 * time.Second // this test is about sharing, not fallback
	gateways := []*Limiter{newRedisLimiter(t, srv, cfg), newRedisLimiter(t, srv, cfg)}

	const run = 3 * time.Second
	admitted := make(chan float64)
	start := time.Now()
	for g := range 8 {
		l := gateways[g%2]
		go func() {
			sum, fallbacks := 0.0, 0
			for i := 0; time.Since(start) < run; i++ {
				cost := float64(1 + (g+i)%3)
				d := l.Take(context.Background(), "shared-client", cost)
				if d.Allowed {
					sum += cost
				}
				if d.Fallback {
					fallbacks++
				}
			}
			if fallbacks > 0 {
				sum = math.Inf(1) // the run no longer tests Redis
			}
			admitted <- sum
		}()
	}
	total := 0.0
	for range 8 {
		total += <-admitted
	}
	elapsed := time.Since(start).Seconds()
	want := 200 + 200*elapsed
	if math.IsInf(total, 1) {
		t.Fatal("some decisions fell back to memory; Redis too slow for this machine?")
	}
	if !near(total, want, want*0.05) {
		t.Fatalf("two gateways admitted %v points in %.2fs, want %.0f ±5%% (burst 200 + 200/s)", total, elapsed, want)
	}
	t.Logf("admitted %v points in %.2fs, expected %.0f", total, elapsed, want)
}

func TestRedisManyClients(t *testing.T) {
	srv := redistest.Start(t)
	l := newRedisLimiter(t, srv, config(5, time.Minute))
	for i := range 50 {
		if d := l.Take(context.Background(), "client-"+strconv.Itoa(i), 5); !d.Allowed {
			t.Fatalf("client %d refused its first spend: %+v", i, d)
		}
	}
	if n, _ := srv.Int("DBSIZE"); n != 50 {
		t.Fatalf("DBSIZE = %d, want one key per client, 50", n)
	}
}
