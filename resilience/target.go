package resilience

import (
	"context"
)

// Endpoint is one live instance of a service.
type Endpoint struct {
	// ID names the instance uniquely within its service (a discovery node name). Breaker and
	// latency state are kept per ID; an ID whose URL changes starts afresh. Empty: the URL.
	ID string
	// URL is the instance's full GraphQL URL; requests are sent to it as they are.
	URL string
	// Zone is the instance's locality; Config.Zone prefers endpoints of its own zone.
	Zone string
	// Weight scales the instance's share of the traffic (cost / Weight); 0 or less counts as 1.
	Weight int
}

// Resolver lists the live endpoints of a service. The client calls it on every request
// with a Target, so Endpoints must be fast, must not block, and must be safe for concurrent
// use. It may return the same slice many times but must not modify a slice it has returned
// (return a new one when the set changes). An empty result means: send to the request's own
// URL (the supergraph's static routing URL).
type Resolver interface {
	Endpoints(service string) []Endpoint
}

// Target says which service a request is for and whether it may be sent twice.
type Target struct {
	// Service is the name the Resolver, TimeoutConfig.PerService and Config.Faults know the
	// service by.
	Service string
	// Idempotent allows retries. The gateway sets it for queries and entity fetches, never
	// for mutations.
	Idempotent bool
	// Body, for a request that is not idempotent, lets the client send it once more, to
	// another endpoint, when the first try provably sent nothing: the connection could not
	// be made, or the endpoint's identity was refused. Nil: never sent twice. (The request
	// itself carries no GetBody, so that net/http cannot resend it on its own.)
	Body []byte
}

type targetKey struct{}

// WithTarget returns ctx carrying t. Requests without a Target go straight to the base
// transport.
func WithTarget(ctx context.Context, t Target) context.Context {
	return context.WithValue(ctx, targetKey{}, t)
}

// TargetFrom returns the Target of ctx.
func TargetFrom(ctx context.Context) (Target, bool) {
	t, ok := ctx.Value(targetKey{}).(Target)
	return t, ok
}

// call is what the layers share about one request with a Target: the service's state, and
// what the retry layer and the balancer tell each other (endpoints tried, endpoints left).
type call struct {
	target Target
	svc    *service
	// tried holds the endpoints given a try, so that a retry goes elsewhere.
	tried    []*endpoint
	triedBuf [3]*endpoint
	// others is the number of usable endpoints not tried, counted at the last pick.
	others int
}

type callKey struct{}

func callFrom(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}

func (c *call) hasTried(ep *endpoint) bool {
	for _, t := range c.tried {
		if t == ep {
			return true
		}
	}
	return false
}
