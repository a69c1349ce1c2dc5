package resilience

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Client is the gateway's HTTP client to subgraph instances. It is an http.RoundTripper (and
// a Doer) made of layers, outermost first:
//
//	deadline  the service's timeout, within the caller's deadline (TimeoutConfig)
//	faults    injected delays and aborts (Config.Faults)
//	retrier   idempotent requests again, elsewhere, within a budget (RetryConfig)
//	balancer  an endpoint per try: breakers (BreakerConfig), zone, p2c over peak-EWMA
//	          (BalancerConfig); the outcome goes back to the endpoint's state
//	base      the service's transport
//
// Requests without a Target in their context go straight to the base transport. A Client is
// safe for concurrent use; it starts no goroutine.
type Client struct {
	cfg         Config
	base        func(service string) http.RoundTripper
	passthrough http.RoundTripper
	chain       http.RoundTripper
	services    registry
}

var _ http.RoundTripper = (*Client)(nil)

// New returns a client. resolver lists the endpoints of each service (nil: always the
// request's own URL). transport returns the base transport of a service (for mTLS, one that
// verifies that service's identity); it is called once per service, with "" for requests
// without a Target, and again for a service forgotten after BalancerConfig.ForgetAfter
// unused. nil, or a nil result: one shared transport (h1, over NewTransport(nil) for
// https). log receives breaker transitions, and at debug level retries and injected faults
// (nil: discard).
func New(cfg Config, resolver Resolver, transport func(service string) http.RoundTripper, log *slog.Logger) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if resolver == nil {
		resolver = noResolver{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	lg := &logger{l: log}
	c := &Client{cfg: cfg, base: transport}
	c.services.m = map[string]*service{}
	c.services.client = c
	c.passthrough = c.transport("")
	var chain http.RoundTripper = sender{}
	chain = &balancer{next: chain, resolver: resolver, log: lg}
	chain = &retrier{next: chain, cfg: cfg.Retry, perTry: cfg.Timeouts.PerTry, log: lg}
	if len(cfg.Faults) > 0 {
		chain = &faults{next: chain, cfg: cfg.Faults, log: lg}
	}
	c.chain = &deadline{next: chain, cfg: cfg.Timeouts}
	return c, nil
}

// RoundTrip sends req through the layers when its context has a Target, else straight to
// the base transport. It does not modify req; it closes req.Body.
func (c *Client) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	t, ok := TargetFrom(ctx)
	if !ok {
		return c.passthrough.RoundTrip(req)
	}
	svc := c.services.get(t.Service, time.Now())
	svc.counters.requests.Add(1)
	cl := &call{target: t, svc: svc}
	cl.tried = cl.triedBuf[:0]
	return c.chain.RoundTrip(req.WithContext(context.WithValue(ctx, callKey{}, cl)))
}

// Do is RoundTrip, for the gateway's Doer interface: no redirects are followed and no
// cookies kept, as between a gateway and its subgraphs none should be.
func (c *Client) Do(req *http.Request) (*http.Response, error) { return c.RoundTrip(req) }

// CloseIdleConnections closes the idle connections of the base transports that can.
func (c *Client) CloseIdleConnections() {
	closeIdle(c.passthrough)
	c.services.mu.RLock()
	defer c.services.mu.RUnlock()
	for _, s := range c.services.m {
		closeIdle(s.transport)
	}
}

// Close releases idle connections. The client stays usable; it holds nothing else.
func (c *Client) Close() { c.CloseIdleConnections() }

func closeIdle(rt http.RoundTripper) {
	if ci, ok := rt.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

func (c *Client) transport(service string) http.RoundTripper {
	if c.base != nil {
		if rt := c.base(service); rt != nil {
			return rt
		}
	}
	return sharedTransport()
}

// sender is the innermost layer: the service's base transport.
type sender struct{}

func (sender) RoundTrip(req *http.Request) (*http.Response, error) {
	return callFrom(req.Context()).svc.transport.RoundTrip(req)
}

type noResolver struct{}

func (noResolver) Endpoints(string) []Endpoint { return nil }

// service is the state the client keeps per service.
type service struct {
	name      string
	pool      *pool
	budget    *budget
	transport http.RoundTripper
	lastUsed  atomic.Int64 // nanoseconds since epoch
	counters  counters
}

type counters struct {
	requests, retries, retriesRefused, failedFast, faultDelays, faultAborts atomic.Uint64
}

// registry holds the services used lately. A service unused for ForgetAfter is forgotten
// when a new one is added, so the map is bounded by the services in use.
type registry struct {
	client *Client
	mu     sync.RWMutex
	m      map[string]*service
}

func (r *registry) get(name string, now time.Time) *service {
	r.mu.RLock()
	s := r.m[name]
	r.mu.RUnlock()
	if s == nil {
		s = r.add(name, now)
	}
	if at := int64(now.Sub(epoch)); s.lastUsed.Load() < at {
		s.lastUsed.Store(at)
	}
	return s
}

func (r *registry) add(name string, now time.Time) *service {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.m[name]; s != nil {
		return s
	}
	c := r.client
	forget := int64(now.Sub(epoch) - c.cfg.Balancer.ForgetAfter)
	for n, s := range r.m {
		if s.lastUsed.Load() < forget {
			delete(r.m, n)
			if s.transport != c.passthrough {
				closeIdle(s.transport)
			}
		}
	}
	s := &service{name: name, pool: newPool(name, &c.cfg, now), budget: newBudget(c.cfg.Retry), transport: c.transport(name)}
	s.lastUsed.Store(int64(now.Sub(epoch)))
	r.m[name] = s
	return s
}
