package ratelimit

import (
	"context"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/internal/redistest"
)

const (
	logDown = "redis unavailable, deciding in memory"
	logUp   = "redis answers again"
)

// fallbackLimiter returns a Limiter with a short timeout and probe interval, logging to logs.
func fallbackLimiter(t *testing.T, srv *redistest.Server, logs *logBuffer) *Limiter {
	t.Helper()
	cfg := config(1000, time.Minute)
	cfg.Redis.URL = srv.URL
	cfg.Redis.Timeout = 50 * time.Millisecond
	cfg.Redis.ProbeInterval = 200 * time.Millisecond
	l, err := New(cfg, logs.logger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// timedTake is one Take and how long it took.
func timedTake(l *Limiter) (Decision, time.Duration) {
	start := time.Now()
	d := l.Take(context.Background(), "c", 1)
	return d, time.Since(start)
}

// waitForRedis takes until a decision comes from Redis again, failing after limit.
func waitForRedis(t *testing.T, l *Limiter, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if d, _ := timedTake(l); !d.Fallback {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("decisions still in memory %v after Redis came back", limit)
}

func TestFallbackWhenRedisStops(t *testing.T) {
	srv := redistest.Start(t)
	logs := &logBuffer{}
	l := fallbackLimiter(t, srv, logs)
	if d, _ := timedTake(l); d.Fallback || !d.Allowed {
		t.Fatalf("with Redis up: %+v, want allowed by Redis", d)
	}

	srv.Stop()
	d, took := timedTake(l)
	if !d.Fallback || !d.Allowed {
		t.Fatalf("first take with Redis stopped: %+v, want allowed in memory", d)
	}
	if took > 500*time.Millisecond {
		t.Fatalf("first take with Redis stopped took %v, want about the 50ms timeout at most", took)
	}
	// While down, requests do not wait for Redis, except one probe per interval.
	slow := 0
	for range 200 {
		d, took := timedTake(l)
		if !d.Fallback {
			t.Fatalf("take with Redis stopped: %+v, want Fallback", d)
		}
		if took > 20*time.Millisecond {
			slow++
		}
		time.Sleep(time.Millisecond)
	}
	if slow > 3 {
		t.Fatalf("%d of 200 takes over 20ms while Redis is down, want only the probes", slow)
	}

	srv.Restart()
	waitForRedis(t, l, 2*time.Second)
	if d, _ := timedTake(l); d.Fallback {
		t.Fatalf("take after recovery: %+v, want from Redis", d)
	}
	if down, up := logs.count(logDown), logs.count(logUp); down != 1 || up != 1 {
		t.Fatalf("logged %d down and %d up messages, want one of each:\n%s", down, up, logs.buf.String())
	}
}

func TestFallbackWhenRedisIsSlow(t *testing.T) {
	srv := redistest.Start(t)
	logs := &logBuffer{}
	l := fallbackLimiter(t, srv, logs)
	if d, _ := timedTake(l); d.Fallback {
		t.Fatalf("with Redis up: %+v, want from Redis", d)
	}

	srv.Pause(time.Second)
	d, took := timedTake(l)
	if !d.Fallback || !d.Allowed {
		t.Fatalf("take with Redis paused: %+v, want allowed in memory", d)
	}
	if took < 40*time.Millisecond || took > 500*time.Millisecond {
		t.Fatalf("take with Redis paused took %v, want the 50ms timeout", took)
	}
	if d, took := timedTake(l); !d.Fallback || took > 20*time.Millisecond {
		t.Fatalf("next take: %+v after %v, want in memory at once", d, took)
	}

	waitForRedis(t, l, 3*time.Second)
	if down, up := logs.count(logDown), logs.count(logUp); down != 1 || up != 1 {
		t.Fatalf("logged %d down and %d up messages, want one of each:\n%s", down, up, logs.buf.String())
	}
}

// TestFallbackFromTheStart covers a gateway started while Redis is unreachable: it serves
// from memory and New does not fail.
func TestFallbackFromTheStart(t *testing.T) {
	srv := redistest.Start(t)
	srv.Stop()
	logs := &logBuffer{}
	l := fallbackLimiter(t, srv, logs)
	for i := range 3 {
		if d, took := timedTake(l); !d.Fallback || !d.Allowed || took > 500*time.Millisecond {
			t.Fatalf("take %d with no Redis: %+v after %v, want allowed in memory, quickly", i, d, took)
		}
	}
	if n := logs.count(logDown); n != 1 {
		t.Fatalf("logged %d down messages, want 1", n)
	}
}

// TestAbandonedRequestSaysNothingAboutRedis cancels the caller's context: the decision is
// taken in memory but Redis is not marked down.
func TestAbandonedRequestSaysNothingAboutRedis(t *testing.T) {
	srv := redistest.Start(t)
	logs := &logBuffer{}
	l := fallbackLimiter(t, srv, logs)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if d := l.Take(ctx, "c", 1); !d.Fallback {
		t.Fatalf("take on a cancelled context: %+v, want decided in memory", d)
	}
	if d, _ := timedTake(l); d.Fallback {
		t.Fatalf("next take: %+v, want from Redis, still up", d)
	}
	if n := logs.count(logDown); n != 0 {
		t.Fatalf("logged %d down messages for a cancelled request, want 0", n)
	}
}
