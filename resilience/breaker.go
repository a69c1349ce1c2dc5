package resilience

import (
	"time"
)

// BreakerConfig configures the circuit breaker of each endpoint (Envoy's outlier detection
// with Cosmo's error-rate breaker). A breaker opens (the endpoint is ejected) after
// ConsecutiveFailures failures in a row or when FailureRatio of at least MinRequests
// requests in the last Window failed. Failures are 5xx answers, connection errors and
// timeouts; 429 is not one. An open endpoint gets no request for its ejection time, then
// one trial request (half-open): success closes the breaker, failure ejects it again for
// longer. At most MaxEjectionPercent of a service's endpoints (and at least one) are ejected
// at once, unless every endpoint is failing: then all are, and requests fail fast with
// ErrCircuitOpen. Both ConsecutiveFailures and FailureRatio at 0 turn breakers off.
type BreakerConfig struct {
	// ConsecutiveFailures opens the breaker after that many failures in a row; 0 disables
	// the rule. Default 5 (Envoy).
	ConsecutiveFailures int
	// FailureRatio opens the breaker when failures are at least this share of the requests
	// of the last Window (and there were at least MinRequests); 0 disables the rule.
	// Default 0.5 (Cosmo).
	FailureRatio float64
	// MinRequests is the least number of requests in Window for FailureRatio to apply.
	// Default 20.
	MinRequests int
	// Window is the period FailureRatio is measured over, in 10 slices. Default 10s.
	Window time.Duration
	// BaseEjection is the first ejection time; the n-th ejection in a row lasts n times as
	// long. An endpoint that stays healthy for MaxEjection starts again from BaseEjection.
	// Default 30s (Envoy).
	BaseEjection time.Duration
	// MaxEjection caps the ejection time. Default 300s (Envoy).
	MaxEjection time.Duration
	// MaxEjectionPercent caps the share of a service's endpoints ejected at once; at least
	// one may always be ejected. Default 10 (Envoy).
	MaxEjectionPercent float64
}

// DefaultBreakerConfig returns Envoy's outlier-detection defaults with Cosmo's error rate.
func DefaultBreakerConfig() BreakerConfig {
	return BreakerConfig{
		ConsecutiveFailures: 5,
		FailureRatio:        0.5,
		MinRequests:         20,
		Window:              10 * time.Second,
		BaseEjection:        30 * time.Second,
		MaxEjection:         300 * time.Second,
		MaxEjectionPercent:  10,
	}
}

// Validate reports every invalid setting.
func (c BreakerConfig) Validate() error {
	var cs checks
	cs.add(c.ConsecutiveFailures >= 0, "resilience.breaker.consecutive_failures", "must be 0 (off) or positive, e.g. 5; got %d", c.ConsecutiveFailures)
	cs.between("resilience.breaker.failure_ratio", c.FailureRatio, 0, 1, "0.5")
	cs.add(c.MinRequests >= 1, "resilience.breaker.min_requests", "must be positive, e.g. 20; got %d", c.MinRequests)
	cs.add(c.Window >= 10*time.Millisecond, "resilience.breaker.window", "must be at least 10ms, e.g. 10s; got %v", c.Window)
	cs.positive("resilience.breaker.base_ejection", c.BaseEjection, "30s")
	cs.add(c.MaxEjection >= c.BaseEjection, "resilience.breaker.max_ejection", "must be at least base_ejection (%v), e.g. 300s; got %v", c.BaseEjection, c.MaxEjection)
	cs.between("resilience.breaker.max_ejection_percent", c.MaxEjectionPercent, 0, 100, "10")
	return cs.err()
}

func (c BreakerConfig) enabled() bool { return c.ConsecutiveFailures > 0 || c.FailureRatio > 0 }

// admission is what a breaker lets through now.
type admission uint8

const (
	admitAll   admission = iota // closed
	admitTrial                  // open, ejection over, no trial yet: one request may go
	admitNone                   // open, or its trial is in flight
)

// breaker is one endpoint's circuit breaker. Its methods are called with the pool's lock
// held; the pool decides whether a breaker that wants to open may (the ejection cap).
type breaker struct {
	open      bool
	until     time.Time // end of the ejection, when open
	trial     bool      // the half-open trial is in flight
	ejections int       // ejections in a row, for the growing ejection time
	closedAt  time.Time // when it last closed
	// failing is set while the failure rules say open, whether or not the cap allowed it.
	failing     bool
	consecutive int
	window      window
}

func (b *breaker) admit(now time.Time) admission {
	switch {
	case !b.open:
		return admitAll
	case b.trial || now.Before(b.until):
		return admitNone
	default:
		return admitTrial
	}
}

// record counts the outcome of a request sent while closed and reports whether the failure
// rules now say open.
func (b *breaker) record(now time.Time, failed bool, cfg *BreakerConfig) bool {
	b.window.add(now, cfg.Window, failed)
	if failed {
		b.consecutive++
	} else {
		b.consecutive = 0
	}
	b.failing = b.tripped(now, cfg)
	return b.failing
}

func (b *breaker) tripped(now time.Time, cfg *BreakerConfig) bool {
	if cfg.ConsecutiveFailures > 0 && b.consecutive >= cfg.ConsecutiveFailures {
		return true
	}
	if cfg.FailureRatio <= 0 {
		return false
	}
	total, failed := b.window.sum(now, cfg.Window)
	return total >= cfg.MinRequests && float64(failed) >= cfg.FailureRatio*float64(total)
}

// eject opens the breaker for BaseEjection × ejections in a row, at most MaxEjection.
func (b *breaker) eject(now time.Time, cfg *BreakerConfig) {
	if !b.closedAt.IsZero() && now.Sub(b.closedAt) >= cfg.MaxEjection {
		b.ejections = 0
	}
	b.ejections++
	b.open, b.trial, b.failing = true, false, false
	b.until = now.Add(min(cfg.BaseEjection*time.Duration(b.ejections), cfg.MaxEjection))
	b.consecutive = 0
	b.window = window{}
}

// trialDone ends the half-open trial: success closes the breaker, failure ejects again.
func (b *breaker) trialDone(now time.Time, failed bool, cfg *BreakerConfig) {
	if failed {
		b.eject(now, cfg)
		return
	}
	b.open, b.trial, b.failing = false, false, false
	b.closedAt = now
}

// window counts requests and failures over a sliding period in 10 slices.
type window struct {
	slots [10]struct {
		id            int64 // which slice of time the counts are for
		total, failed int
	}
}

func sliceOf(now time.Time, period time.Duration) int64 {
	return int64(now.Sub(epoch) / (period / 10))
}

func (w *window) add(now time.Time, period time.Duration, failed bool) {
	id := sliceOf(now, period)
	s := &w.slots[id%10]
	if s.id != id {
		s.id, s.total, s.failed = id, 0, 0
	}
	s.total++
	if failed {
		s.failed++
	}
}

func (w *window) sum(now time.Time, period time.Duration) (total, failed int) {
	id := sliceOf(now, period)
	for _, s := range w.slots {
		if s.id > id-10 && s.id <= id {
			total += s.total
			failed += s.failed
		}
	}
	return total, failed
}

// epoch is the origin of the time slices (monotonic).
var epoch = time.Now()
