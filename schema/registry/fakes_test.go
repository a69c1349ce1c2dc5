package registry

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// fakeCompose "composes" by concatenation: a comment line per subgraph naming it and its URL
// (so a URL change changes the supergraph but not its API), then its SDL. A subgraph whose SDL
// contains FAIL is a composition problem; an empty set is NO_QUERIES, as with the real
// composer; sources out of order are an error (the Composer contract).
func fakeCompose(ctx context.Context, subgraphs []Source) (string, []Problem, error) {
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	if !slices.IsSortedFunc(subgraphs, func(a, b Source) int { return strings.Compare(a.Name, b.Name) }) {
		return "", nil, errors.New("fakeCompose: subgraphs not sorted by name")
	}
	if len(subgraphs) == 0 {
		return "", []Problem{{Code: "NO_QUERIES", Message: "no subgraphs"}}, nil
	}
	var problems []Problem
	var b strings.Builder
	for _, s := range subgraphs {
		if strings.Contains(s.SDL, "FAIL") {
			problems = append(problems, Problem{Code: "INVALID_GRAPHQL", Message: "found FAIL\nhere", Subgraph: s.Name, Coordinate: "Query", Line: 1, Column: 2})
		}
		fmt.Fprintf(&b, "# %s %s\n%s\n", s.Name, s.RoutingURL, strings.TrimSpace(s.SDL))
	}
	if len(problems) > 0 {
		return "", problems, nil
	}
	return b.String(), nil, nil
}

// fakeDiff compares the fields (words ending in ":") outside comment lines: a field gone is
// BREAKING, a new one SAFE.
func fakeDiff(oldSDL, newSDL string) ([]Change, error) {
	old, cur := fields(oldSDL), fields(newSDL)
	var out []Change
	for _, f := range old {
		if !slices.Contains(cur, f) {
			out = append(out, Change{Level: LevelBreaking, Code: "REMOVED", Coordinate: f, Message: "removed field " + f})
		}
	}
	for _, f := range cur {
		if !slices.Contains(old, f) {
			out = append(out, Change{Level: LevelSafe, Code: "ADDED", Coordinate: f, Message: "added field " + f})
		}
	}
	return out, nil
}

func fields(sdl string) []string {
	var out []string
	for _, l := range strings.Split(sdl, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		for _, w := range strings.Fields(l) {
			if f, ok := strings.CutSuffix(w, ":"); ok && !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

func testOptions() Options {
	return Options{Compose: fakeCompose, Diff: fakeDiff, Takeovers: fakeTakeovers}
}

// overridePattern is how the fakes' subgraphs take a field: `p: Int @override(from: "b")`.
var overridePattern = regexp.MustCompile(`(\w+): \w+ @override\(from: "(\w+)"\)`)

// fakeTakeovers reads fakeCompose's output: the fields of subgraph's section of newSDL written
// with @override(from:) that its section of oldSDL did not take from the same subgraph; every
// field is on Query. A subgraph whose SDL contains TAKEOVER_ERROR is an error.
func fakeTakeovers(oldSDL, newSDL, subgraph string) ([]Takeover, error) {
	cur := section(newSDL, subgraph)
	if strings.Contains(cur, "TAKEOVER_ERROR") {
		return nil, errors.New("fakeTakeovers: cannot read the supergraph")
	}
	old := overridePattern.FindAllString(section(oldSDL, subgraph), -1)
	var out []Takeover
	for _, m := range overridePattern.FindAllStringSubmatch(cur, -1) {
		if !slices.Contains(old, m[0]) {
			out = append(out, Takeover{Coordinate: "Query." + m[1], From: m[2]})
		}
	}
	return out, nil
}

// section is subgraph's part of a fakeCompose supergraph.
func section(sdl, subgraph string) string {
	_, rest, ok := strings.Cut(sdl, "# "+subgraph+" ")
	if !ok {
		return ""
	}
	rest, _, _ = strings.Cut(rest, "\n# ")
	return rest
}
