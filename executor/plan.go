package executor

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/trellis-gql/trellis/planner"
)

// plan returns the plan for a prepared operation, from the cache when an equal normalized
// operation was planned with the same override-label outcomes.
func (g *Gateway) plan(st *state, op *planner.Operation) (*planner.Plan, error) {
	labels := g.drawLabels(st)
	key := op.Key
	if len(labels) > 0 {
		key += "\x00" + labelKey(labels)
	}
	if st.plans != nil {
		if plan, ok := st.plans.Get(key); ok {
			return plan, nil
		}
	}
	plan, err := planner.Build(st.sg, op, planner.Options{Labels: labels, Tree: g.cfg.TreePlans})
	if err != nil {
		return nil, err
	}
	if st.plans != nil {
		st.plans.Set(key, plan, planCost(plan))
	}
	return plan, nil
}

// drawLabels decides the progressive-override labels for one request: percent(N) labels
// are active with probability N%, others when configured.
func (g *Gateway) drawLabels(st *state) map[string]bool {
	if len(st.sg.OverrideLabels) == 0 {
		return nil
	}
	out := map[string]bool{}
	for _, l := range st.sg.OverrideLabels {
		if pct, ok := percent(l); ok {
			out[l] = rand.Float64()*100 < pct
			continue
		}
		out[l] = g.labels[l]
	}
	return out
}

func percent(label string) (float64, bool) {
	if !strings.HasPrefix(label, "percent(") || !strings.HasSuffix(label, ")") {
		return 0, false
	}
	v, err := strconv.ParseFloat(label[len("percent("):len(label)-1], 64)
	return v, err == nil
}

func labelKey(labels map[string]bool) string {
	var on []string
	for l, active := range labels {
		if active {
			on = append(on, l)
		}
	}
	sort.Strings(on)
	return strings.Join(on, ",")
}

// planCost charges a plan one slot of the plan cache per 4 KiB of subgraph operations, so
// that a few huge plans cannot hold the memory of thousands of ordinary ones.
func planCost(p *planner.Plan) int64 {
	size := 0
	p.Walk(func(n *planner.Node) {
		if n.Fetch != nil {
			size += len(n.Fetch.Operation)
		}
	})
	return 1 + int64(size/4096)
}
