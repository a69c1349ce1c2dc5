package main

import (
	"context"
	"errors"

	"github.com/trellis-gql/trellis/schema/compose"
	"github.com/trellis-gql/trellis/schema/diff"
	"github.com/trellis-gql/trellis/schema/registry"
)

// registryOptions are what every registry this binary opens checks with: schema/compose and
// schema/diff behind the registry's Composer and Differ, the gateway's own validation of a
// traffic policy, and the @override takeover finder (a team may not take another team's
// fields).
func registryOptions() registry.Options {
	return registry.Options{Compose: composeFederation, Diff: diffSupergraphs,
		ValidatePolicy: validatePolicy, Takeovers: findTakeovers}
}

// composeFederation adapts compose.ComposeContext to the registry's Composer: composition
// errors become problems, anything else an error. It returns soon after ctx is done (the
// registry holds its write lock meanwhile), with an error wrapping ctx.Err().
func composeFederation(ctx context.Context, subs []registry.Source) (string, []registry.Problem, error) {
	in := make([]compose.Subgraph, len(subs))
	for i, s := range subs {
		in[i] = compose.Subgraph{Name: s.Name, URL: s.RoutingURL, SDL: s.SDL}
	}
	res, err := compose.ComposeContext(ctx, in)
	if err == nil {
		return res.SDL, nil, nil
	}
	var errs compose.Errors
	if !errors.As(err, &errs) {
		return "", nil, err
	}
	problems := make([]registry.Problem, len(errs))
	for i, e := range errs {
		problems[i] = registry.Problem{Code: e.Code, Message: e.Message, Subgraph: e.Subgraph, Coordinate: e.Coordinate,
			Line: e.Line, Column: e.Column}
	}
	return "", problems, nil
}

// diffSupergraphs adapts diff.Supergraphs to the registry's Differ.
func diffSupergraphs(oldSDL, newSDL string) ([]registry.Change, error) {
	changes, err := diff.Supergraphs(oldSDL, newSDL)
	if err != nil {
		return nil, err
	}
	out := make([]registry.Change, len(changes))
	for i, c := range changes {
		out[i] = registry.Change{Level: c.Level.String(), Code: c.Code, Coordinate: c.Coordinate, Message: c.Message}
	}
	return out, nil
}
