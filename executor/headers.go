package executor

import (
	"context"
	"sync"

	"github.com/trellis-gql/trellis/executor/headers"
)

// headerRun is what the header rules read from one request and gather for its execution:
// the client's headers and claims, and the subgraph response headers let through.
type headerRun struct {
	in  headers.Input
	out *headers.Collector // nil without response rules

	// The fingerprint of each subgraph asked for, computed once per request: its inputs (the
	// client's headers and claims, the rules) do not change during it, and the entity cache
	// asks for one per part of every entity fetch, from concurrent fetches. A request's
	// entity fetches go to a few subgraphs: prints starts in room, without allocating.
	mu     sync.Mutex
	prints []subgraphPrint
	room   [4]subgraphPrint
}

type subgraphPrint struct{ service, fingerprint string }

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
	return hr.fingerprint(g.headers, service)
}

// fingerprint is the rules' fingerprint of service for this request. Safe for concurrent
// use: the first call for a service computes it, the others wait for it and reuse it.
func (hr *headerRun) fingerprint(rules *headers.Rules, service string) string {
	hr.mu.Lock()
	defer hr.mu.Unlock()
	for _, p := range hr.prints {
		if p.service == service {
			return p.fingerprint
		}
	}
	if hr.prints == nil {
		hr.prints = hr.room[:0]
	}
	fp := computeFingerprint(rules, service, hr.in)
	hr.prints = append(hr.prints, subgraphPrint{service, fp})
	return fp
}

// computeFingerprint computes what headerRun.fingerprint remembers; a variable so that a
// test can count the computations.
var computeFingerprint = (*headers.Rules).Fingerprint

// entityScope keys cached entities by the caller's scope and by the headers the rules send
// the subgraph (fingerprint, "" when none): an entity fetched with one tenant's header is
// never served to a request that would send another. Scopes hold no NUL byte.
func entityScope(scope, fingerprint string) string {
	if fingerprint == "" {
		return scope
	}
	return scope + "\x00headers:" + fingerprint
}
