package executor

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/trellis-gql/trellis/executor/tree"
	"github.com/trellis-gql/trellis/planner"
)

// execution is the state of one request while its plan runs. Fetches of a Parallel run
// concurrently; they build representations and merge results under mu, and spend the
// network time outside it.
type execution struct {
	g    *Gateway
	st   *state
	vars map[string]any

	mu   sync.Mutex
	data *tree.Object
	errs []gqlError
	// adding and members serve merge: the members it is about to add, and a block to move
	// objects' members to when they grow.
	adding []tree.Field
	// arena holds the subgraph responses' bodies and decoded values, and the blocks merge
	// moves grown objects' members to, for the next execution once this one is over.
	arena *arena
	// received counts the subgraph response bytes: the response is presized from it.
	received atomic.Int64
	// mutation is set for a mutation: its entity fetches neither read nor write the entity
	// cache.
	mutation bool
}

func (e *execution) run(ctx context.Context, n *planner.Node) {
	if n == nil || ctx.Err() != nil {
		return
	}
	switch n.Kind {
	case planner.KindSequence:
		for _, c := range n.Nodes {
			e.run(ctx, c)
		}
	case planner.KindParallel:
		// The last child runs on this goroutine, which would otherwise only wait: one
		// goroutine (and one wake-up) less per Parallel. The others run on kept goroutines.
		var wg sync.WaitGroup
		defer wg.Wait() // also when the last child panics: the others use the execution
		last := len(n.Nodes) - 1
		for _, c := range n.Nodes[:max(last, 0)] {
			wg.Add(1)
			parallel.do(func() {
				defer wg.Done()
				e.run(ctx, c)
			})
		}
		if last >= 0 {
			e.run(ctx, n.Nodes[last])
		}
	case planner.KindFetch:
		e.rootFetch(ctx, n.Fetch)
	case planner.KindFlatten:
		e.entityFetch(ctx, n.Path, n.Node.Fetch)
	case planner.KindBatch:
		e.batchFetch(ctx, n)
	}
}

func (e *execution) rootFetch(ctx context.Context, f *planner.Fetch) {
	body, err := requestBody(f, e.vars, nil)
	if err != nil {
		e.fail(f.Service, err)
		return
	}
	// A mutation's root fetch runs the mutation: it is never retried.
	resp, err := e.send(ctx, f.Service, body, !e.mutation)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		e.errs = append(e.errs, e.fetchFailed(f.Service, err, rootPaths(f))...)
		return
	}
	if resp.Data != nil {
		applyRewrites(resp.Data, f.Rewrites)
		e.merge(e.data, resp.Data)
	}
	for _, se := range resp.Errors {
		e.errs = append(e.errs, subgraphError(f.Service, se, subgraphPath(se)))
	}
}

// part is one entity fetch of a request: its Flatten path's objects and representations,
// and where its result is in the response (the _entities field's alias).
type part struct {
	fetch    *planner.Fetch
	path     []string // the Flatten path
	alias    string
	variable string
	targets  []target
	reps     [][]byte
	index    map[int][]target // targets by representation, built for the first error
}

// byRep returns the part's targets by representation index.
func (p *part) byRep() map[int][]target {
	if p.index == nil {
		p.index = map[int][]target{}
		for _, t := range p.targets {
			p.index[t.rep] = append(p.index[t.rep], t)
		}
	}
	return p.index
}

func (e *execution) entityFetch(ctx context.Context, path []string, f *planner.Fetch) {
	e.entityParts(ctx, f, []*part{{fetch: f, path: path, alias: "_entities", variable: f.RepresentationsVariable}})
}

// batchFetch sends the entity fetches of a Batch node as one request.
func (e *execution) batchFetch(ctx context.Context, n *planner.Node) {
	parts := make([]*part, len(n.Nodes))
	for i, c := range n.Nodes {
		parts[i] = &part{fetch: c.Node.Fetch, path: c.Path, alias: n.Fetch.Batch[i].Alias, variable: n.Fetch.Batch[i].Variable}
	}
	e.entityParts(ctx, n.Fetch, parts)
}

