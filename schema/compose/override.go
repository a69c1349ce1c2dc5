package compose

// applyOverrides resolves @override(from:): the source subgraph's field stops resolving
// (or keeps resolving under a progressive-override label) before fields are merged.
func (m *merger) applyOverrides() {
	bySub := map[string]*subgraph{}
	for _, s := range m.subs {
		bySub[s.name] = s
	}
	for _, name := range m.order {
		for _, st := range m.types[name].sources {
			for _, f := range st.fields {
				if f.overPos != nil && f.override != st.sub.name {
					m.override(f, bySub[f.override])
				}
			}
		}
	}
}

func (m *merger) override(f *sfield, from *subgraph) {
	sub := f.parent.sub
	coord := f.coordinate()
	var src *sfield
	if from != nil {
		src = from.types[f.parent.name].field(f.name)
	}
	if src == nil {
		m.c.hint("FROM_SUBGRAPH_DOES_NOT_EXIST", sub, coord, f.overPos,
			"Source subgraph %q for field %q on subgraph %q does not define the field (or does not exist); @override has no effect and may be removed.", f.override, coord, sub.name)
		return
	}
	if src.overPos != nil {
		f.overrideError, src.overrideError = true, true
		if src.override == sub.name && from.name < sub.name {
			return // reported once, from the first subgraph of the pair
		}
		m.c.report("OVERRIDE_SOURCE_HAS_OVERRIDE", sub, coord, f.overPos,
			"Field %q on subgraph %q is also marked with directive @override in subgraph %q; only one @override is allowed per field: remove one of them.", coord, sub.name, from.name)
		return
	}
	if src.requires != nil || src.provides != nil {
		m.c.report("OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE", from, coord, src.def.Position,
			"Field %q in subgraph %q is overridden by subgraph %q but has @requires or @provides there; remove the directive from the overridden field (or the @override).", coord, from.name, sub.name)
		return
	}
	if src.external {
		m.c.hint("OVERRIDE_DIRECTIVE_CAN_BE_REMOVED", sub, coord, f.overPos,
			"Field %q on subgraph %q is not resolved anymore by the from subgraph (it is marked @external in %q); the @override can be removed.", coord, sub.name, from.name)
		return
	}
	switch {
	case f.hasLabel:
		src.sourceLabel = f.label
	case src.keyField || src.required:
		src.usedOverridden = true
	default:
		src.overridden = true
	}
}
