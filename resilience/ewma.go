package resilience

import (
	"math"
	"time"
)

// peakEWMA is Linkerd's (and Finagle's) latency estimate of one endpoint: it jumps to any
// latency above the current estimate at once, and otherwise moves towards observations, and
// towards zero while nothing is observed, with time constant tau. A slow endpoint is thus
// avoided from its first slow answer, and an idle endpoint becomes attractive again with
// time, which is how it gets probed.
//
// The initial estimate (BalancerConfig.DefaultRTT) holds until the first observation, which
// replaces it. (tower blends the first observation in like any other, so that a default far
// above the real latency takes tens of seconds to wear off and every endpoint looks alike
// meanwhile.)
type peakEWMA struct {
	est      float64   // nanoseconds, as of stamp
	stamp    time.Time // last observation (or creation)
	measured bool      // est comes from observations, not the default
}

func newPeakEWMA(now time.Time, initial time.Duration) peakEWMA {
	return peakEWMA{est: float64(initial), stamp: now}
}

// at returns the estimate decayed to now, in nanoseconds.
func (e *peakEWMA) at(now time.Time, tau time.Duration) float64 {
	elapsed := now.Sub(e.stamp)
	if elapsed <= 0 {
		return e.est
	}
	return e.est * math.Exp(-float64(elapsed)/float64(tau))
}

// observe records a latency seen at now.
func (e *peakEWMA) observe(now time.Time, rtt time.Duration, tau time.Duration) {
	r := float64(rtt)
	if cur := e.at(now, tau); r > cur || !e.measured {
		e.est = r
	} else {
		// cur is the old estimate weighted by w = exp(-elapsed/tau); the observation gets 1-w.
		w := 1.0
		if elapsed := now.Sub(e.stamp); elapsed > 0 {
			w = math.Exp(-float64(elapsed) / float64(tau))
		}
		e.est = cur + r*(1-w)
	}
	e.measured = true
	if now.After(e.stamp) {
		e.stamp = now
	}
}
