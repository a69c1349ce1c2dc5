package resilience

import (
	"fmt"
	"net/http"
	"time"
)

// outcome is what one try came to, as the balancer saw it.
type outcome struct {
	elapsed    time.Duration // to the response headers or the error
	status     int           // 0 with err
	err        error
	cancelled  bool          // the caller gave up: says nothing of the endpoint
	retryAfter time.Duration // of a 429 or 503
}

// failed is a failure for the breaker: 5xx, connection errors and timeouts.
func (o outcome) failed() bool { return o.err != nil || o.status >= 500 }

// penalised is an answer that may have cost the endpoint nothing, recorded as
// BalancerConfig.FailurePenalty lest the endpoint win the latency race.
func (o outcome) penalised() bool {
	return o.err != nil || o.status == http.StatusTooManyRequests || o.status == http.StatusServiceUnavailable
}

// change is a breaker transition, logged once the pool's lock is released.
type change struct {
	kind      string // "ejected", "still failing", "restored"
	service   string
	id, url   string
	reason    string
	ejection  time.Duration
	ejections int
}

// observe feeds the outcome of a try back to its endpoint's latency and breaker.
func (p *pool) observe(now time.Time, ch choice, o outcome) []change {
	p.mu.Lock()
	defer p.mu.Unlock()
	ep := ch.ep
	ep.inflight--
	if o.cancelled {
		if ch.trial {
			ep.brk.trial = false // another request will make the trial
		}
		return nil
	}
	rtt := o.elapsed
	if o.penalised() {
		rtt = max(rtt, p.cfg.Balancer.FailurePenalty)
	}
	ep.ewma.observe(now, rtt, p.cfg.Balancer.Decay)
	if o.retryAfter > 0 {
		ep.notBefore = now.Add(min(o.retryAfter, p.cfg.Balancer.MaxRetryAfter))
	}
	failed := o.failed()
	if failed {
		ep.failures++
	}
	cfg := &p.cfg.Breaker
	switch {
	case !cfg.enabled():
	case ch.trial && ep.brk.open:
		ep.brk.trialDone(now, failed, cfg)
		kind := "restored"
		if failed {
			kind = "still failing"
		}
		return []change{p.change(now, kind, ep, describe(o))}
	case !ep.brk.open && ep.brk.record(now, failed, cfg):
		return p.eject(now, ep, describe(o))
	}
	return nil
}

// eject opens ep's breaker if the cap allows: at most MaxEjectionPercent of the listed
// endpoints (at least one) are ejected, unless every one of them is failing, in which case
// all are.
func (p *pool) eject(now time.Time, ep *endpoint, last string) []change {
	cfg := &p.cfg.Breaker
	limit := max(1, int(float64(len(p.live))*cfg.MaxEjectionPercent/100))
	ejected, everyone := 0, true
	for _, l := range p.live {
		if l.brk.open {
			ejected++
		} else if !l.brk.failing {
			everyone = false
		}
	}
	reason := ep.brk.reason(now, cfg, last)
	if !ep.listed || ejected < limit {
		ep.brk.eject(now, cfg)
		return []change{p.change(now, "ejected", ep, reason)}
	}
	if !everyone {
		return nil
	}
	var out []change
	for _, l := range p.live {
		if !l.brk.open && l.brk.failing {
			r := "every endpoint failing"
			if l == ep {
				r = reason + "; every endpoint failing"
			}
			l.brk.eject(now, cfg)
			out = append(out, p.change(now, "ejected", l, r))
		}
	}
	return out
}

func (p *pool) change(now time.Time, kind string, ep *endpoint, reason string) change {
	c := change{kind: kind, service: p.service, id: ep.id, url: ep.rawURL, reason: reason, ejections: ep.brk.ejections}
	if ep.brk.open {
		c.ejection = ep.brk.until.Sub(now)
	}
	return c
}

// reason says which rule opens the breaker.
func (b *breaker) reason(now time.Time, cfg *BreakerConfig, last string) string {
	if cfg.ConsecutiveFailures > 0 && b.consecutive >= cfg.ConsecutiveFailures {
		return fmt.Sprintf("%d consecutive failures, the last: %s", b.consecutive, last)
	}
	total, failed := b.window.sum(now, cfg.Window)
	return fmt.Sprintf("%d of %d requests failed in %v, the last: %s", failed, total, cfg.Window, last)
}

func describe(o outcome) string {
	if o.err != nil {
		return o.err.Error()
	}
	return fmt.Sprintf("HTTP %d", o.status)
}
