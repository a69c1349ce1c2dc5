package main

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// findTakeovers is the registry's TakeoverFinder: the fields subgraph resolves in newSDL with
// @join__field(override:) (what @override(from:) composes to, progressive or not) that it did
// not take from the same subgraph in oldSDL. The registry refuses a team token's publish that
// takes fields of a subgraph the team does not own.
func findTakeovers(oldSDL, newSDL, subgraph string) ([]registry.Takeover, error) {
	cur, err := supergraph.Load("the composed supergraph", newSDL)
	if err != nil {
		return nil, fmt.Errorf("reading the composed supergraph: %w", err)
	}
	before := map[registry.Takeover]bool{}
	if oldSDL != "" {
		// A current supergraph that does not load counts as taking nothing: the check then
		// refuses more, never less.
		if old, err := supergraph.Load("the current supergraph", oldSDL); err == nil {
			for _, t := range overrides(old, subgraph) {
				before[t] = true
			}
		}
	}
	var out []registry.Takeover
	for _, t := range overrides(cur, subgraph) {
		if !before[t] {
			out = append(out, t)
		}
	}
	return out, nil
}

// overrides lists the fields subgraph takes from others in sg, sorted by coordinate.
func overrides(sg *supergraph.Supergraph, subgraph string) []registry.Takeover {
	var out []registry.Takeover
	for typeName, t := range sg.Types {
		for fieldName, f := range t.Fields {
			if in := f.In[subgraph]; in != nil && in.Override != "" {
				out = append(out, registry.Takeover{Coordinate: typeName + "." + fieldName, From: in.Override})
			}
		}
	}
	slices.SortFunc(out, func(a, b registry.Takeover) int {
		return cmp.Or(cmp.Compare(a.Coordinate, b.Coordinate), cmp.Compare(a.From, b.From))
	})
	return out
}
