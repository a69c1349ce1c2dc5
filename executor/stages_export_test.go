package executor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/trellis-gql/trellis/executor/tree"
	"github.com/trellis-gql/trellis/planner"
)

// Stages runs the GraphQL request raw (a POST body) once on g, then returns a function for
// each stage of an execution that repeats it alone on the state the run left: "represent"
// (the walks to every entity fetch's objects and their representations, on the final tree)
// and "project" (writing the response data). BenchmarkStages measures them, so that a
// regression in one stage shows up even when the whole request hides it.
func Stages(g *Gateway, raw []byte) (map[string]func(), error) {
	r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
	r.Header.Set("Content-Type", "application/json")
	x, rerr := g.admit(httptest.NewRecorder(), r)
	if rerr != nil {
		return nil, fmt.Errorf("admit: %v", rerr.errs)
	}
	plan, err := g.plan(x.st, x.planned)
	if err != nil {
		return nil, err
	}
	e := &execution{g: g, st: x.st, vars: x.prepared.vars, data: &tree.Object{}, arena: getArena()}
	e.run(context.Background(), plan.Node)
	if len(e.errs) > 0 {
		return nil, fmt.Errorf("the run failed: %v", e.errs)
	}
	fetches := entityFetches(plan.Node, nil)
	if len(fetches) == 0 {
		return nil, errors.New("the plan has no entity fetch")
	}
	for _, parts := range fetches {
		ps := parts()
		e.representations(ps)
		if len(ps[0].reps) == 0 {
			return nil, fmt.Errorf("no representations for the entity fetch at %v", ps[0].path)
		}
	}
	var buf []byte
	return map[string]func(){
		"represent": func() {
			for _, parts := range fetches {
				e.representations(parts())
			}
			// What an execution's walks leave in the arena, which release would drop.
			e.arena.targets.reset()
			e.arena.indices = e.arena.indices[:0]
		},
		"project": func() {
			pr := &projector{errs: e.errs, denied: x.denied, buf: buf[:0]}
			if !pr.project(x.prepared.op.Selection, e.data) || len(pr.add) > 0 {
				panic("the projection failed")
			}
			buf = pr.buf
		},
	}, nil
}

// entityFetches appends, for each entity fetch under n, a function that returns its parts
// as the execution makes them.
func entityFetches(n *planner.Node, out []func() []*part) []func() []*part {
	if n == nil {
		return out
	}
	switch n.Kind {
	case planner.KindFlatten:
		return append(out, func() []*part {
			return []*part{{fetch: n.Node.Fetch, path: n.Path, alias: "_entities", variable: n.Node.Fetch.RepresentationsVariable}}
		})
	case planner.KindBatch:
		return append(out, func() []*part {
			parts := make([]*part, len(n.Nodes))
			for i, c := range n.Nodes {
				parts[i] = &part{fetch: c.Node.Fetch, path: c.Path, alias: n.Fetch.Batch[i].Alias, variable: n.Fetch.Batch[i].Variable}
			}
			return parts
		})
	}
	for _, c := range n.Nodes {
		out = entityFetches(c, out)
	}
	return out
}
