package compose

import (
	"context"
	"fmt"
	"sort"

	"github.com/trellis-gql/trellis/schema/supergraph"
)

// Subgraph is one subgraph to compose.
type Subgraph struct {
	Name string // as in supergraph.yaml; "_" is reserved
	URL  string // routing URL
	SDL  string
	File string // where the SDL came from, for error locations ("" -> the name)
}

// Result is a successful composition.
type Result struct {
	SDL   string   // the supergraph SDL
	Hints []*Error // notes that do not fail composition
}

// Compose composes the subgraphs (order does not matter: they are sorted by name). When
// composition fails the error is Errors with every problem found (not only the first).
func Compose(subgraphs []Subgraph) (*Result, error) {
	return ComposeContext(context.Background(), subgraphs)
}

// ComposeContext is Compose that stops soon after ctx is done: it looks at ctx between
// stages and subgraphs, and the satisfiability check, the one stage whose work is not linear
// in the size of the subgraphs, looks at it every few thousand steps. It then returns an
// error wrapping ctx.Err() ("composition cancelled: context deadline exceeded"), never
// Errors: a cancelled composition says nothing about the subgraphs.
func ComposeContext(ctx context.Context, subgraphs []Subgraph) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, cancelled(err)
	}
	c := &collector{}
	ins := append([]Subgraph(nil), subgraphs...)
	sort.SliceStable(ins, func(i, j int) bool { return ins[i].Name < ins[j].Name })
	checkNames(ins, c)
	var subs []*subgraph
	for _, in := range ins {
		if err := ctx.Err(); err != nil {
			return nil, cancelled(err)
		}
		if s := buildSubgraph(in, c); s != nil {
			subs = append(subs, s)
		}
	}
	if err := c.failed(); err != nil {
		return nil, err
	}
	for _, s := range subs {
		if err := ctx.Err(); err != nil {
			return nil, cancelled(err)
		}
		s.validate(c)
	}
	if err := c.failed(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, cancelled(err)
	}
	m := newMerger(subs, c)
	m.merge()
	if err := c.failed(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, cancelled(err)
	}
	sdl := m.print()
	if err := checkContext(ctx, sdl, c); err != nil {
		return nil, err
	}
	if err := c.failed(); err != nil {
		return nil, err
	}
	sortErrors(c.hints)
	return &Result{SDL: sdl, Hints: c.hints}, nil
}

// cancelled is the error of a composition stopped because ctx is done; errors.Is finds
// ctx.Err() in it.
func cancelled(err error) error {
	return fmt.Errorf("composition cancelled: %w", err)
}

// failed returns the errors collected so far as Errors, or nil.
func (c *collector) failed() error {
	if len(c.errs) == 0 {
		return nil
	}
	sortErrors(c.errs)
	return Errors(c.errs)
}

// checkNames refuses empty, reserved and duplicate subgraph names.
func checkNames(ins []Subgraph, c *collector) {
	if len(ins) == 0 {
		c.report("NO_SUBGRAPHS", nil, "", nil, "no subgraphs to compose: list at least one")
	}
	seen := map[string]bool{}
	for _, in := range ins {
		switch {
		case in.Name == "":
			c.report("INVALID_SUBGRAPH_NAME", nil, "", nil, "a subgraph has an empty name (file %q); name every subgraph", in.File)
		case in.Name == "_":
			c.report("INVALID_SUBGRAPH_NAME", &subgraph{name: in.Name, file: in.File}, "", nil, "the subgraph name \"_\" is reserved; choose another name")
		case seen[in.Name]:
			c.report("INVALID_SUBGRAPH_NAME", &subgraph{name: in.Name, file: in.File}, "", nil, "two subgraphs are named %q; subgraph names must be unique", in.Name)
		}
		seen[in.Name] = true
	}
}

// check loads the printed supergraph like the gateway does: a failure is a bug of this
// package, reported as INTERNAL. Then the satisfiability check.
func check(sdl string, c *collector) {
	_ = checkContext(context.Background(), sdl, c)
}

// checkContext is check that stops when ctx is done; its error is then ctx's, wrapped.
func checkContext(ctx context.Context, sdl string, c *collector) error {
	sg, err := supergraph.Load("supergraph.graphql", sdl)
	if err != nil {
		c.report("INTERNAL", nil, "", nil, "the composed supergraph does not load (a bug in the composer; please report it with the subgraphs): %v", err)
		return nil
	}
	if err := ctx.Err(); err != nil {
		return cancelled(err)
	}
	errs, err := satisfiability(ctx, sg)
	if err != nil {
		return cancelled(ctx.Err())
	}
	c.errs = append(c.errs, errs...)
	return nil
}
