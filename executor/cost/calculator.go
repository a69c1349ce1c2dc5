package cost

import (
	"fmt"
	"math"

	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2/ast"
)

// Calculator costs operations on one supergraph. It is immutable and safe for concurrent use;
// build a new one with each new supergraph.
type Calculator struct {
	cfg   Config
	sg    *supergraph.Supergraph
	costs *supergraph.Costs
	// weights holds every named type's weight: its @cost, else the default of its kind.
	weights map[string]float64
	// widest holds, per abstract type, the largest weight of its possible types: the cost of
	// a value of a possible type the operation selects nothing on.
	widest map[string]float64
	// noFieldCosts is set when no field or argument carries a cost directive.
	noFieldCosts bool
}

// New reads the cost directives of sg (an error if they are malformed, as
// Supergraph.CheckCost reports it) and precomputes the weight of every type.
func New(cfg Config, sg *supergraph.Supergraph) (*Calculator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	costs, err := sg.Costs()
	if err != nil {
		return nil, fmt.Errorf("cost directives: %w", err)
	}
	c := &Calculator{cfg: cfg, sg: sg, costs: costs,
		weights: make(map[string]float64, len(sg.API.Types)), widest: map[string]float64{},
		noFieldCosts: !costs.HasFields()}
	for name, def := range sg.API.Types {
		c.weights[name] = c.kindWeight(def)
		if w, ok := costs.Type(name); ok {
			c.weights[name] = w
		}
	}
	for name, def := range sg.API.Types {
		if def.IsAbstractType() {
			c.widest[name] = c.widestOf(def)
		}
	}
	return c, nil
}

// Mode is the configured mode.
func (c *Calculator) Mode() Mode { return c.cfg.Mode }

// MaxCost is the configured limit.
func (c *Calculator) MaxCost() float64 { return c.cfg.MaxCost }

func (c *Calculator) kindWeight(def *ast.Definition) float64 {
	switch def.Kind {
	case ast.Scalar:
		return c.cfg.ScalarWeight
	case ast.Enum:
		return c.cfg.EnumWeight
	}
	return c.cfg.ObjectWeight // objects, interfaces, unions, input objects
}

func (c *Calculator) widestOf(def *ast.Definition) float64 {
	possible := c.sg.API.GetPossibleTypes(def)
	if len(possible) == 0 {
		return c.weights[def.Name]
	}
	w := math.Inf(-1)
	for _, p := range possible {
		w = max(w, c.weights[p.Name])
	}
	return w
}

// field returns the cost directives of typ.field, without a lookup when the supergraph has
// none (most do not: the walk then costs one map access less per field).
func (c *Calculator) field(typ, field string) *supergraph.FieldCost {
	if c.noFieldCosts {
		return nil
	}
	return c.costs.Field(typ, field)
}

// weight is the weight of a value of the named type.
func (c *Calculator) weight(typeName string) float64 { return c.weights[typeName] }

// Check reports what enforce mode refuses, whatever the mode: a *SlicingError, or a
// *TooExpensiveError when the estimate exceeds MaxCost. Measure mode logs it.
func (c *Calculator) Check(e Estimate) error {
	if e.Slicing != nil {
		return e.Slicing
	}
	if e.Cost > c.cfg.MaxCost {
		return &TooExpensiveError{Estimated: e.Cost, Max: c.cfg.MaxCost}
	}
	return nil
}

// Admit returns Check's error in enforce mode, and nil otherwise.
func (c *Calculator) Admit(e Estimate) error {
	if c.cfg.Mode != ModeEnforce {
		return nil
	}
	return c.Check(e)
}

// finite keeps a cost JSON can carry: lists multiplied deep enough overflow float64.
func finite(v float64) float64 {
	if math.IsInf(v, 1) || math.IsNaN(v) {
		return math.MaxFloat64
	}
	return v
}
