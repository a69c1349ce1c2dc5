package compose

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// checkSharing refuses an object field resolved by several subgraphs unless every one of
// them marks it shareable.
func (m *merger) checkSharing() {
	for _, name := range m.order {
		t := m.types[name]
		if t.kind != ast.Object {
			continue
		}
		for _, f := range t.fields {
			m.checkFieldSharing(t, f)
		}
	}
}

func (m *merger) checkFieldSharing(t *mtype, f *mfield) {
	var resolving, unshared []string
	for _, s := range f.sources {
		if s.overrideError {
			return
		}
		if s.overridden || s.usedOverridden || s.sourceLabel != "" || s.external {
			continue
		}
		resolving = append(resolving, s.parent.sub.name)
		if !s.shareable {
			unshared = append(unshared, s.parent.sub.name)
		}
	}
	if len(resolving) < 2 {
		return
	}
	coord := t.name + "." + f.name
	if t.name == "Subscription" {
		m.c.report("INVALID_FIELD_SHARING", nil, coord, nil,
			"Fields on root level subscription object cannot be marked as shareable: %q is resolved from %s. Resolve it in one subgraph only.", coord, subgraphsWord(resolving))
		return
	}
	if len(unshared) == 0 {
		return
	}
	what := "all of them"
	if len(unshared) < len(resolving) {
		what = subgraphsWord(unshared)
	}
	m.c.report("INVALID_FIELD_SHARING", nil, coord, nil,
		"Non-shareable field %q is resolved from multiple subgraphs: it is resolved from %s and defined as non-shareable in %s. Mark it @shareable in every subgraph that resolves it, or make it @external where it should not be resolved, or move it with @override.",
		coord, subgraphsWord(resolving), what)
}
