package ratelimit

import (
	"math"
	"time"
)

// slack is how far past its budget, relative to the budget, a client may go: enough to absorb
// the rounding of float64 arithmetic (about 1e-16 of the budget per step), so that a client who
// waits exactly RetryAfter is not refused for a rounding error, and worth less than a
// nanosecond of refill for any window under a quarter of an hour.
const slack = 1e-12

// budget is a Budget ready for the arithmetic. The state of a client is its level: the points
// spent and not yet refilled. It refills at limit/window, down to zero.
type budget struct {
	limit  float64
	window time.Duration
	// ceiling is the highest level a spend may reach: limit plus slack.
	ceiling float64
}

func newBudget(limit float64, window time.Duration) budget {
	return budget{limit: limit, window: window, ceiling: limit * (1 + slack)}
}

// refill returns the level of a client whose level was level elapsed nanoseconds ago.
func (b budget) refill(level float64, elapsed int64) float64 {
	if elapsed <= 0 {
		return level
	}
	// Multiplying before dividing keeps whole results whole: 1e8ns*10/1e9ns is exactly 1.
	return max(level-float64(elapsed)*b.limit/float64(b.window), 0)
}

// spend reports whether cost fits on top of level and the level after the decision.
func (b budget) spend(level, cost float64) (allowed bool, after float64) {
	if level+cost <= b.ceiling && cost <= b.ceiling {
		return true, level + cost
	}
	return false, level
}

// decision describes a spend of cost that left the client at level after.
func (b budget) decision(allowed bool, after, cost float64) Decision {
	d := Decision{
		Allowed:   allowed,
		Limit:     b.limit,
		Window:    b.window,
		Remaining: max(b.limit-after, 0),
		Reset:     b.duration(after),
	}
	switch {
	case allowed:
	case cost > b.ceiling:
		d.Never = true
	default:
		d.RetryAfter = b.duration(after + cost - b.limit)
	}
	return d
}

// duration is the time the budget takes to refill points, rounded up to the nanosecond so that
// waiting that long is always enough.
func (b budget) duration(points float64) time.Duration {
	if points <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(points * float64(b.window) / b.limit))
}
