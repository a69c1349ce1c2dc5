package resilience

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// BalancerConfig configures the choice of an endpoint for each try: power of two choices
// over peak-EWMA latency (Linkerd), the cost of an endpoint being
// latency × (requests in flight + 1) / weight.
type BalancerConfig struct {
	// DefaultRTT is the latency assumed of an endpoint until it has answered. Default 30ms
	// (Linkerd).
	DefaultRTT time.Duration
	// Decay is the time constant of the latency average: an observation's weight falls to
	// 1/e after Decay, and an endpoint that is not used sees its estimate fall towards zero
	// at that pace (so it is tried again). Default 10s (Linkerd).
	Decay time.Duration
	// FailurePenalty is the latency recorded for an answer that cost the endpoint nothing and
	// would otherwise make it look fast: a connection error, 429 or 503 (Linkerd's load
	// biaser). 0 records the real latency. Default 5s.
	FailurePenalty time.Duration
	// MaxRetryAfter caps how long an endpoint that answered 429 or 503 with Retry-After is
	// avoided (it is still used when every other endpoint is unusable). Default 300s.
	MaxRetryAfter time.Duration
	// ForgetAfter is how long the state (latency, breaker) of an endpoint the resolver no
	// longer lists is kept, in case it comes back; a service not used for that long is
	// forgotten too. Default 5m.
	ForgetAfter time.Duration
}

// DefaultBalancerConfig returns Linkerd's balancer defaults.
func DefaultBalancerConfig() BalancerConfig {
	return BalancerConfig{
		DefaultRTT:     30 * time.Millisecond,
		Decay:          10 * time.Second,
		FailurePenalty: 5 * time.Second,
		MaxRetryAfter:  300 * time.Second,
		ForgetAfter:    5 * time.Minute,
	}
}

// Validate reports every invalid setting.
func (c BalancerConfig) Validate() error {
	var cs checks
	cs.positive("resilience.balancer.default_rtt", c.DefaultRTT, "30ms")
	cs.positive("resilience.balancer.decay", c.Decay, "10s")
	cs.notNegative("resilience.balancer.failure_penalty", c.FailurePenalty, "5s")
	cs.notNegative("resilience.balancer.max_retry_after", c.MaxRetryAfter, "300s")
	cs.positive("resilience.balancer.forget_after", c.ForgetAfter, "5m")
	return cs.err()
}

// DeadlineHeader carries, on every request to a subgraph, the milliseconds left before the
// gateway stops waiting for this try (the smallest of the client's deadline, the service
// timeout and the per-try timeout), so that the subgraph can give up as well. HonourDeadline
// applies it on the server side.
const DeadlineHeader = "Trellis-Deadline-Ms"

// balancer is the layer that picks an endpoint, sends the try there and feeds the outcome
// back to the endpoint's latency estimate and circuit breaker. Choosing needs the breakers'
// state, so breakers live with the endpoints here rather than in a layer of their own.
type balancer struct {
	next     http.RoundTripper
	resolver Resolver
	log      *logger
}

func (b *balancer) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	c := callFrom(ctx)
	eps := b.resolver.Endpoints(c.target.Service)
	start := time.Now()
	ch, err := c.svc.pool.pick(start, eps, req.URL, c)
	if err != nil {
		closeBody(req)
		c.svc.counters.failedFast.Add(1)
		return nil, err
	}
	out := new(http.Request)
	*out = *req
	out.URL = ch.ep.target(req.URL)
	out.Host = ""
	out.Header = req.Header.Clone()
	if out.Header == nil {
		out.Header = http.Header{}
	}
	if dl, ok := ctx.Deadline(); ok {
		out.Header.Set(DeadlineHeader, strconv.FormatInt(max(time.Until(dl).Milliseconds(), 1), 10))
	}
	resp, err := b.next.RoundTrip(out)
	end := time.Now()
	o := outcome{elapsed: end.Sub(start), err: err, cancelled: err != nil && errors.Is(ctx.Err(), context.Canceled)}
	if resp != nil {
		o.status = resp.StatusCode
		if o.status == http.StatusTooManyRequests || o.status == http.StatusServiceUnavailable {
			o.retryAfter, _ = parseRetryAfter(resp.Header, end)
		}
	}
	b.log.changes(ctx, c.svc.pool.observe(end, ch, o))
	if err != nil {
		return nil, fmt.Errorf("endpoint %s: %w", ch.ep.id, err)
	}
	return resp, nil
}
