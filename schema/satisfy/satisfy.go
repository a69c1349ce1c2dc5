package satisfy

import (
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

// MaxSteps bounds the work of one Check: walk states plus key closures and condition checks
// computed (Apollo bounds its search at 1,000,000 open paths the same way). Past it, Check
// returns what it found and one error saying the search was cut.
const MaxSteps = 1_000_000

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
	return check(sg, MaxSteps)
}

func check(sg *supergraph.Supergraph, budget int) []*Error {
	if sg == nil || sg.API == nil {
		return nil
	}
	c := newChecker(sg, budget)
	w := c.walker(false)
	for _, root := range c.roots() {
		w.start(root)
	}
	w.run()
	c.checkMutations(w)
	return c.result(w)
}

// checker holds what is memoized across the walk: interned options and provided selections,
// key closures, condition results and edge results. None of it depends on the path, and all
// of it is bounded by the schema: options by types x subgraphs x @provides selections x
// label states met, edges by options x fields.
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
	possible   map[string][]string // object types of an abstract API type
	cuts       int                 // condition cycles broken; results computed across one are not memoized

	budget, used int
	cut          bool
}

func newChecker(sg *supergraph.Supergraph, budget int) *checker {
	n := len(sg.Types) // the memo tables grow with the schema: sized once, not rehashed often
	c := &checker{
		sg: sg, labels: map[string]int{},
		optIDs: make(map[option]int32, 4*n), provs: []ast.SelectionSet{nil}, provIDs: map[*ast.Selection]int32{},
		closures: make(map[closureKey][]int, 4*n), busy: map[closureKey]bool{},
		collected: map[collectKey]bool{}, collecting: map[collectKey]bool{},
		advances: make(map[advanceKey]advanced, 16*n), possible: map[string][]string{}, budget: budget,
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

// spend uses n steps of the budget and reports whether any is left.
func (c *checker) spend(n int) bool {
	c.used += n
	if c.used > c.budget {
		c.cut = true
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
	if c.cut {
		out = append(out, &Error{Code: CodeSatisfiability, Message: fmt.Sprintf(
			"The satisfiability check stopped after %d steps (the limit) without covering the whole API schema: "+
				"the errors above are real, but others may be missing. The subgraphs offer too many distinct paths "+
				"to the same types; reduce the types shared by many subgraphs or the cycles between entities, "+
				"or split the supergraph.", c.budget)})
	}
	return out
}
