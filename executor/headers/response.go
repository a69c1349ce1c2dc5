package headers

import (
	"net/http"
	"slices"
	"sync"
)

// Responses reports whether some subgraph has response rules.
func (r *Rules) Responses() bool { return r != nil && r.responses }

// Collector gathers, for one execution, the subgraph response headers the rules let
// through, and combines them. It is safe for concurrent use by the fetches of the execution.
type Collector struct {
	rules *Rules
	mu    sync.Mutex
	vals  map[string][]string
	cc    policy
	// ccSeen is set once a response whose Cache-Control is merged was recorded.
	ccSeen bool
}

// Collect returns a Collector for one execution; nil (which records nothing) when there are
// no response rules.
func (r *Rules) Collect() *Collector {
	if !r.Responses() {
		return nil
	}
	return &Collector{rules: r}
}

// Add records the header of a response of subgraph.
func (c *Collector) Add(subgraph string, h http.Header) {
	if c == nil {
		return
	}
	l := c.rules.list(subgraph)
	if len(l.response) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if l.cacheControl {
		c.mergeCacheControl(parsePolicy(h.Values(cacheControl)))
	}
	for name, vs := range h {
		if len(vs) == 0 || name == cacheControl || ForbiddenResponse(name) {
			continue
		}
		if alg, ok := l.algorithm(name); ok {
			c.write(name, vs, alg)
		}
	}
}

// Unknown records that data of subgraph was used without a response of its own (an entity
// cache hit): when that subgraph's Cache-Control is merged, its policy is unknown, and the
// merged one becomes no-store.
func (c *Collector) Unknown(subgraph string) {
	if c == nil || !c.rules.list(subgraph).cacheControl {
		return
	}
	c.mu.Lock()
	c.mergeCacheControl(policy{noStore: true})
	c.mu.Unlock()
}

func (c *Collector) mergeCacheControl(p policy) {
	if !c.ccSeen {
		c.cc, c.ccSeen = p, true
		return
	}
	c.cc = c.cc.merge(p)
}

// algorithm returns how the header name combines, from the last rule matching it.
func (l *list) algorithm(name string) (Algorithm, bool) {
	for i := len(l.response) - 1; i >= 0; i-- {
		if l.response[i].matches(name) {
			return l.response[i].alg, true
		}
	}
	return "", false
}

func (c *Collector) write(name string, vs []string, alg Algorithm) {
	if c.vals == nil {
		c.vals = map[string][]string{}
	}
	old, seen := c.vals[name]
	switch {
	case !seen || alg == LastWrite:
		c.vals[name] = slices.Clone(vs)
	case alg == Append:
		for _, v := range vs {
			if !slices.Contains(old, v) {
				old = append(old, v)
			}
		}
		c.vals[name] = old
	}
}

// Header returns the combined headers for the client. failed tells that the response
// carries errors: its Cache-Control is then no-store whenever a rule merges Cache-Control,
// as a response with errors must not be cached. The slices are not shared with the
// Collector; callers must not append to them in place (they may be shared between the
// requests of a deduplicated execution).
func (c *Collector) Header(failed bool) http.Header {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(http.Header, len(c.vals)+1)
	for name, vs := range c.vals {
		out[name] = slices.Clip(slices.Clone(vs))
	}
	switch {
	case failed && c.rules.cacheControl:
		out[cacheControl] = []string{"no-store"}
	case c.ccSeen:
		out[cacheControl] = []string{c.cc.String()}
	}
	return out
}
