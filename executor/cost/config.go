package cost

import (
	"fmt"
	"math"
)

// Mode says what the gateway does with costs.
type Mode string

const (
	// ModeOff computes no cost.
	ModeOff Mode = "off"
	// ModeMeasure estimates every operation and measures its actual cost, for logs and
	// metrics, and refuses nothing: the way to choose MaxCost from real traffic.
	ModeMeasure Mode = "measure"
	// ModeEnforce refuses an operation whose estimate exceeds MaxCost, or whose slicing
	// arguments break a @listSize(requireOneSlicingArgument: true), before it is planned.
	ModeEnforce Mode = "enforce"
)

// Config configures operation cost (demand control). The weights default to Apollo Router's
// (objects, interfaces and unions 1, scalars and enums 0, mutations 10); @cost in the
// supergraph overrides them per type, field and argument.
type Config struct {
	// Mode is off, measure or enforce.
	Mode Mode
	// MaxCost is the largest estimated cost admitted in enforce mode; in measure mode it
	// decides only what is reported as too expensive.
	MaxCost float64
	// ObjectWeight is the weight of a value of an object, interface or union type, and of an
	// input object given as an argument, without @cost.
	ObjectWeight float64
	// ScalarWeight is the weight of a scalar value without @cost.
	ScalarWeight float64
	// EnumWeight is the weight of an enum value without @cost.
	EnumWeight float64
	// MutationWeight is added for each root field of a mutation: every one is a write the
	// subgraphs perform in sequence.
	MutationWeight float64
	// DefaultListSize is the size assumed for a list field that no @listSize sizes. Apollo
	// Router has no default (its static_estimated.list_size is required) and documents 10;
	// set it to the page size your subgraphs enforce.
	DefaultListSize int
}

// DefaultConfig returns cost off, with Apollo Router's weights and a list size of 10 ready
// for measure mode, and a MaxCost of 1000 (Apollo's documented example) to start from.
func DefaultConfig() Config {
	return Config{
		Mode:            ModeOff,
		MaxCost:         1000,
		ObjectWeight:    1,
		ScalarWeight:    0,
		EnumWeight:      0,
		MutationWeight:  10,
		DefaultListSize: 10,
	}
}

// Validate reports the first invalid setting, named by its configuration key.
func (c Config) Validate() error {
	switch c.Mode {
	case ModeOff, ModeMeasure, ModeEnforce:
	default:
		return fmt.Errorf("cost.mode: %q is not one of off, measure, enforce", c.Mode)
	}
	if !(c.MaxCost > 0) || math.IsInf(c.MaxCost, 0) {
		return fmt.Errorf("cost.max_cost: must be positive and finite, e.g. 1000 (got %v)", c.MaxCost)
	}
	weights := []struct {
		key string
		v   float64
	}{
		{"cost.object_weight", c.ObjectWeight},
		{"cost.scalar_weight", c.ScalarWeight},
		{"cost.enum_weight", c.EnumWeight},
		{"cost.mutation_weight", c.MutationWeight},
	}
	for _, w := range weights {
		if !(w.v >= 0) || math.IsInf(w.v, 0) {
			return fmt.Errorf("%s: must be 0 or more and finite (got %v)", w.key, w.v)
		}
	}
	if c.DefaultListSize < 0 {
		return fmt.Errorf("cost.default_list_size: must be 0 or more, e.g. 10 (got %d)", c.DefaultListSize)
	}
	return nil
}
