package main

import (
	"context"
	"errors"

	"github.com/trellis-gql/trellis/schema/diff"
	"github.com/trellis-gql/trellis/schema/registry"
)

// registryOptions are the composer and the change classifier of `trellis serve --registry`.
// Until the lead's registry.Federation() exists they are wired here: the classifier is
// schema/diff's; the composer is composeNotBuilt until schema/compose lands.
func registryOptions() registry.Options {
	return registry.Options{Compose: composeNotBuilt, Diff: diffSupergraphs}
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

// composeNotBuilt is the placeholder composer: it refuses every publication, saying why.
// TODO(lead): replace with schema/compose (registry.Federation()).
func composeNotBuilt(context.Context, []registry.Source) (string, []registry.Problem, error) {
	return "", nil, errors.New("this build of trellis has no composer yet (schema/compose): the registry cannot compose supergraphs")
}
