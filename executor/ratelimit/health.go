package ratelimit

import (
	"log/slog"
	"sync/atomic"
	"time"
)

// health decides when Redis is worth asking. While up, every decision goes to Redis; the first
// failure marks it down. While down, one decision per interval probes it and the others go
// straight to memory, so a dead Redis costs the timeout once per interval, not per request.
// Only a probe marks Redis up again: a slow answer to a request sent before the failure says
// nothing about now. Safe for concurrent use; never blocks.
type health struct {
	down      atomic.Bool
	nextProbe atomic.Int64 // clock nanoseconds before which nobody probes
	interval  int64
	log       *slog.Logger
	addr      string
}

// admit reports whether to ask Redis now, and whether that is a probe of a Redis marked down.
func (h *health) admit(now int64) (try, probe bool) {
	if !h.down.Load() {
		return true, false
	}
	next := h.nextProbe.Load()
	if now < next || !h.nextProbe.CompareAndSwap(next, now+h.interval) {
		return false, false
	}
	return true, true
}

// failed marks Redis down after a failed decision, logging only the change.
func (h *health) failed(now int64, err error) {
	h.nextProbe.Store(now + h.interval)
	if h.down.CompareAndSwap(false, true) {
		h.log.Warn("rate limit: redis unavailable, deciding in memory until it answers",
			"redis_addr", h.addr, "error", err.Error(), "probe_interval", time.Duration(h.interval).String())
	}
}

// answered records a decision Redis took; a successful probe marks it up again.
func (h *health) answered(probe bool) {
	if probe && h.down.CompareAndSwap(true, false) {
		h.log.Info("rate limit: redis answers again, budgets shared again", "redis_addr", h.addr)
	}
}
