package satisfy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// checkRuntimeTypes reports SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES when the field fd of
// s returns an abstract type, at least two subgraphs resolve it on this path, and the object
// types they can return there have nothing in common: whichever subgraph the planner picks,
// the answer's shape would depend on it. Subgraphs that know the type only as an
// @interfaceObject can return any implementation and are left out. Differing but
// intersecting sets are accepted (the planner narrows to what they share), as Apollo does.
func (w *walker) checkRuntimeTypes(s *state, fd *ast.FieldDefinition, next []int32) {
	c := w.c
	def := c.sg.API.Types[fd.Type.Name()]
	if def == nil || def.Kind == ast.Object {
		return
	}
	coord := s.typ + "." + fd.Name
	key := CodeMismatchedRuntimeTypes + "|" + coord
	if w.errs[key] != nil {
		return
	}
	c.spend(len(next))
	first := map[int]option{} // one option per subgraph: the runtime types depend on it only
	var graphs []int
	for _, id := range next {
		o := c.opts[id]
		if _, seen := first[o.graph]; !seen && !c.interfaceObjectAt(o) {
			first[o.graph] = o
			graphs = append(graphs, o.graph)
		}
	}
	if len(graphs) < 2 {
		return
	}
	possible := c.possibleTypes(def)
	c.spend(len(graphs) * len(possible))
	byGraph := map[int][]string{}
	for _, g := range graphs {
		o := first[g]
		for _, p := range possible {
			if st := c.staticType(o); st == p || c.sg.PossibleIn(c.graphs[g], st, p) {
				byGraph[g] = append(byGraph[g], p)
			}
		}
	}
	if intersects(byGraph, graphs) {
		return
	}
	slices.Sort(graphs)
	var lines []string
	for _, g := range graphs {
		lines = append(lines, fmt.Sprintf(" - in subgraph %q, %s", c.graphs[g], typeList(byGraph[g])))
	}
	msg := "For the following supergraph API query:\n" + c.witness(s, edge{field: fd}) +
		fmt.Sprintf("\nShared field %q return type %q has a non-intersecting set of possible runtime types across subgraphs. Runtime types in subgraphs are:\n", coord, def.Name) +
		strings.Join(lines, ";\n") +
		".\nThis is not allowed as shared fields must resolve the same way in all subgraphs, and that implies at least some common runtime types between the subgraphs."
	w.errs[key] = &Error{Code: CodeMismatchedRuntimeTypes, Coordinate: coord, Message: msg}
	w.rootErr[s.rootOf(fd)] = true
}

func intersects(byGraph map[int][]string, graphs []int) bool {
	for _, t := range byGraph[graphs[0]] {
		all := true
		for _, g := range graphs[1:] {
			if !slices.Contains(byGraph[g], t) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func typeList(types []string) string {
	switch len(types) {
	case 0:
		return "no type"
	case 1:
		return fmt.Sprintf("type %q", types[0])
	}
	q := make([]string, len(types))
	for i, t := range types {
		q[i] = fmt.Sprintf("%q", t)
	}
	return "types " + strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}