// entityParts runs one subgraph request for one or more entity fetches (f holds the
// operation) and merges each part's entities into its objects.
func (e *execution) entityParts(ctx context.Context, f *planner.Fetch, parts []*part) {
	e.locked(func() { e.representations(parts) })
	cached := e.lookupEntities(ctx, parts) // takes the cache hits out of the parts
	total := 0
	for _, p := range parts {
		total += len(p.reps)
	}
	if total == 0 {
		if cached != nil {
			e.locked(func() { e.mergeHits(cached) })
		}
		return
	}
	resp, err := e.sendParts(ctx, f, parts)
	if err == nil {
		cached.storeEntities(ctx, parts, resp)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.mergeHits(cached)
	if err != nil {
		e.errs = append(e.errs, e.fetchFailed(f.Service, err, flattenPaths(parts))...)
		return
	}
	for _, p := range parts {
		var entities []any
		if resp.Data != nil {
			entities, _ = resp.Data.Get(p.alias).([]any)
		}
		if resp.Data != nil && entities == nil && len(resp.Errors) == 0 && len(p.reps) > 0 {
			e.errs = append(e.errs, fetchError(f.Service, errMissingEntities))
		}
		for _, ent := range entities {
			applyRewrites(ent, p.fetch.Rewrites)
		}
		for _, t := range p.targets {
			if obj, ok := entityAt(entities, t.rep); ok {
				e.merge(t.obj, obj)
			}
		}
	}
	for _, se := range resp.Errors {
		e.errs = append(e.errs, e.entityErrors(f.Service, se, parts)...)
	}
}

func (e *execution) sendParts(ctx context.Context, f *planner.Fetch, parts []*part) (*subgraphResponse, error) {
	body, err := requestBody(f, e.vars, parts)
	if err != nil {
		return nil, err
	}
	return e.send(ctx, f.Service, body, true) // _entities only reads
}

func entityAt(entities []any, i int) (*tree.Object, bool) {
	if i >= len(entities) {
		return nil, false
	}
	obj, ok := entities[i].(*tree.Object)
	return obj, ok
}

func (e *execution) fail(service string, err error) {
	e.locked(func() { e.errs = append(e.errs, e.fetchFailed(service, err, nil)...) })
}

// locked runs fn holding e.mu, unlocked even when fn panics: a Parallel waits for its other
// children, which would otherwise wait for the lock for ever.
func (e *execution) locked(fn func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	fn()
}

// fetchFailed logs a failed subgraph request and returns its GraphQL errors: one at each
// path the fetch would have filled, or one without a path when none is known.
func (e *execution) fetchFailed(service string, err error, paths [][]any) []gqlError {
	e.g.log.Warn("subgraph request failed", "subgraph", service, "error", err.Error())
	ge := fetchError(service, err)
	if len(paths) == 0 {
		return []gqlError{ge}
	}
	out := make([]gqlError, len(paths))
	for i, p := range paths {
		out[i] = ge
		out[i].Path = p
	}
	return out
}

// rootPaths are the response keys a root fetch fills.
func rootPaths(f *planner.Fetch) [][]any {
	out := make([][]any, len(f.Fields))
	for i, k := range f.Fields {
		out[i] = []any{k}
	}
	return out
}

// flattenPaths are the response paths of entity fetches, "@" standing for every list item
// (as in Apollo Router's errors); type conditions are not part of a response path.
func flattenPaths(parts []*part) [][]any {
	var out [][]any
	seen := map[string]bool{}
	for _, p := range parts {
		var rp []any
		for _, el := range p.path {
			if !strings.HasPrefix(el, "|[") {
				rp = append(rp, el)
			}
		}
		if k := fmt.Sprint(rp); !seen[k] {
			seen[k] = true
			out = append(out, rp)
		}
	}
	return out
}

// applyRewrites moves internally aliased values back under the client's keys.
func applyRewrites(data any, rewrites []planner.Rewrite) {
	for _, rw := range rewrites {
		walkPath(data, rw.Path, func(obj *tree.Object) { obj.Rename(rw.From, rw.To) })
	}
}
