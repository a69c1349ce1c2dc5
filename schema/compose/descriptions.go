package compose

import "strings"

// mergeDescription picks an element's description: the first non-empty one walking
// subgraphs by name (descs[i] is subgraph subs[i]'s). When subgraphs give different ones
// (ignoring surrounding whitespace) it hints INCONSISTENT_DESCRIPTION, naming which
// subgraphs give which, so that the owners can align them.
func (m *merger) mergeDescription(coord string, descs, subs []string) string {
	var order []string
	by := map[string][]string{}
	for i, d := range descs {
		k := strings.TrimSpace(d)
		if k == "" {
			continue
		}
		if by[k] == nil {
			order = append(order, k)
		}
		by[k] = append(by[k], subs[i])
	}
	if len(order) == 0 {
		return ""
	}
	if len(order) > 1 {
		var others []string
		for _, k := range order[1:] {
			others = append(others, "in "+subgraphsWord(by[k])+": "+quote(k))
		}
		m.c.hint("INCONSISTENT_DESCRIPTION", nil, coord, nil,
			"%q has inconsistent descriptions across subgraphs. The supergraph uses the one from %s: %s; but %s. Give it the same description everywhere (or in one subgraph only).",
			coord, subgraphsWord(by[order[0]]), quote(order[0]), strings.Join(others, "; "))
	}
	return firstDescription(descs...)
}
