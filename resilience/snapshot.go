package resilience

import (
	"cmp"
	"slices"
	"time"
)

// BreakerState is the state of an endpoint's circuit breaker.
type BreakerState string

const (
	// StateClosed: the endpoint takes requests.
	StateClosed BreakerState = "closed"
	// StateOpen: the endpoint is ejected until EndpointState.EjectedUntil.
	StateOpen BreakerState = "open"
	// StateHalfOpen: the ejection is over; the next request (one at a time) is a trial.
	StateHalfOpen BreakerState = "half-open"
)

// EndpointState is what the client knows of one endpoint, for metrics and the playground.
type EndpointState struct {
	ID, URL, Zone string
	Weight        int
	// Listed: the resolver lists it now (an endpoint it dropped is kept for
	// BalancerConfig.ForgetAfter).
	Listed bool
	// Latency is the peak-EWMA latency estimate the balancer uses.
	Latency time.Duration
	// InFlight is the number of tries waiting for their response headers.
	InFlight int
	Breaker  BreakerState
	// EjectedUntil is the end of the current ejection; zero when closed.
	EjectedUntil time.Time
	// Ejections counts the ejections in a row (the next lasts one BaseEjection longer).
	Ejections int
	// Requests and Failures count the tries sent and those that failed, since the endpoint
	// was first seen.
	Requests, Failures uint64
}

// Counters are a service's request counts since its state was created.
type Counters struct {
	// Requests is the requests with a Target for the service.
	Requests uint64
	// Retries is the tries after the first.
	Retries uint64
	// RetriesRefused is the retries the budget did not allow.
	RetriesRefused uint64
	// FailedFast is the tries refused without being sent: circuit open or no endpoint.
	FailedFast uint64
	// FaultDelays and FaultAborts are the faults injected.
	FaultDelays, FaultAborts uint64
}

// Snapshot returns, per service, the state of the endpoints known, sorted by ID.
func (c *Client) Snapshot() map[string][]EndpointState {
	now := time.Now()
	out := map[string][]EndpointState{}
	for _, s := range c.services.all() {
		out[s.name] = s.pool.snapshot(now)
	}
	return out
}

// Counters returns the counters of each service in use.
func (c *Client) Counters() map[string]Counters {
	out := map[string]Counters{}
	for _, s := range c.services.all() {
		k := &s.counters
		out[s.name] = Counters{
			Requests: k.requests.Load(), Retries: k.retries.Load(), RetriesRefused: k.retriesRefused.Load(),
			FailedFast: k.failedFast.Load(), FaultDelays: k.faultDelays.Load(), FaultAborts: k.faultAborts.Load(),
		}
	}
	return out
}

func (r *registry) all() []*service {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*service, 0, len(r.m))
	for _, s := range r.m {
		out = append(out, s)
	}
	return out
}

func (p *pool) snapshot(now time.Time) []EndpointState {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]EndpointState, 0, len(p.byID))
	for _, ep := range p.byID {
		st := EndpointState{
			ID: ep.id, URL: ep.rawURL, Zone: ep.zone, Weight: int(ep.weight), Listed: ep.listed,
			Latency:  time.Duration(ep.ewma.at(now, p.cfg.Balancer.Decay)),
			InFlight: ep.inflight, Breaker: StateClosed, Ejections: ep.brk.ejections,
			Requests: ep.requests, Failures: ep.failures,
		}
		if ep.brk.open {
			st.Breaker, st.EjectedUntil = StateOpen, ep.brk.until
			if !now.Before(ep.brk.until) {
				st.Breaker = StateHalfOpen
			}
		}
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b EndpointState) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
