package satisfy

import (
	"fmt"
	"sort"
	"strings"
)

// checkMutations reports a mutation field resolved by several subgraphs when none of them
// can resolve every field below it on its own: a mutation runs once, in one subgraph, so the
// planner cannot take one field from one copy and another from the other. Fields already
// reported by the main walk are left alone (the field itself is the problem there).
func (c *checker) checkMutations(main *walker) {
	def := c.sg.API.Mutation
	if def == nil || c.cut {
		return
	}
	top := &state{typ: def.Name, kind: "mutation"}
	for _, g := range c.rootGraphs(def.Name) {
		top.opts = append(top.opts, c.optionID(option{typ: def.Name, graph: g}))
	}
	for _, fd := range def.Fields {
		child := c.compositeType(fd.Type.Name())
		if child == "" || main.rootErr[def.Name+"."+fd.Name] {
			continue
		}
		byGraph := map[string][]int32{}
		for _, id := range top.opts {
			if r := c.advanceField(id, fd); r.ok {
				byGraph[c.graphs[c.opts[id].graph]] = r.opts
			}
		}
		if len(byGraph) < 2 {
			continue
		}
		if e := c.oneSubgraph(top, fd.Name, child, byGraph); e != nil {
			main.errs[CodeSatisfiability+"|"+e.Coordinate] = e
		}
	}
}

// oneSubgraph walks below the mutation field name from each subgraph alone and returns an
// error when every one of them fails, nil as soon as one succeeds.
func (c *checker) oneSubgraph(top *state, name, child string, byGraph map[string][]int32) *Error {
	graphs := make([]string, 0, len(byGraph))
	for g := range byGraph {
		graphs = append(graphs, g)
	}
	sort.Strings(graphs)
	fd := c.sg.API.Mutation.Fields.ForName(name)
	var parts []string
	for _, g := range graphs {
		sub := c.walker(true)
		sub.enqueue(&state{typ: child, opts: byGraph[g], parent: top, edge: edge{field: fd}, root: top.typ + "." + name})
		sub.run()
		if c.cut {
			return nil
		}
		if len(sub.errs) == 0 {
			return nil
		}
		for _, e := range sub.errs {
			parts = append(parts, fmt.Sprintf("- when subgraph %q runs it:\n%s", g, indentLines(e.Message, "  ")))
		}
	}
	coord := top.typ + "." + name
	return &Error{Code: CodeSatisfiability, Coordinate: coord, Message: fmt.Sprintf(
		"The mutation field %q is resolved by subgraphs %s, but a mutation field runs in exactly one subgraph and none of them can resolve everything below it on its own:\n%s",
		coord, quoteList(graphs), strings.Join(parts, "\n"))}
}

func indentLines(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}
