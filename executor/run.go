package executor

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/trellis-gql/trellis/planner"
)

// execution is the state of one request while its plan runs. Fetches of a Parallel run
// concurrently; they build representations and merge results under mu, and spend the
// network time outside it.
type execution struct {
	g    *Gateway
	st   *state
	ctx  context.Context
	vars map[string]any

	mu   sync.Mutex
	data map[string]any
	errs []gqlError
	// received counts the subgraph response bytes: the response is presized from it.
	received atomic.Int64
}

func (e *execution) run(n *planner.Node) {
	if n == nil || e.ctx.Err() != nil {
		return
	}
	switch n.Kind {
	case planner.KindSequence:
		for _, c := range n.Nodes {
			e.run(c)
		}
	case planner.KindParallel:
		var wg sync.WaitGroup
		for _, c := range n.Nodes {
			wg.Go(func() { e.run(c) })
		}
		wg.Wait()
	case planner.KindFetch:
		e.rootFetch(n.Fetch)
	case planner.KindFlatten:
		e.entityFetch(n.Path, n.Node.Fetch)
	}
}

func (e *execution) rootFetch(f *planner.Fetch) {
	body, err := requestBody(f, e.vars, nil)
	if err != nil {
		e.fail(f.Service, nil, err)
		return
	}
	resp, err := e.send(f.Service, body)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		e.errs = append(e.errs, fetchError(f.Service, nil, err))
		return
	}
	applyRewrites(resp.Data, f.Rewrites)
	e.merge(e.data, resp.Data)
	for _, se := range resp.Errors {
		e.errs = append(e.errs, subgraphError(f.Service, se, subgraphPath(se)))
	}
}

func (e *execution) entityFetch(path []string, f *planner.Fetch) {
	e.mu.Lock()
	targets, reps := e.representations(path, f)
	e.mu.Unlock()
	if len(reps) == 0 {
		return
	}
	body, err := requestBody(f, e.vars, reps)
	if err != nil {
		e.fail(f.Service, targets, err)
		return
	}
	resp, err := e.send(f.Service, body)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		e.errs = append(e.errs, fetchError(f.Service, targets, err))
		return
	}
	entities, _ := resp.Data["_entities"].([]any)
	for _, ent := range entities {
		applyRewrites(ent, f.Rewrites)
	}
	if resp.Data != nil && entities == nil && len(resp.Errors) == 0 {
		e.errs = append(e.errs, fetchError(f.Service, targets, errMissingEntities))
	}
	for _, t := range targets {
		if t.rep < len(entities) {
			if obj, ok := entities[t.rep].(map[string]any); ok {
				e.merge(t.obj, obj)
			}
		}
	}
	for _, se := range resp.Errors {
		e.errs = append(e.errs, e.entityErrors(f.Service, se, targets)...)
	}
}

func (e *execution) fail(service string, targets []target, err error) {
	e.mu.Lock()
	e.errs = append(e.errs, fetchError(service, targets, err))
	e.mu.Unlock()
}

// applyRewrites moves internally aliased values back under the client's keys.
func applyRewrites(data any, rewrites []planner.Rewrite) {
	for _, rw := range rewrites {
		walkPath(data, rw.Path, nil, func(obj map[string]any, _ []pathElem) {
			if v, ok := obj[rw.From]; ok {
				obj[rw.To] = v
				delete(obj, rw.From)
			}
		})
	}
}
