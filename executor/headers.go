package executor

import (
	"context"

	"github.com/trellis-gql/trellis/executor/headers"
)

// headerRun is what the header rules read from one request and gather for its execution:
// the client's headers and claims, and the subgraph response headers let through.
type headerRun struct {
	in  headers.Input
	out *headers.Collector // nil without response rules
}

type headerRunKey struct{}

// withHeaderRun records the execution's header state; fetches read it with headerRunFrom.
func withHeaderRun(ctx context.Context, hr *headerRun) context.Context {
	return context.WithValue(ctx, headerRunKey{}, hr)
}

// headerRunFrom returns the state recorded by withHeaderRun, nil when there are no header
// rules.
func headerRunFrom(ctx context.Context) *headerRun {
	hr, _ := ctx.Value(headerRunKey{}).(*headerRun)
	return hr
}

// headerFingerprint identifies the headers the rules send to service for this request, ""
// when they send none. Whatever is shared between requests for that subgraph's answers (the
// entity cache) must be keyed by it: a subgraph may answer differently per header.
func (g *Gateway) headerFingerprint(ctx context.Context, service string) string {
	hr := headerRunFrom(ctx)
	if hr == nil {
		return ""
	}
	return g.headers.Fingerprint(service, hr.in)
}

// entityScope keys cached entities by the caller's scope and by the headers the rules send
// the subgraph (fingerprint, "" when none): an entity fetched with one tenant's header is
// never served to a request that would send another. Scopes hold no NUL byte.
func entityScope(scope, fingerprint string) string {
	if fingerprint == "" {
		return scope
	}
	return scope + "\x00headers:" + fingerprint
}
