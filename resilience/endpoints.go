package resilience

import (
	"net/url"
	"time"
)

// sync makes eps the current list. Unchanged lists (the same slice, or equal contents) cost
// no allocation.
func (p *pool) sync(now time.Time, eps []Endpoint) {
	if len(eps) == p.lastLen && &eps[0] == p.lastFirst {
		return
	}
	p.lastFirst, p.lastLen = &eps[0], len(eps)
	if p.same(eps) {
		return
	}
	old := p.unmark()
	live := make([]*endpoint, 0, len(eps))
	for i := range eps {
		ep := p.endpoint(now, eps[i])
		if ep == nil || ep.listed {
			continue // unparsable URL, or a duplicate ID
		}
		ep.listed = true
		live = append(live, ep)
	}
	p.live = live
	stamp(now, old)
}

// unmark clears the listed flag of the current list and returns it.
func (p *pool) unmark() []*endpoint {
	for _, ep := range p.live {
		ep.listed = false
	}
	return p.live
}

// stamp records when the endpoints of a previous list that are not listed any more left.
func stamp(now time.Time, old []*endpoint) {
	for _, ep := range old {
		if !ep.listed {
			ep.unlistedAt = now
		}
	}
}

// same reports whether eps describes the current list.
func (p *pool) same(eps []Endpoint) bool {
	if len(eps) != len(p.live) {
		return false
	}
	for i, e := range eps {
		ep := p.live[i]
		if idOf(e) != ep.id || e.URL != ep.rawURL || e.Zone != ep.zone || weightOf(e.Weight) != ep.weight {
			return false
		}
	}
	return true
}

// endpoint returns the state of e, creating it (or starting it afresh when its URL
// changed). It returns nil for a URL that cannot be parsed.
func (p *pool) endpoint(now time.Time, e Endpoint) *endpoint {
	id := idOf(e)
	ep := p.byID[id]
	if ep == nil || ep.rawURL != e.URL {
		u, err := url.Parse(e.URL)
		if err != nil || u.Host == "" {
			return nil
		}
		ep = &endpoint{id: id, rawURL: e.URL, url: u, ewma: newPeakEWMA(now, p.cfg.Balancer.DefaultRTT)}
		p.byID[id] = ep
	}
	ep.zone, ep.weight = e.Zone, weightOf(e.Weight)
	return ep
}

// fallback makes the request's own URL the only endpoint, keyed by that URL.
func (p *pool) fallback(now time.Time, u *url.URL) error {
	if u == nil || u.Host == "" {
		p.setLive(now, nil)
		return &UnavailableError{Service: p.service, Err: ErrNoEndpoint}
	}
	p.lastFirst, p.lastLen = nil, 0
	if len(p.live) == 1 && p.live[0].url.Scheme == u.Scheme && p.live[0].url.Host == u.Host && p.live[0].url.Path == u.Path {
		return nil
	}
	raw := (&url.URL{Scheme: u.Scheme, User: u.User, Host: u.Host, Path: u.Path, RawPath: u.RawPath}).String()
	p.setLive(now, []*endpoint{p.endpoint(now, Endpoint{ID: raw, URL: raw})})
	return nil
}

func (p *pool) setLive(now time.Time, live []*endpoint) {
	old := p.unmark()
	for _, ep := range live {
		ep.listed = true
	}
	p.live = live
	stamp(now, old)
}

// sweep forgets endpoints unlisted for ForgetAfter with nothing in flight.
func (p *pool) sweep(now time.Time) {
	forget := p.cfg.Balancer.ForgetAfter
	p.nextSweep = now.Add(forget / 2)
	for id, ep := range p.byID {
		if !ep.listed && ep.inflight == 0 && now.Sub(ep.unlistedAt) >= forget {
			delete(p.byID, id)
		}
	}
}

func idOf(e Endpoint) string {
	if e.ID == "" {
		return e.URL
	}
	return e.ID
}

func weightOf(w int) float64 {
	if w <= 0 {
		return 1
	}
	return float64(w)
}
