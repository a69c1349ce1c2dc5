package cost_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/trellis-gql/trellis/executor/cost"
)

func TestDefaultConfig(t *testing.T) {
	got := cost.DefaultConfig()
	want := cost.Config{Mode: cost.ModeOff, MaxCost: 1000, ObjectWeight: 1, MutationWeight: 10, DefaultListSize: 10}
	if got != want {
		t.Fatalf("DefaultConfig() = %+v; want %+v", got, want)
	}
	if err := got.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*cost.Config)
		want   string
	}{
		{"unknown mode", func(c *cost.Config) { c.Mode = "strict" }, `cost.mode: "strict" is not one of off, measure, enforce`},
		{"empty mode", func(c *cost.Config) { c.Mode = "" }, `cost.mode: "" is not one of off, measure, enforce`},
		{"zero max cost", func(c *cost.Config) { c.MaxCost = 0 }, "cost.max_cost: must be positive and finite, e.g. 1000 (got 0)"},
		{"infinite max cost", func(c *cost.Config) { c.MaxCost = math.Inf(1) }, "cost.max_cost: must be positive and finite, e.g. 1000 (got +Inf)"},
		{"NaN max cost", func(c *cost.Config) { c.MaxCost = math.NaN() }, "cost.max_cost: must be positive and finite, e.g. 1000 (got NaN)"},
		{"negative object weight", func(c *cost.Config) { c.ObjectWeight = -1 }, "cost.object_weight: must be 0 or more and finite (got -1)"},
		{"negative scalar weight", func(c *cost.Config) { c.ScalarWeight = -1 }, "cost.scalar_weight: must be 0 or more and finite (got -1)"},
		{"NaN enum weight", func(c *cost.Config) { c.EnumWeight = math.NaN() }, "cost.enum_weight: must be 0 or more and finite (got NaN)"},
		{"negative mutation weight", func(c *cost.Config) { c.MutationWeight = -10 }, "cost.mutation_weight: must be 0 or more and finite (got -10)"},
		{"negative list size", func(c *cost.Config) { c.DefaultListSize = -1 }, "cost.default_list_size: must be 0 or more, e.g. 10 (got -1)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := cost.DefaultConfig()
			c.change(&cfg)
			err := cfg.Validate()
			if err == nil || err.Error() != c.want {
				t.Fatalf("Validate() = %v; want %q", err, c.want)
			}
			if _, err := cost.New(cfg, load(t, linked, library)); err == nil {
				t.Fatal("New accepts an invalid config")
			}
		})
	}
}

func TestConfigWeights(t *testing.T) {
	sg := load(t, linked, library)
	cfg := cost.DefaultConfig()
	cfg.ObjectWeight, cfg.ScalarWeight, cfg.EnumWeight, cfg.MutationWeight, cfg.DefaultListSize = 2, 0.5, 3, 7, 4
	calc, err := cost.New(cfg, sg)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		query string
		want  float64
	}{
		{`{ book { title } }`, 2 + 0.5},
		{`{ books { title } }`, 4 * (2 + 0.5)},
		{`{ kind money }`, 15 + 30},             // @cost on the types beats the defaults
		{`{ node { ... on Cheap { id } } }`, 6}, // Other's @cost 6 is the widest
		{`mutation { ping }`, 7 + 0.5},
		{`{ withInput(input: {}) }`, 2 + 0.5}, // an input object weighs ObjectWeight
	}
	for _, c := range cases {
		op, vars := operation(t, sg, c.query, nil)
		if got := calc.Estimate(op, vars).Cost; got != c.want {
			t.Errorf("%s: Estimate = %v; want %v", c.query, got, c.want)
		}
	}
}

func TestAdmit(t *testing.T) {
	sg := load(t, linked, library)
	slicing := &cost.SlicingError{Field: "Query.strictPage"}
	cases := []struct {
		mode        cost.Mode
		est         cost.Estimate
		check, want error
	}{
		{cost.ModeEnforce, cost.Estimate{Cost: 100}, nil, nil},
		{cost.ModeEnforce, cost.Estimate{Cost: 100.5}, &cost.TooExpensiveError{Estimated: 100.5, Max: 100}, &cost.TooExpensiveError{Estimated: 100.5, Max: 100}},
		{cost.ModeEnforce, cost.Estimate{Cost: 1, Slicing: slicing}, slicing, slicing},
		{cost.ModeMeasure, cost.Estimate{Cost: 1000}, &cost.TooExpensiveError{Estimated: 1000, Max: 100}, nil},
		{cost.ModeMeasure, cost.Estimate{Cost: 1, Slicing: slicing}, slicing, nil},
		{cost.ModeOff, cost.Estimate{Cost: 1000}, &cost.TooExpensiveError{Estimated: 1000, Max: 100}, nil},
	}
	for _, c := range cases {
		cfg := cost.DefaultConfig()
		cfg.Mode, cfg.MaxCost = c.mode, 100
		calc, err := cost.New(cfg, sg)
		if err != nil {
			t.Fatal(err)
		}
		if got := calc.Check(c.est); !sameError(got, c.check) {
			t.Errorf("%s: Check(%+v) = %v; want %v", c.mode, c.est, got, c.check)
		}
		if got := calc.Admit(c.est); !sameError(got, c.want) {
			t.Errorf("%s: Admit(%+v) = %v; want %v", c.mode, c.est, got, c.want)
		}
	}
}

func sameError(a, b error) bool {
	var ta, tb *cost.TooExpensiveError
	if errors.As(a, &ta) && errors.As(b, &tb) {
		return *ta == *tb
	}
	return a == b
}

func TestTooExpensiveError(t *testing.T) {
	err := &cost.TooExpensiveError{Estimated: 1250, Max: 1000}
	if want := "operation estimated cost 1250 exceeds the maximum 1000: select fewer fields, or ask for smaller pages where a field takes a slicing argument such as first"; err.Error() != want {
		t.Errorf("Error() = %q", err)
	}
	ext, _ := json.Marshal(err.Extensions())
	if want := `{"code":"COST_ESTIMATED_TOO_EXPENSIVE","cost.estimated":1250,"cost.max":1000}`; string(ext) != want {
		t.Errorf("Extensions() = %s; want %s", ext, want)
	}
	report, _ := json.Marshal(cost.Report{Estimated: 24420, Actual: 12.5})
	if want := `{"estimated":24420,"actual":12.5}`; string(report) != want {
		t.Errorf("Report = %s; want %s", report, want)
	}
}

// TestLoadRefusesMalformedDirectives: a supergraph with a malformed cost directive is refused
// when it is loaded, before any calculator exists.
func TestLoadRefusesMalformedDirectives(t *testing.T) {
	_, err := loadErr(linked, `type Query { a(first: Int): [Int] @listSize(slicingArguments: ["max"]) }`)
	want := `test.graphql:15:65: @listSize on Query.a: slicing argument "max" is not an argument of Query.a (its arguments: first)`
	if err == nil || err.Error() != want {
		t.Fatalf("Load() = %v; want %s", err, want)
	}
}
