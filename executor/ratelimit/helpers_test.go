package ratelimit

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a hand-moved clock for newLimiter.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() int64              { return c.ns.Load() }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// newTestLimiter returns a Limiter on a clock that moves only when told.
func newTestLimiter(t testing.TB, cfg Config) (*Limiter, *clock) {
	t.Helper()
	c := &clock{}
	c.advance(time.Hour) // not zero, so that a bug treating 0 as "unset" shows
	l, err := newLimiter(cfg, nil, c.now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l, c
}

// config returns DefaultConfig with the given budget.
func config(limit float64, window time.Duration) Config {
	cfg := DefaultConfig()
	cfg.Limit, cfg.Window = limit, window
	return cfg
}

// logBuffer collects log records for assertions; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) count(substr string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.buf.String(), substr)
}

func (b *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(b, nil)) }
