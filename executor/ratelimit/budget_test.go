package ratelimit

import (
	"context"
	"math"
	"testing"
	"time"
)

// step is one Take after advancing the clock, and the Decision it must return.
type step struct {
	advance time.Duration
	client  string
	cost    float64
	want    Decision
}

func runSteps(t *testing.T, cfg Config, steps []step) {
	t.Helper()
	l, c := newTestLimiter(t, cfg)
	for i, s := range steps {
		c.advance(s.advance)
		client := s.client
		if client == "" {
			client = "alice"
		}
		got := l.Take(context.Background(), client, s.cost)
		if got != s.want {
			t.Fatalf("step %d: Take(%q, %v) after +%v\n got %+v\nwant %+v", i, client, s.cost, s.advance, got, s.want)
		}
	}
}

// ok, refused and never build the expected Decision of a budget of 10 points per second, in
// which a point takes 100ms to come back.
func ok(remaining float64) Decision {
	return Decision{Allowed: true, Limit: 10, Window: time.Second, Remaining: remaining, Reset: time.Duration(math.Ceil((10 - remaining) * 1e8))}
}

func refused(remaining float64, retry time.Duration) Decision {
	d := ok(remaining)
	d.Allowed, d.RetryAfter = false, retry
	return d
}

func never(remaining float64) Decision {
	d := ok(remaining)
	d.Allowed, d.Never = false, true
	return d
}

func TestTakeArithmetic(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		name  string
		steps []step
	}{
		{"burst of exactly the budget, then refused until a point is back", []step{
			{0, "", 1, ok(9)}, {0, "", 1, ok(8)}, {0, "", 1, ok(7)}, {0, "", 1, ok(6)}, {0, "", 1, ok(5)},
			{0, "", 1, ok(4)}, {0, "", 1, ok(3)}, {0, "", 1, ok(2)}, {0, "", 1, ok(1)}, {0, "", 1, ok(0)},
			{0, "", 1, refused(0, 100*ms)},
			{50 * ms, "", 1, refused(0.5, 50*ms)},
			{50 * ms, "", 1, ok(0)},
			{0, "", 1, refused(0, 100*ms)},
		}},
		{"one spend of the whole budget", []step{
			{0, "", 10, ok(0)},
			{500 * ms, "", 5, ok(0)},
			{500 * ms, "", 6, refused(5, 100*ms)},
		}},
		{"refusal spends nothing", []step{
			{0, "", 8, ok(2)},
			{0, "", 3, refused(2, 100*ms)},
			{0, "", 3, refused(2, 100*ms)},
			{0, "", 2, ok(0)},
		}},
		{"refill stops at the full budget", []step{
			{0, "", 10, ok(0)},
			{time.Hour, "", 4, ok(6)},
		}},
		{"clients are apart", []step{
			{0, "alice", 10, ok(0)},
			{0, "bob", 10, ok(0)},
			{0, "alice", 1, refused(0, 100*ms)},
		}},
		{"cost larger than the budget: never, and nothing spent", []step{
			{0, "", 11, never(10)},
			{0, "", 4, ok(6)},
			{0, "", 11, never(6)},
			{0, "", math.Inf(1), never(6)},
		}},
		{"cost zero passes on an empty budget and spends nothing", []step{
			{0, "", 10, ok(0)},
			{0, "", 0, ok(0)},
			{300 * ms, "", 0, ok(3)},
			{0, "", -5, ok(3)},
			{0, "", math.NaN(), ok(3)},
			{0, "", 3, ok(0)},
		}},
		{"fractional costs", []step{
			{0, "", 2.5, ok(7.5)},
			{0, "", 7.5, ok(0)},
			{0, "", 0.5, refused(0, 50*ms)},
			{50 * ms, "", 0.5, ok(0)},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runSteps(t, config(10, time.Second), tc.steps) })
	}
}

// TestTakeRoundingNeverCheats uses budgets whose point is no whole number of nanoseconds: the
// burst of exactly the budget must still pass, the next point must not, and waiting exactly
// RetryAfter must be enough.
func TestTakeRoundingNeverCheats(t *testing.T) {
	for _, limit := range []float64{3, 7, 13, 1000, 12345} {
		for _, window := range []time.Duration{time.Second, time.Minute, 7 * time.Millisecond} {
			l, c := newTestLimiter(t, config(limit, window))
			for i := range int(limit) {
				if d := l.Take(context.Background(), "c", 1); !d.Allowed {
					t.Fatalf("%v per %v: take %d of the burst refused: %+v", limit, window, i+1, d)
				}
			}
			d := l.Take(context.Background(), "c", 1)
			if d.Allowed {
				t.Fatalf("%v per %v: take past the burst allowed: %+v", limit, window, d)
			}
			if want := time.Duration(math.Ceil(float64(window) / limit)); d.RetryAfter != want {
				t.Fatalf("%v per %v: RetryAfter = %v, want %v", limit, window, d.RetryAfter, want)
			}
			c.advance(d.RetryAfter - 1)
			if d := l.Take(context.Background(), "c", 1); d.Allowed {
				t.Fatalf("%v per %v: allowed 1ns before RetryAfter", limit, window)
			}
			c.advance(1)
			if d := l.Take(context.Background(), "c", 1); !d.Allowed {
				t.Fatalf("%v per %v: refused after waiting RetryAfter: %+v", limit, window, d)
			}
		}
	}
}

func TestOverrides(t *testing.T) {
	cfg := config(10, time.Second)
	cfg.Overrides = map[string]Budget{
		"partner": {Limit: 100, Window: time.Minute},
		"tiny":    {Limit: 1, Window: time.Hour},
	}
	l, _ := newTestLimiter(t, cfg)
	ctx := context.Background()
	want := map[string]Decision{
		"partner": {Allowed: true, Limit: 100, Window: time.Minute, Remaining: 50, Reset: 30 * time.Second},
		"tiny":    {Never: true, Limit: 1, Window: time.Hour, Remaining: 1},
		"other":   {Never: true, Limit: 10, Window: time.Second, Remaining: 10},
	}
	for client, w := range want {
		if got := l.Take(ctx, client, 50); got != w {
			t.Errorf("Take(%q, 50) = %+v, want %+v", client, got, w)
		}
	}
	if got := l.Take(ctx, "tiny", 1); !got.Allowed || got.Reset != time.Hour {
		t.Errorf("Take(tiny, 1) = %+v, want allowed with Reset 1h", got)
	}
}

func TestCostZeroKeepsNoState(t *testing.T) {
	l, _ := newTestLimiter(t, config(10, time.Second))
	for range 100 {
		l.Take(context.Background(), "idle", 0)
	}
	l.Take(context.Background(), "big", 11)
	if n := l.mem.len(); n != 0 {
		t.Fatalf("%d clients held after free and never-allowed takes, want 0", n)
	}
}
