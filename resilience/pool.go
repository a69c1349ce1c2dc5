package resilience

import (
	"math/rand/v2"
	"net/url"
	"sync"
	"time"
)

// endpoint is the client's state of one instance. Guarded by its pool's lock.
type endpoint struct {
	id, rawURL, zone string
	url              *url.URL
	weight           float64
	ewma             peakEWMA
	inflight         int
	notBefore        time.Time // Retry-After: avoided until then
	brk              breaker
	listed           bool      // in the resolver's current list
	unlistedAt       time.Time // when it left the list
	requests         uint64
	failures         uint64
}

// target is the URL a try is sent to: the endpoint's, with the request's query when the
// endpoint's URL has none.
func (ep *endpoint) target(req *url.URL) *url.URL {
	u := *ep.url
	if u.RawQuery == "" && req != nil {
		u.RawQuery = req.RawQuery
	}
	return &u
}

// pool is the endpoints of one service: the resolver's current list and the state of
// every endpoint seen lately. One lock guards it all; it is held for a few comparisons.
type pool struct {
	service string
	cfg     *Config

	mu   sync.Mutex
	byID map[string]*endpoint
	live []*endpoint // the current list, in the resolver's order
	// The resolver's last answer, to skip comparing when it returns the same slice.
	lastFirst *Endpoint
	lastLen   int
	nextSweep time.Time
}

func newPool(service string, cfg *Config, now time.Time) *pool {
	return &pool{service: service, cfg: cfg, byID: map[string]*endpoint{}, nextSweep: now.Add(cfg.Balancer.ForgetAfter)}
}

// choice is the endpoint picked for one try.
type choice struct {
	ep    *endpoint
	trial bool // the breaker's half-open trial
}

// pick brings the list up to date and chooses the endpoint of the next try of c.
func (p *pool) pick(now time.Time, eps []Endpoint, reqURL *url.URL, c *call) (choice, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(eps) > 0 {
		p.sync(now, eps)
	} else if err := p.fallback(now, reqURL); err != nil {
		return choice{}, err
	}
	if now.After(p.nextSweep) {
		p.sweep(now)
	}
	ch, err := p.choose(now, c)
	if err != nil {
		return ch, err
	}
	ch.ep.inflight++
	ch.ep.requests++
	ch.ep.brk.trial = ch.ep.brk.trial || ch.trial
	c.tried = append(c.tried, ch.ep)
	return ch, nil
}

// choose applies, in order: a half-open trial for an idempotent request (a failed trial is
// then retried elsewhere); the endpoints whose breaker is closed, not avoided for a
// Retry-After, in the gateway's zone when any is there; then those avoided for Retry-After;
// then trials for any request. Among several, power of two choices.
func (p *pool) choose(now time.Time, c *call) (choice, error) {
	var usableBuf, laterBuf [16]*endpoint
	usable, later := usableBuf[:0], laterBuf[:0]
	var trial *endpoint
	trials, local := 0, 0
	var retryAt time.Time
	for _, ep := range p.live {
		if c.hasTried(ep) {
			continue
		}
		switch ep.brk.admit(now) {
		case admitAll:
			if ep.notBefore.After(now) {
				later = append(later, ep)
				continue
			}
			usable = append(usable, ep)
			if p.cfg.Zone != "" && ep.zone == p.cfg.Zone {
				local++
			}
		case admitTrial:
			trials++
			if trial == nil || rand.IntN(trials) == 0 {
				trial = ep
			}
		case admitNone:
			if retryAt.IsZero() || ep.brk.until.Before(retryAt) {
				retryAt = ep.brk.until
			}
		}
	}
	c.others = len(usable) + len(later) + trials - 1
	switch {
	case trial != nil && (c.target.Idempotent || len(usable)+len(later) == 0):
		return choice{ep: trial, trial: true}, nil
	case len(usable) > 0:
		if local > 0 && local < len(usable) {
			usable = inZone(usable, p.cfg.Zone)
		}
		return choice{ep: p.p2c(now, usable)}, nil
	case len(later) > 0:
		return choice{ep: p.p2c(now, later)}, nil
	case !retryAt.IsZero():
		return choice{}, &UnavailableError{Service: p.service, Err: ErrCircuitOpen, RetryAt: retryAt}
	}
	return choice{}, &UnavailableError{Service: p.service, Err: ErrNoEndpoint}
}

// inZone keeps the endpoints of zone, in place.
func inZone(eps []*endpoint, zone string) []*endpoint {
	out := eps[:0]
	for _, ep := range eps {
		if ep.zone == zone {
			out = append(out, ep)
		}
	}
	return out
}

// p2c draws two endpoints and returns the cheaper.
func (p *pool) p2c(now time.Time, eps []*endpoint) *endpoint {
	if len(eps) == 1 {
		return eps[0]
	}
	i := rand.IntN(len(eps))
	j := rand.IntN(len(eps) - 1)
	if j >= i {
		j++
	}
	a, b := eps[i], eps[j]
	if p.cost(now, b) < p.cost(now, a) {
		return b
	}
	return a
}

func (p *pool) cost(now time.Time, ep *endpoint) float64 {
	return ep.ewma.at(now, p.cfg.Balancer.Decay) * float64(ep.inflight+1) / ep.weight
}
