package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Limiter decides whether a client may spend the cost of an operation. Safe for concurrent use.
// In memory, Take holds one of many short locks and does no I/O; with Redis it waits at most
// Config.Redis.Timeout.
type Limiter struct {
	std       budget
	overrides map[string]budget
	mem       *local
	redis     *remote // nil without Redis
	health    health
	now       func() int64
}

// New returns a Limiter for a valid cfg. A nil log discards. New does not contact Redis: the
// first decisions find out whether it answers.
func New(cfg Config, log *slog.Logger) (*Limiter, error) {
	return newLimiter(cfg, log, monotonic())
}

// newLimiter is New with a clock in nanoseconds, which tests move by hand.
func newLimiter(cfg Config, log *slog.Logger, now func() int64) (*Limiter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("ratelimit: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &Limiter{
		std:       newBudget(cfg.Limit, cfg.Window),
		overrides: make(map[string]budget, len(cfg.Overrides)),
		mem:       newLocal(cfg.MaxClients, now),
		now:       now,
	}
	for client, b := range cfg.Overrides {
		l.overrides[client] = newBudget(b.Limit, b.Window)
	}
	if cfg.Redis.URL != "" {
		r, err := newRemote(cfg.Redis)
		if err != nil {
			return nil, fmt.Errorf("ratelimit: %w", err)
		}
		l.redis = r
		l.health = health{interval: int64(cfg.Redis.ProbeInterval), log: log, addr: r.addr()}
	}
	return l, nil
}

// Take decides whether client may spend cost points and spends them if so. A cost of zero,
// a negative one or NaN is allowed and spends nothing; a cost larger than the client's budget
// is refused with Never set.
func (l *Limiter) Take(ctx context.Context, client string, cost float64) Decision {
	if !(cost > 0) {
		cost = 0
	}
	b := l.budget(client)
	if l.redis == nil {
		return l.mem.take(client, b, cost)
	}
	if d, ok := l.takeRemote(ctx, client, b, cost); ok {
		return d
	}
	d := l.mem.take(client, b, cost)
	d.Fallback = true
	return d
}

// takeRemote asks Redis when health says so, and reports whether it answered.
func (l *Limiter) takeRemote(ctx context.Context, client string, b budget, cost float64) (Decision, bool) {
	try, probe := l.health.admit(l.now())
	if !try {
		return Decision{}, false
	}
	d, err := l.redis.take(ctx, client, b, cost)
	switch {
	case err == nil:
		l.health.answered(probe)
		return d, true
	case ctx.Err() != nil:
		// The request was abandoned: no news about Redis.
	default:
		l.health.failed(l.now(), err)
	}
	return Decision{}, false
}

func (l *Limiter) budget(client string) budget {
	if len(l.overrides) > 0 {
		if b, ok := l.overrides[client]; ok {
			return b
		}
	}
	return l.std
}

// Close releases the connections to Redis. Take must not be called after.
func (l *Limiter) Close() error {
	if l.redis == nil {
		return nil
	}
	return l.redis.close()
}

// monotonic returns a clock in nanoseconds since its creation, immune to wall-clock steps.
func monotonic() func() int64 {
	start := time.Now()
	return func() int64 { return int64(time.Since(start)) }
}
