package executor

import (
	"errors"
	"fmt"

	"github.com/trellis-gql/trellis/executor/cost"
	"github.com/trellis-gql/trellis/executor/tree"
)

// estimate computes the operation's static cost when cost analysis or rate limiting needs it,
// on the operation as authorized (fields the caller may not see cost nothing), and refuses
// it over the limit in enforce mode.
func (g *Gateway) estimate(x *admitted) *requestError {
	calc := x.st.cost
	if calc == nil {
		return nil
	}
	est := x.st.estimateOf(x)
	x.estimated = est.Cost
	err := calc.Admit(est)
	if err == nil {
		if calc.Mode() == cost.ModeMeasure {
			if over := calc.Check(est); over != nil {
				g.log.Info("operation over the cost limit (measure mode: served)", "operation", x.op.Name, "estimated", est.Cost, "reason", over.Error())
			}
		}
		return nil
	}
	ge := newError(cost.CodeEstimatedTooExpensive, err.Error())
	var tooMuch *cost.TooExpensiveError
	var slicing *cost.SlicingError
	switch {
	case errors.As(err, &tooMuch):
		ge.Extensions = tooMuch.Extensions()
	case errors.As(err, &slicing):
		ge = newError(slicing.Code(), err.Error())
	}
	return &requestError{errs: []gqlError{ge}}
}

// estimateOf returns the estimate, from the cache when it does not depend on variables.
func (st *state) estimateOf(x *admitted) cost.Estimate {
	if st.estimates != nil {
		if est, ok := st.estimates.Get(x.planned.Key); ok {
			return est
		}
	}
	est := st.cost.Estimate(x.planned, x.vars)
	if st.estimates != nil && !est.Variables {
		st.estimates.Set(x.planned.Key, est, 1)
	}
	return est
}

// costReport is extensions.cost of a response when cost analysis is on.
func (g *Gateway) costReport(x *admitted, data *tree.Object) *cost.Report {
	calc := x.st.cost
	if calc == nil || calc.Mode() == cost.ModeOff {
		return nil
	}
	return &cost.Report{Estimated: x.estimated, Actual: calc.Actual(x.planned, x.vars, data)}
}

// newCalculator builds the cost calculator of a supergraph, or nil when neither cost
// analysis nor rate limiting needs one.
func (g *Gateway) newCalculator(st *state) error {
	if g.cfg.Cost.Mode == cost.ModeOff && !g.cfg.RateLimit.Enabled {
		return nil
	}
	calc, err := cost.New(g.cfg.Cost, st.sg)
	if err != nil {
		return fmt.Errorf("cost: %w", err)
	}
	st.cost = calc
	return nil
}
