package satisfy

import (
	"context"
	"fmt"
	"sort"

	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2/ast"
)

// Codes of the errors Check returns.
const (
	CodeSatisfiability         = "SATISFIABILITY_ERROR"
	CodeMismatchedRuntimeTypes = "SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES"
)

// MaxSteps bounds the work of one Check. A step is one unit of bounded work: a walk state
// enqueued, an (option, field) or (option, down-cast) edge looked up, a comparison with an
// earlier state of the same type, a candidate subgraph tried for a field, a key jump tried,
// a key closure or condition computed, an option or witness edge built. Each is at most a
// few map lookups, so the budget bounds the time of Check, whatever the input (about a
// second on a slow machine). Apollo bounds its search at 1,000,000 open paths the same way.
// Past it, Check returns what it found and one error saying the search was cut.
const MaxSteps = 8_000_000

// pollEvery is how many steps pass between two looks at the context of CheckContext.
const pollEvery = 4096

// Error is one unsatisfiable path: Code is "SATISFIABILITY_ERROR" or
// "SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES"; Coordinate is the field that cannot be reached
// (e.g. "Position.z"), or the object type of a down-cast no subgraph can make; Message is the
// whole human text including the witness query.
type Error struct{ Code, Coordinate, Message string }

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Check walks the API schema of sg from every root type and reports every field no subgraph
// path can resolve, at most once per field (with the shortest witness query found). It is
// bounded by MaxSteps and deterministic: errors are sorted by coordinate, code and message.
// It does not modify sg and is safe to call concurrently on one supergraph.
func Check(sg *supergraph.Supergraph) []*Error {
	errs, _ := check(context.Background(), sg, MaxSteps)
	return errs
}

// CheckContext is Check that stops soon after ctx is done (it looks at ctx every few
// thousand steps, a few milliseconds apart at most). The error is then non-nil and wraps
// ctx.Err() ("satisfiability check cancelled: context deadline exceeded"); the errors
// returned with it are those found so far, not a verdict on the supergraph.
func CheckContext(ctx context.Context, sg *supergraph.Supergraph) ([]*Error, error) {
	if err := ctx.Err(); err != nil {
		return nil, cancelled(err)
	}
	return check(ctx, sg, MaxSteps)
}

func cancelled(err error) error {
	return fmt.Errorf("satisfiability check cancelled: %w", err)
}

func check(ctx context.Context, sg *supergraph.Supergraph, budget int) ([]*Error, error) {
	if sg == nil || sg.API == nil {
		return nil, nil
	}
	c := newChecker(sg, budget)
	if ctx.Done() != nil {
		c.ctx = ctx
	}
	w := c.walker(false)
	for _, root := range c.roots() {
		w.start(root)
	}
	w.run()
	c.checkMutations(w)
	if c.ctxErr != nil {
		return c.result(w), cancelled(c.ctxErr)
	}
	return c.result(w), nil
}

// checker holds what is memoized across the walk: interned options and provided selections,
// key closures, condition results and edge results. None of it depends on the path, and all
// of it is bounded by the schema: options by types x subgraphs x @provides selections x
// (1 + 2 x labels), edges by options x fields.
type checker struct {
	sg        *supergraph.Supergraph
	graphs    []string
	labels    map[string]int
	queryRoot string

	opts    []option
	optIDs  map[option]int32
	provs   []ast.SelectionSet
	provIDs map[*ast.Selection]int32

	closures   map[closureKey][]int
	busy       map[closureKey]bool
	collected  map[collectKey]bool
	collecting map[collectKey]bool
	advances   map[advanceKey]advanced
	possible   map[string][]string       // object types of an abstract API type
	hosts      map[string][]int          // subgraphs with a resolvable key for a type
	labelsOf   map[string]map[int32]bool // override labels serving fields of a type
	cuts       int                       // condition cycles broken; results computed across one are not memoized

	budget, used int
	cut          bool            // out of budget, or ctx done
	ctx          context.Context // nil when it can never be done
	ctxErr       error           // ctx.Err() once seen
	nextPoll     int             // c.used at which ctx is looked at next
}

func newChecker(sg *supergraph.Supergraph, budget int) *checker {
	n := len(sg.Types) // the memo tables grow with the schema: sized once, not rehashed often
	c := &checker{
		sg: sg, labels: map[string]int{},
		optIDs: make(map[option]int32, 4*n), provs: []ast.SelectionSet{nil}, provIDs: map[*ast.Selection]int32{},
		closures: make(map[closureKey][]int, 4*n), busy: map[closureKey]bool{},
		collected: map[collectKey]bool{}, collecting: map[collectKey]bool{},
		advances: make(map[advanceKey]advanced, 16*n), possible: map[string][]string{}, hosts: map[string][]int{}, labelsOf: map[string]map[int32]bool{}, budget: budget,
	}
	for _, g := range sg.Graphs {
		c.graphs = append(c.graphs, g.Name)
	}
	for i, l := range sg.OverrideLabels {
		c.labels[l] = i
	}
	if sg.API.Query != nil {
		c.queryRoot = sg.API.Query.Name
	}
	return c
}

// spend uses n steps of the budget and reports whether any is left. Every pollEvery steps it
// looks at the context: once done, the check is cut as if out of budget.
func (c *checker) spend(n int) bool {
	c.used += n
	if c.used > c.budget {
		c.cut = true
	}
	if c.ctx != nil && c.used >= c.nextPoll {
		c.nextPoll = c.used + pollEvery
		if err := c.ctx.Err(); err != nil && c.ctxErr == nil {
			c.ctxErr, c.cut = err, true
		}
	}
	return !c.cut
}

// root is one operation type of the API schema.
type root struct {
	kind string // "query", "mutation" or "subscription"
	def  *ast.Definition
}

func (c *checker) roots() []root {
	var out []root
	for _, r := range []root{{"query", c.sg.API.Query}, {"mutation", c.sg.API.Mutation}, {"subscription", c.sg.API.Subscription}} {
		if r.def != nil {
			out = append(out, r)
		}
	}
	return out
}

// result sorts the errors found; the cut error, if any, comes last.
func (c *checker) result(w *walker) []*Error {
	out := make([]*Error, 0, len(w.errs)+1)
	for _, e := range w.errs {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Coordinate != b.Coordinate {
			return a.Coordinate < b.Coordinate
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Message < b.Message
	})
	if c.cut && c.ctxErr == nil {
		out = append(out, &Error{Code: CodeSatisfiability, Message: fmt.Sprintf(
			"The satisfiability check stopped after %d steps (the limit) without covering the whole API schema: "+
				"the errors above are real, but others may be missing. The subgraphs offer too many distinct paths "+
				"to the same types; reduce the types shared by many subgraphs or the cycles between entities, "+
				"or split the supergraph.", c.budget)})
	}
	return out
}
